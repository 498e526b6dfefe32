/**
 * The `weighbridge` command line. `runCli(argv, io)` runs in-process (tests pass their own streams)
 * and resolves to the exit code:
 *   0  ok
 *   1  a budget failed at level error
 *   2  bad input or bad usage (one readable line on stderr, nothing written)
 *   3  internal error (a bug: message and stack on stderr)
 */
import path from 'node:path'
import { cac } from 'cac'
import { formatBytes, ReportFileError, serializeReport, serializeReportParts } from '@weighbridge/core'
import { InputError } from '../importers/input-error'
import { renderReport } from '@weighbridge/report'
import { createPhaseTimings, isTimingsRequested } from '../phase-timings'
import { formatSummary } from '../summary'
import { generatorVersion } from '../version'
import { writeFileAtomic } from '../write-file-atomic'
import { analyzeInput, INPUT_KINDS } from './analyze'
import { registerBaselineCommand } from './baseline'
import { registerBudgetsCommand } from './budgets'
import { registerCheckCommand } from './check'
import { registerDiffCommand } from './diff'
import { registerSplitCommand } from './split'
import { registerReportCommand } from './report'
import type { InputKind } from './analyze'

export interface CliIo {
  stdout: { write: (text: string) => unknown, isTTY?: boolean }
  stderr: { write: (text: string) => unknown }
  cwd: string
  /** Colours in the summary. @default stdout is a TTY and NO_COLOR is unset */
  colors?: boolean
}

export const EXIT_OK = 0
export const EXIT_BUDGET = 1
export const EXIT_BAD_INPUT = 2
export const EXIT_INTERNAL = 3

const EXIT_CODES_HELP = `Exit codes:
  0  ok
  1  a budget failed (level error)
  2  bad input or usage: unreadable, truncated or unknown input, missing source maps
  3  internal error (please report it)`

/** A usage problem found while reading options: printed like bad input. */
class UsageError extends Error {}

interface AnalyzeFlags {
  kind?: string
  out?: string
  json?: boolean
  html?: boolean
  root?: string
  dist?: string
  gzip?: string | number | boolean
  brotli?: string | number | boolean
}

export async function runCli(argv: string[], io?: CliIo): Promise<number> {
  const streams: CliIo = io ?? { stdout: process.stdout, stderr: process.stderr, cwd: process.cwd() }
  const code = await runWithStreams(argv, streams)
  if (!io)
    process.exitCode = code
  return code
}

async function runWithStreams(argv: string[], io: CliIo): Promise<number> {
  const cli = cac('weighbridge')
  let pending: Promise<number> | null = null

  cli
    .command('analyze <input>', 'Analyze a dist folder with source maps, a webpack/Rspack stats.json, an esbuild metafile or a report.json')
    .option('--kind <kind>', `Force the input kind (${INPUT_KINDS.join(' | ')}) instead of detecting it`)
    .option('--out <file>', 'Where to write report.json (default: .weighbridge/report.json; with --json only when given)')
    .option('--json', 'Print the report JSON to stdout instead of the summary')
    .option('--no-html', 'Do not write the HTML report next to report.json (default: report.json → report.html)')
    .option('--root <dir>', 'Project root: module paths are made relative to it (default: the current folder)')
    .option('--dist <dir>', 'For stats.json: the folder with the emitted files (default: outputPath in the stats, else the stats file\'s folder)')
    .option('--gzip <level>', 'gzip level 0-9, or false to skip gzip (default: 9)')
    .option('--brotli <quality>', 'brotli quality 0-11, or false to skip brotli (default: 11)')
    .example(name => `  $ ${name} analyze dist/\n  $ ${name} analyze stats.json --dist build/\n  $ ${name} analyze meta.json --json > report.json\n\n${EXIT_CODES_HELP}`)
    .action((input: string, flags: AnalyzeFlags) => {
      pending = runAnalyze(input, flags, io)
    })

  // Budgets, baselines and diffs (issue F): each file registers its command.
  const setPending = (command: Promise<number>): void => {
    pending = command
  }
  registerCheckCommand(cli, io, setPending)
  registerBaselineCommand(cli, io, setPending)
  registerDiffCommand(cli, io, setPending)
  registerBudgetsCommand(cli, io, setPending)
  // Split configurations (issue 8).
  registerSplitCommand(cli, io, setPending)
  registerReportCommand(cli, io, setPending)

  cli.help(sections => [...sections, ...(sections.some(section => section.body.includes('Exit codes:')) ? [] : [{ body: EXIT_CODES_HELP }])])
  cli.version(generatorVersion)

  const info = console.info
  console.info = (...values: unknown[]) => {
    io.stdout.write(`${values.join(' ')}\n`)
  }
  try {
    cli.parse(['node', 'weighbridge', ...argv], { run: false })
    if (cli.options.help || cli.options.version)
      return EXIT_OK
    if (!cli.matchedCommand) {
      if (cli.args.length > 0) {
        io.stderr.write(`weighbridge: unknown command "${cli.args[0]}"; run \`weighbridge --help\` for the commands.\n`)
        return EXIT_BAD_INPUT
      }
      cli.outputHelp()
      return EXIT_OK
    }
    await cli.runMatchedCommand()
  }
  catch (error) {
    io.stderr.write(`weighbridge: ${(error as Error).message}; run \`weighbridge ${cli.matchedCommandName ?? ''} --help\`.\n`.replace('  ', ' '))
    return EXIT_BAD_INPUT
  }
  finally {
    console.info = info
  }
  return pending ?? EXIT_OK
}

