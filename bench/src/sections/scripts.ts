/**
 * Sections that run a standalone bench script of bench/ (analyses.ts, split.ts, cli-analyze.ts,
 * report-vs-peers.ts, runtime.ts) in a child `node --import tsx` process, with
 * its default arguments (fewer runs with `--quick`), from the bench folder, without the
 * `weighbridge-source` condition: the workspace packages load from their built `dist`, as in the
 * Vite builds. Its output streams to the terminal as progress lines and goes into RESULTS.md: the
 * script's own markdown when it writes one (`--out`, headings moved one level down), else its
 * printed output as a text block.
 */
import { spawn } from 'node:child_process'
import { createWriteStream } from 'node:fs'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { join, relative, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { createInterface } from 'node:readline'
import { pathToFileURL } from 'node:url'
import { formatDurationMs } from '../format'
import type { BenchContext, BenchMode, BenchSection, SectionResult } from '../section'

export interface ScriptSpec {
  name: string
  /** The `##` heading in RESULTS.md. */
  title: string
  description: string
  runsByDefault: boolean
  /** The script's file name in bench/ (or an absolute path). */
  script: string
  /** Its arguments per mode (the script's defaults unless a shorter run is needed). */
  args: (mode: BenchMode) => string[]
  /** True when the script takes `--out FILE` and writes its results there as markdown. */
  writesMarkdown: boolean
  timeoutMs: number
}

/** Strips terminal colour codes from captured output. */
function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001B\[[0-9;]*[A-Za-z]/g, '')
}

/**
 * The script's markdown nested under the bench's `##` heading: its leading `#` title dropped (the
 * section's heading replaces it), every other heading one level down.
 */
