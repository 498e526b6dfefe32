/**
 * `weighbridge report <report.json> [--out file] [--open]`: renders the self-contained HTML report
 * from a saved report.json (written next to it as `<name>.html` unless `--out` says where).
 */
import { spawn } from 'node:child_process'
import path from 'node:path'
import type { CAC } from 'cac'
import { formatBytes, readReportFile, ReportFileError } from '@weighbridge/core'
import { renderReport } from '@weighbridge/report'
import { writeFileAtomic } from '../write-file-atomic'

export interface ReportCommandFlags {
  out?: string
  open?: boolean
}

export interface ReportCommandIo {
  stdout: { write: (text: string) => unknown }
  stderr: { write: (text: string) => unknown }
  cwd: string
  /** Opens a file with the platform's opener; tests pass their own. @default openWithPlatformOpener */
  openFile?: (file: string) => void
}

/** `open` on macOS, `start` on Windows, `xdg-open` elsewhere; detached, output ignored. */
export function openWithPlatformOpener(file: string): void {
  const [command, args] = process.platform === 'darwin'
    ? ['open', [file]]
    : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', file]] : ['xdg-open', [file]]
  const child = spawn(command as string, args as string[], { detached: true, stdio: 'ignore' })
  child.on('error', () => {}) // no opener installed: the path is printed anyway
  child.unref()
}

/** The default output: `report.json` → `report.html` in the same folder. */
export function defaultHtmlPath(reportJson: string): string {
  const parsed = path.parse(reportJson)
  return path.join(parsed.dir, `${parsed.ext.toLowerCase() === '.json' ? parsed.name : parsed.base}.html`)
}

/** Runs the command; resolves to the exit code (0 ok, 2 bad input). */
export async function runReportCommand(input: string, flags: ReportCommandFlags, io: ReportCommandIo): Promise<number> {
  const inputFile = path.resolve(io.cwd, input)
  try {
    if (flags.out !== undefined && (typeof flags.out !== 'string' || flags.out.trim() === ''))
      throw new ReportFileError(`--out needs a file path; received ${JSON.stringify(flags.out)}`, inputFile)
    const report = readReportFile(inputFile)
    const outFile = flags.out ? path.resolve(io.cwd, flags.out) : defaultHtmlPath(inputFile)
    if (outFile === inputFile)
      throw new ReportFileError(`--out ${flags.out} is the input report itself; choose an .html path`, inputFile)
    const html = renderReport(report)
    await writeFileAtomic(outFile, html)
    const shown = path.relative(io.cwd, outFile) || outFile
    io.stdout.write(`Wrote ${shown} (${formatBytes(Buffer.byteLength(html))}, ${report.modules.length} modules)\n`)
    if (flags.open) (io.openFile ?? openWithPlatformOpener)(outFile)
    return 0
  }
  catch (error) {
    if (error instanceof ReportFileError) {
      io.stderr.write(`weighbridge: ${error.message}\n`)
      return 2
    }
    throw error
  }
}

/**
 * Registers `report` on the CLI. `track` receives the command's promise (the CLI awaits it for the
 * exit code), matching how `cli/index.ts` runs `analyze`.
 */
export function registerReportCommand(cli: CAC, io: ReportCommandIo, track: (task: Promise<number>) => void): void {
  cli
    .command('report <report>', 'Render the self-contained HTML report from a saved report.json')
    .option('--out <file>', 'Where to write the HTML (default: next to the report, report.json → report.html)')
    .option('--open', 'Open the HTML report with the system\'s default app')
    .example(name => `  $ ${name} report .weighbridge/report.json --open`)
    .action((input: string, flags: ReportCommandFlags) => {
      track(runReportCommand(input, flags, io))
    })
}