function parseLevel(name: string, value: string | number | boolean | undefined, max: number, fallback: number): number | false {
  if (value === undefined)
    return fallback
  if (value === false || value === 'false')
    return false
  const level = Number(value)
  if (!Number.isInteger(level) || level < 0 || level > max)
    throw new UsageError(`--${name} must be a whole number 0-${max} or false; received ${JSON.stringify(value)}`)
  return level
}

async function runAnalyze(input: string, flags: AnalyzeFlags, io: CliIo): Promise<number> {
  // The timing log (stderr) is on with the env `WEIGHBRIDGE_DEBUG=timings`, as for the plugin.
  const timings = createPhaseTimings(isTimingsRequested())
  try {
    if (flags.kind !== undefined && !INPUT_KINDS.includes(flags.kind as InputKind))
      throw new UsageError(`--kind must be one of ${INPUT_KINDS.join(', ')}; received ${JSON.stringify(flags.kind)}`)
    const root = path.resolve(io.cwd, flags.root ?? '.')
    const { report, kind } = await analyzeInput(input, {
      root,
      ...(flags.kind ? { kind: flags.kind as InputKind } : {}),
      ...(flags.dist ? { dist: path.resolve(io.cwd, flags.dist) } : {}),
      gzip: parseLevel('gzip', flags.gzip, 9, 9),
      brotli: parseLevel('brotli', flags.brotli, 11, 11),
      ...(timings.enabled ? { onPhase: timings.record } : {}),
    })
    const outFile = flags.out !== undefined ? path.resolve(io.cwd, String(flags.out)) : flags.json ? null : path.resolve(io.cwd, '.weighbridge/report.json')
    // The whole text only for stdout; the file is written in 1 MB pieces (the same bytes, less memory).
    const json = flags.json ? timings.time('serialize', () => serializeReport(report)) : null
    if (outFile)
      await timings.time('write json', () => writeFileAtomic(outFile, json ?? joinPieces(serializeReportParts(report), 1 << 20)))
    // The HTML report next to report.json (same name, .html), as the plugin writes it.
    const htmlFile = outFile && flags.html !== false ? outFile.replace(/\.json$/i, '') + '.html' : null
    if (htmlFile)
      await timings.time('html', () => writeFileAtomic(htmlFile, renderReport(report)))
    if (json !== null) {
      io.stdout.write(json.endsWith('\n') ? json : `${json}\n`)
    }
    else {
      const colors = io.colors ?? (Boolean(io.stdout.isTTY) && !process.env.NO_COLOR)
      const shown = (file: string | null): string | null => file ? path.relative(io.cwd, file) || file : null
      timings.time('summary', () => {
        io.stdout.write(`${formatSummary(report, { reportPath: shown(outFile), htmlPath: shown(htmlFile), colors })}\n`)
        io.stdout.write(`${describeAttribution(report, kind)}\n`)
      })
    }
    const timingLine = timings.format()
    if (timingLine)
      io.stderr.write(`${timingLine}\n`)
    return report.budgets.some(budget => budget.level === 'error') ? EXIT_BUDGET : EXIT_OK
  }
  catch (error) {
    if (error instanceof InputError || error instanceof UsageError || error instanceof ReportFileError) {
      io.stderr.write(`weighbridge: ${error.message}\n`)
      return EXIT_BAD_INPUT
    }
    io.stderr.write(`weighbridge: internal error while analyzing ${input}: ${(error as Error).stack ?? String(error)}\n`)
    return EXIT_INTERNAL
  }
}

/** Joins small pieces of text into pieces of about `size` characters (one write each). */
function* joinPieces(pieces: Iterable<string>, size: number): Generator<string> {
  let batch: string[] = []
  let length = 0
  for (const piece of pieces) {
    batch.push(piece)
    length += piece.length
    if (length >= size) {
      yield batch.join('')
      batch = []
      length = 0
    }
  }
  if (batch.length > 0)
    yield batch.join('')
}

/** One line on how much of the JS/CSS was attributed to modules (the rest is runtime or unmapped). */
function describeAttribution(report: { chunks: { glue: { rawBytes: number }, modules: { rawBytes: number }[], attribution: string }[] }, kind: InputKind): string {
  let moduleBytes = 0
  let glueBytes = 0
  const methods = new Set<string>()
  for (const chunk of report.chunks) {
    glueBytes += chunk.glue.rawBytes
    for (const module of chunk.modules)
      moduleBytes += module.rawBytes
    methods.add(chunk.attribution)
  }
  const total = moduleBytes + glueBytes
  const share = total === 0 ? 0 : (moduleBytes / total) * 100
  return `Attributed: ${formatBytes(moduleBytes)} of ${formatBytes(total)} (${share.toFixed(1)} %) to modules, ${formatBytes(glueBytes)} ${kind === 'dist' ? 'unmapped' : 'runtime/glue'}; method: ${[...methods].sort().join(', ') || 'none'}`
}