export function nestMarkdown(markdown: string): string {
  let inFence = false
  const lines = markdown.trim().split('\n')
  if (/^# /.test(lines[0] ?? '')) lines.splice(0, lines[1]?.trim() === '' ? 2 : 1)
  return lines.map((line) => {
    if (/^\s*(?:```|~~~)/.test(line)) inFence = !inFence
    return !inFence && /^#{1,5} /.test(line) ? `#${line}` : line
  }).join('\n')
}

interface ScriptRun {
  exitCode: number | null
  output: string
  durationMs: number
  timedOut: boolean
}

async function runScript(context: BenchContext, spec: ScriptSpec, args: string[]): Promise<ScriptRun> {
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href
  const logDir = join(context.tmpDir, 'logs', 'sections')
  await mkdir(logDir, { recursive: true })
  const log = createWriteStream(join(logDir, `${spec.name}.log`))
  const startedMs = performance.now()
  const child = spawn(process.execPath, ['--import', tsxLoader, resolve(context.benchDir, spec.script), ...args], {
    cwd: context.benchDir,
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const lines: string[] = []
  const follow = (stream: NodeJS.ReadableStream, prefix: string): Promise<void> => new Promise((resolve) => {
    const reader = createInterface({ input: stream, crlfDelay: Infinity })
    reader.on('line', (raw) => {
      const line = stripAnsi(raw)
      log.write(`${line}\n`)
      lines.push(line)
      if (line.trim() !== '') context.log(`${spec.name} ${prefix}| ${line}`)
    })
    reader.on('close', resolve)
  })
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    child.kill('SIGKILL')
  }, spec.timeoutMs)
  const [exitCode] = await Promise.all([
    new Promise<number | null>((resolve) => {
      child.on('error', (error) => {
        lines.push(`could not start: ${error.message}`)
        resolve(null)
      })
      child.on('close', code => resolve(code))
    }),
    follow(child.stdout!, ''),
    follow(child.stderr!, '! '),
  ])
  clearTimeout(timer)
  await new Promise(resolve => log.end(resolve))
  return { exitCode, output: lines.join('\n').trimEnd(), durationMs: performance.now() - startedMs, timedOut }
}

export function createScriptSection(spec: ScriptSpec): BenchSection {
  return {
    name: spec.name,
    description: spec.description,
    runsByDefault: spec.runsByDefault,
    run: async (context: BenchContext): Promise<SectionResult> => {
      const outFile = join(context.tmpDir, 'sections', `${spec.name}.md`)
      const args = [...spec.args(context.options.mode), ...(spec.writesMarkdown ? ['--out', outFile] : [])]
      await rm(outFile, { force: true })
      await mkdir(join(context.tmpDir, 'sections'), { recursive: true })
      const command = `node --import tsx ${[spec.script, ...args.map(arg => (arg === outFile ? relative(context.benchDir, outFile) : arg))].join(' ')}`
      context.log(`${spec.name}: ${command} (in bench/)`)
      const run = await runScript(context, spec, args)
      const logPath = relative(context.repoRoot, join(context.tmpDir, 'logs', 'sections', `${spec.name}.log`))
      const failed = run.exitCode !== 0
      let body: string
      if (!failed && spec.writesMarkdown) {
        const written = await readFile(outFile, 'utf8').catch(() => null)
        body = written === null ? `The script wrote no ${outFile}; its output:\n\n\`\`\`text\n${run.output}\n\`\`\`` : nestMarkdown(written)
      } else {
        const shown = failed ? run.output.split('\n').slice(-40).join('\n') : run.output
        body = `\`\`\`text\n${shown}\n\`\`\``
      }
      const status = run.timedOut
        ? `**Stopped after ${formatDurationMs(spec.timeoutMs)}** (no result); the last lines it printed:`
        : failed ? `**Failed (exit ${run.exitCode})**; the last lines it printed:` : null
      const markdown = [
        `## ${spec.title}`,
        '',
        `${spec.description}. Run by \`pnpm bench\` as \`${command}\` in bench/ (packages from their built \`dist\`, no \`weighbridge-source\` condition), ${formatDurationMs(run.durationMs)}; full output in ${logPath}.${spec.writesMarkdown ? ' Where the text below names a command or says "from source", it describes the script run on its own.' : ''}`,
        '',
        ...(status ? [status, ''] : []),
        body,
      ].join('\n')
      const consoleText = failed
        ? `${spec.name} ${run.timedOut ? 'timed out' : `failed (exit ${run.exitCode})`} after ${formatDurationMs(run.durationMs)}; log: ${logPath}`
        : `${spec.name}: done in ${formatDurationMs(run.durationMs)}`
      return { markdown, consoleText, data: { command, exitCode: run.exitCode, durationMs: run.durationMs, timedOut: run.timedOut, output: run.output }, failed }
    },
  }
}

const minutes = 60_000

export const analysesSection: BenchSection = createScriptSection({
  name: 'analyses',
  title: 'Findings analyses on a 20,000-module report',
  description: 'Time of `computeFindings` (all rules) and of the dominator step on a generated 20,000-module report with its source tree (bench/analyses.ts), no bundler',
  runsByDefault: true,
  script: 'analyses.ts',
  args: () => [],
  writesMarkdown: false,
  timeoutMs: 10 * minutes,
})

export const splitSection: BenchSection = createScriptSection({
  name: 'split',
  title: 'Split planning on a 20,000-module report',
  description: 'Time of `planSplit` for the Vite, Rollup and webpack targets on a generated 20,000-module report with a baseline (bench/split.ts), no bundler',
  runsByDefault: true,
  script: 'split.ts',
  args: () => [],
  writesMarkdown: false,
  timeoutMs: 10 * minutes,
})

export const cliAnalyzeSection: BenchSection = createScriptSection({
  name: 'cli-analyze',
  title: '`weighbridge analyze` vs webpack-bundle-analyzer and source-map-explorer',
  description: 'The built `weighbridge analyze` CLI against webpack-bundle-analyzer and source-map-explorer on the stats.json and dist of a generated webpack app (bench/cli-analyze.ts; 20,000 modules, 2,000 with `--quick`)',
  runsByDefault: false,
  script: 'cli-analyze.ts',
  args: mode => (mode === 'quick' ? ['2000', '--runs', '1'] : []),
  writesMarkdown: false,
  timeoutMs: 60 * minutes,
})

export const reportVsPeersSection: BenchSection = createScriptSection({
  name: 'report-vs-peers',
  title: 'HTML report vs rollup-plugin-visualizer and Sonda',
  description: 'Report size, time to treemap and JS heap in headless Chromium for the same Vite builds (bench/report-vs-peers.ts; example, 5k and 20k apps, the example app once with `--quick`)',
  runsByDefault: false,
  script: 'report-vs-peers.ts',
  args: mode => (mode === 'quick' ? ['--apps', 'example', '--runs', '1'] : []),
  writesMarkdown: true,
  timeoutMs: 60 * minutes,
})

export const runtimeSection: BenchSection = createScriptSection({
  name: 'runtime',
  title: 'Runtime hooks overhead in Chromium',
  description: 'Cost of the runtime profiler and leak hooks on a scripted single-page app in headless Chromium, and the runtime\'s shipped size (bench/runtime.ts; 3 rounds with `--quick`)',
  runsByDefault: false,
  script: 'runtime.ts',
  args: mode => (mode === 'quick' ? ['--rounds', '3'] : []),
  writesMarkdown: false,
  timeoutMs: 30 * minutes,
})
