/**
 * `weighbridge baseline save [report.json] [--to file]`: saves a report as the baseline that later
 * builds and `weighbridge check` compare with. Written through a temp file and a rename: a crash or
 * a kill leaves the old baseline intact, never half a file.
 */
import path from 'node:path'
import type { CAC } from 'cac'
import { formatBytes, saveBaselineFile } from '@weighbridge/core'
import { DEFAULT_BASELINE_FILE } from '../config-file'
import type { CliIo } from './index'
import { CommandInputError, readConfigArgument, readReportArgument, runCommand, showPath } from './command-io'

export interface BaselineFlags {
  to?: string
  config?: string
}

export function registerBaselineCommand(cli: CAC, io: CliIo, run: (pending: Promise<number>) => void): void {
  cli
    .command('baseline <action> [report]', 'save: keep a report.json as the baseline to compare later builds with')
    .option('--to <file>', `Where to save it (default: the config's baseline, else ${DEFAULT_BASELINE_FILE})`)
    .option('--config <file>', 'Config file to read the baseline path from')
    .example(name => `  $ ${name} baseline save\n  $ ${name} baseline save dist/report.json --to baselines/main.json`)
    .action((action: string, report: string | undefined, flags: BaselineFlags) => {
      run(runBaseline(action, report, flags, io))
    })
}

export async function runBaseline(action: string, reportArgument: string | undefined, flags: BaselineFlags, io: CliIo): Promise<number> {
  return runCommand(io, 'baseline', async () => {
    if (action !== 'save')
      throw new CommandInputError(`unknown action "${action}"; the action is save: \`weighbridge baseline save [report.json] [--to file]\``)
    const target = flags.to ?? (await readConfigArgument(io, flags.config)).config.baseline ?? DEFAULT_BASELINE_FILE
    const { report, shown } = readReportArgument(io, reportArgument)
    const targetPath = path.resolve(io.cwd, String(target))
    if (targetPath === path.resolve(io.cwd, shown))
      throw new CommandInputError(`the report ${shown} and the baseline are the same file; save the baseline somewhere else with --to`)
    await saveBaselineFile(report, targetPath)
    const gzip = report.outputs.filter(output => output.kind !== 'map').reduce<number | null>((sum, output) => sum === null || output.gzipBytes === null ? null : sum + output.gzipBytes, 0)
    io.stdout.write(`weighbridge baseline: saved ${shown} as ${showPath(io, targetPath)} (${report.modules.length} modules, ${report.chunks.length} chunks${gzip === null ? '' : `, ${formatBytes(gzip)} gzip`})\n`)
    return 0
  })
}
