/**
 * `weighbridge split [report.json] --bundler <name> [--out file] [goal flags]`: plans chunk groups
 * from a saved report and writes a ready-to-use configuration file for the bundler (plus its
 * explanation, `.md`, next to it), printing the explanation. Exit 0 written (or nothing to change),
 * 2 bad input: unreadable report, unknown bundler, esbuild (no manual chunking), goals that
 * conflict, a report whose modules do not resolve under --root, an empty or single-module build.
 * Nothing is written on exit 2.
 */
import path from 'node:path'
import type { CAC } from 'cac'
import type { Report, SplitGoals, SplitTarget } from '@weighbridge/core'
import { formatBytes, readReportFile, resolveSplitGoals, SPLIT_TARGETS, SplitPlanError } from '@weighbridge/core'
import { describeEsbuildAdvice } from '../split/render-explanation'
import { defaultSplitFile, writeSplitFiles } from '../split/write-split-files'
import type { CliIo } from './index'
import { CommandInputError, DEFAULT_REPORT_FILE, runCommand, showPath } from './command-io'

export interface SplitFlags {
  bundler?: string
  out?: string
  root?: string
  baseline?: string | string[]
  minChunkBytes?: string | number
  maxInitialRequests?: string | number
  vendorGroups?: boolean
  initialWeight?: string | number
  lazySharedOutOfInitial?: boolean
  json?: boolean
}

export function registerSplitCommand(cli: CAC, io: CliIo, run: (pending: Promise<number>) => void): void {
  cli
    .command('split [report]', 'Plan chunk groups from a report.json and write the split configuration for a bundler')
    .option('--bundler <name>', `Bundler to write for: ${SPLIT_TARGETS.join(' | ')} (default: the report's bundler)`)
    .option('--out <file>', 'Where to write the configuration (.mjs; default: .weighbridge/split.<bundler>.mjs); the explanation goes next to it (.md)')
    .option('--root <dir>', 'Project root the report\'s module paths are relative to (default: the current folder)')
    .option('--baseline <file>', 'Earlier report(s), oldest first, to tell long-lived packages from changing ones (repeatable)')
    .option('--min-chunk-bytes <bytes>', 'Goal: no planned chunk under this many raw bytes (default: 20000, best effort)')
    .option('--max-initial-requests <count>', 'Goal: at most this many JS/CSS files in any initial load')
    .option('--no-vendor-groups', 'Goal off: no long-lived vendor chunks')
    .option('--initial-weight <factor>', 'Goal weight: a byte added to an initial load costs this many lazy bytes (default: 10)')
    .option('--no-lazy-shared-out-of-initial', 'Goal off: code only lazy routes share may join an initial load')
    .option('--json', 'Print the plan as JSON instead of the explanation')
    .example(name => `  $ ${name} split --bundler vite\n  $ ${name} split dist/report.json --bundler webpack --out config/split.mjs --max-initial-requests 4\n  $ ${name} split --baseline reports/v1.json --baseline reports/v2.json`)
    .action((report: string | undefined, flags: SplitFlags) => {
      run(runSplit(report, flags, io))
    })
}

function parseNumberFlag(name: string, value: string | number | undefined): number | undefined {
  if (value === undefined)
    return undefined
  const number = typeof value === 'number' ? value : Number(String(value).replaceAll('_', ''))
  if (!Number.isFinite(number))
    throw new CommandInputError(`--${name} must be a number; received ${JSON.stringify(value)}`)
  return number
}

export async function runSplit(reportArgument: string | undefined, flags: SplitFlags, io: CliIo): Promise<number> {
  return runCommand(io, 'split', async () => {
    const shown = reportArgument ?? DEFAULT_REPORT_FILE
    const report = readReportFile(path.resolve(io.cwd, shown), { role: 'report', displayName: shown })
    const target = resolveTarget(flags.bundler, report)
    if (target === 'esbuild') {
      io.stderr.write(`weighbridge split: ${describeEsbuildAdvice()}\n`)
      return 2
    }
    const goalInput: SplitGoals = {}
    const minChunkBytes = parseNumberFlag('min-chunk-bytes', flags.minChunkBytes)
    const maxInitialRequests = parseNumberFlag('max-initial-requests', flags.maxInitialRequests)
    const initialWeight = parseNumberFlag('initial-weight', flags.initialWeight)
    if (minChunkBytes !== undefined)
      goalInput.minChunkBytes = minChunkBytes
    if (maxInitialRequests !== undefined)
      goalInput.maxInitialRequests = maxInitialRequests
    if (initialWeight !== undefined)
      goalInput.initialWeight = initialWeight
    if (flags.vendorGroups === false)
      goalInput.vendorGroups = false
    if (flags.lazySharedOutOfInitial === false)
      goalInput.lazySharedOutOfInitial = false
    const { goals, problems } = resolveSplitGoals(goalInput, 'goal')
    if (problems.length > 0)
      throw new CommandInputError(problems.join('; ').replaceAll('goal.', '--').replace(/--(\w+)/g, (_, name: string) => `--${name.replace(/[A-Z]/g, letter => `-${letter.toLowerCase()}`)}`))
    const baselineFiles = flags.baseline === undefined ? [] : Array.isArray(flags.baseline) ? flags.baseline : [flags.baseline]
    const baselines: Report[] = baselineFiles.map(file => readReportFile(path.resolve(io.cwd, String(file)), { role: 'baseline', displayName: String(file) }))
    const root = path.resolve(io.cwd, flags.root ?? '.')
    const outFile = flags.out !== undefined ? path.resolve(io.cwd, String(flags.out)) : defaultSplitFile(io.cwd, target)
    let result
    try {
      result = await writeSplitFiles({ report, target, root, outFile, goals, baselines })
    }
    catch (error) {
      if (error instanceof SplitPlanError)
        throw new CommandInputError(`${shown}: ${error.message}`)
      throw error
    }
    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ config: result.configFile && showPath(io, result.configFile), explanation: result.explanationFile && showPath(io, result.explanationFile), plan: result.plan }, null, 2)}\n`)
      return 0
    }
    io.stdout.write(result.explanation)
    if (result.configFile === null) {
      io.stdout.write(`\nweighbridge split: nothing to configure for ${target}; no file written.\n`)
      return 0
    }
    const saved = result.plan.entries.map(entry => `${entry.name} ${formatBytes(entry.today.gzipBytes)} → ${formatBytes(entry.predicted.gzipBytes)}`).join(', ')
    io.stdout.write(`\nWrote ${showPath(io, result.configFile)} (${result.plan.groups.length} chunk groups for ${target}) and ${showPath(io, result.explanationFile!)}; initial loads (gzip): ${saved}\n`)
    return 0
  })
}

function resolveTarget(flag: string | undefined, report: Report): SplitTarget {
  if (flag === undefined) {
    if ((SPLIT_TARGETS as readonly string[]).includes(report.bundler.name))
      return report.bundler.name as SplitTarget
    throw new CommandInputError(`--bundler is needed: the report comes from "${report.bundler.name}", which is not one of ${SPLIT_TARGETS.join(', ')}; e.g. --bundler vite`)
  }
  if (!(SPLIT_TARGETS as readonly string[]).includes(flag))
    throw new CommandInputError(`--bundler must be one of ${SPLIT_TARGETS.join(', ')}; received ${JSON.stringify(flag)}`)
  return flag as SplitTarget
}
