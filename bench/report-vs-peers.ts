/**
 * The HTML report against its peers (issue 5): for the same Vite 8 builds, our report's size and
 * time-to-treemap next to rollup-plugin-visualizer's and Sonda's, with the page's JS heap.
 *
 *   cd bench && npx tsx --conditions=weighbridge-source report-vs-peers.ts
 *   ... report-vs-peers.ts --apps example,5k --runs 3 --reuse --out .tmp/REPORT-RESULTS.md
 *
 * 1. Builds each app (a copy of examples/vite-app, generated 5k and 20k apps from src/generate-app.ts
 *    with the same specs as the vite-builds section) once per tool, each build in a fresh Node
 *    process, into the app's own `dist` as a user would (the HTML report goes into `dist` too), then
 *    moves that `dist` to bench/.tmp/report-vs-peers/<app>/<tool>/dist.
 * 2. Opens each HTML from file:// in headless Chromium, a fresh browser context per load (1280×800),
 *    and measures the time from navigation start to the treemap being painted (see `tools` for the
 *    criterion of each tool) and the JS heap (CDP Performance.getMetrics JSHeapUsedSize) at that
 *    moment and after a forced GC. Median of --runs loads, tools interleaved in rotating order.
 * 3. Prints a table and writes it as markdown to bench/REPORT-RESULTS.md (or --out).
 */
import { fork } from 'node:child_process'
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { cp, mkdir, readFile, rename, rm, symlink, writeFile } from 'node:fs/promises'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'
import { dirname, join, relative, resolve } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { parseArgs } from 'node:util'
import { gzipSync } from 'node:zlib'
import { chromium, type Browser } from 'playwright-core'
import { formatBytes } from '@weighbridge/core'
import { generateApp } from './src/generate-app'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(benchDir, '..')
const workDir = join(benchDir, '.tmp', 'report-vs-peers')
const thisFile = fileURLToPath(import.meta.url)

const BROWSER_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync']
const VIEWPORT = { width: 1280, height: 800 }
/** A load that has not painted its treemap by then counts as failed. */
const LOAD_TIMEOUT_MS = 120_000
const BUILD_TIMEOUT_MS = 30 * 60_000

class UserError extends Error {}

// ---------------------------------------------------------------------------------------------
// Apps and tools
// ---------------------------------------------------------------------------------------------

interface BenchApp {
  key: string
  label: string
  prepare: () => Promise<{ root: string, sourceFiles: number | null }>
}

/**
 * The same apps as the vite-builds section (same generator specs), in our own folder: each build
 * writes the app's `dist` (output paths read `dist/assets/…` in every report, as in a real project)
 * and nothing else touches these copies.
 */
const apps: BenchApp[] = [
  {
    key: 'example',
    label: 'examples/vite-app',
    prepare: async () => {
      const source = join(repoRoot, 'examples/vite-app')
      const root = join(workDir, 'apps', 'example')
      await rm(root, { recursive: true, force: true })
      await cp(source, root, { recursive: true, filter: path => !/[/\\](node_modules|dist|\.weighbridge)$/.test(path) })
      // Its dependencies, linked (read only: no tool writes into node_modules, Weighbridge's cache is off).
      await symlink(realpathSync(join(source, 'node_modules')), join(root, 'node_modules'), 'dir')
      // Its tsconfig extends the repository's by a relative path: point that at the original.
      const tsconfig = JSON.parse(await readFile(join(root, 'tsconfig.json'), 'utf8')) as { extends?: string }
      if (tsconfig.extends?.startsWith('.')) {
        tsconfig.extends = resolve(source, tsconfig.extends)
        await writeFile(join(root, 'tsconfig.json'), `${JSON.stringify(tsconfig, null, 2)}\n`)
      }
      return { root, sourceFiles: null }
    },
  },
  ...[5_000, 20_000].map((moduleCount): BenchApp => ({
    key: `${moduleCount / 1000}k`,
    label: `generated ${moduleCount / 1000}k`,
    prepare: async () => {
      const app = await generateApp({ name: `app-${moduleCount / 1000}k`, moduleCount, seed: moduleCount }, join(workDir, 'apps'))
      return { root: app.root, sourceFiles: app.moduleCount }
    },
  })),
]

interface ToolBuild {
  appRoot: string
  /** `<appRoot>/dist` during the build. */
  outDir: string
}

interface Tool {
  key: 'weighbridge' | 'visualizer' | 'sonda'
  label: string
  /** How the tool is configured, for REPORT-RESULTS.md. */
  settings: string
  /** Vite `build.sourcemap` (Sonda reads source maps). */
  sourcemap: boolean
  /** Runs in the build process: the Vite plugins. */
  createPlugins: (build: ToolBuild) => Promise<unknown[]>
  /** The HTML report's file name in the out dir. */
  htmlName: string
  /** The URL hash that opens the treemap view ('' = the page's first view). */
  hash: string
  /** The elements that are the treemap's boxes. */
  tileSelector: string
  /** The exact painted criterion, for REPORT-RESULTS.md. */
  criterion: string
}

const tools: Tool[] = [
  {
    key: 'weighbridge',
    label: 'Weighbridge',
    settings: '`weighbridge({ reportFile: \'dist/report.json\', cache: false, configFile: false, summary: false })`: gzip 9 + brotli 11 and the HTML report (defaults), `dist/report.html`',
    sourcemap: false,
    createPlugins: async ({ outDir }) => {
      const { default: weighbridge } = await import('weighbridge/vite')
      return [weighbridge({ reportFile: join(outDir, 'report.json'), cache: false, configFile: false, summary: false, logLevel: 'warn' })]
    },
    htmlName: 'report.html',
    hash: '',
    tileSelector: '.treemap [data-i]',
    criterion: 'first view is the treemap; painted = the first animation frame in which all `.treemap [data-i]` boxes exist, then two more `requestAnimationFrame`s (the page\'s own `weighbridge:treemap-painted` mark, rAF + setTimeout, is shown for comparison)',
  },
  {
    key: 'visualizer',
    label: 'rollup-plugin-visualizer',
    settings: '`visualizer({ template: \'treemap\', gzipSize: true, brotliSize: true, filename: \'dist/stats.html\' })`',
    sourcemap: false,
    createPlugins: async ({ outDir }) => {
      const { visualizer } = await import('rollup-plugin-visualizer')
      return [visualizer({ template: 'treemap', gzipSize: true, brotliSize: true, filename: join(outDir, 'stats.html'), open: false })]
    },
    htmlName: 'stats.html',
    hash: '',
    tileSelector: 'svg g.node > rect',
    criterion: 'the page opens on its treemap; painted = the first animation frame in which all `svg g.node > rect` boxes exist, then two `requestAnimationFrame`s',
  },
  {
    key: 'sonda',
    label: 'Sonda',
    settings: '`sonda({ gzip: true, brotli: true, format: \'html\', outputDir: \'dist\', filename: \'sonda\' })`, `build.sourcemap: true` (Sonda needs source maps)',
    sourcemap: true,
    createPlugins: async ({ outDir }) => {
      const { default: sonda } = await import('sonda/vite')
      return [sonda({ gzip: true, brotli: true, format: 'html', outputDir: outDir, filename: 'sonda', open: false })]
    },
    htmlName: 'sonda.html',
    // Sonda opens on a dashboard; its treemap is the `#/treemap` route (the dashboard's "Total size" link).
    hash: '#/treemap',
    tileSelector: 'svg rect[data-hover]',
    criterion: 'opened at `#/treemap` (its first view is a dashboard); painted = the first animation frame in which all `svg rect[data-hover]` tiles exist, then two `requestAnimationFrame`s',
  },
]

function findTool(key: string): Tool {
  const tool = tools.find(candidate => candidate.key === key)
  if (!tool) throw new Error(`Unknown tool ${key}`)
  return tool
}

function buildPaths(appKey: string, toolKey: string): { keptDir: string, logFile: string } {
  return { keptDir: join(workDir, appKey, toolKey, 'dist'), logFile: join(workDir, 'logs', `${appKey}-${toolKey}-build.log`) }
}

// ---------------------------------------------------------------------------------------------
// Builds: one Vite build per app and tool, in a fresh process (this file with --build-one)
// ---------------------------------------------------------------------------------------------

interface BuildJob { tool: Tool['key'], appRoot: string, outDir: string }
interface BuildResult { buildMs: number, htmlFile: string }

async function runBuildInThisProcess(job: BuildJob): Promise<BuildResult> {
  const tool = findTool(job.tool)
  const { build } = await import('vite')
  const plugins = await tool.createPlugins(job)
  const startedMs = performance.now()
  await build({
    root: job.appRoot,
    configFile: false,
    logLevel: 'warn',
    plugins: plugins as never[],
    build: { outDir: job.outDir, emptyOutDir: true, sourcemap: tool.sourcemap },
  })
  const buildMs = performance.now() - startedMs
  const htmlFile = join(job.outDir, tool.htmlName)
  if (!existsSync(htmlFile)) throw new Error(`${tool.label} wrote no report at ${htmlFile}`)
  return { buildMs, htmlFile }
}

async function runBuildInChild(job: BuildJob, logFile: string): Promise<BuildResult> {
  await mkdir(dirname(logFile), { recursive: true })
  const { openSync, closeSync } = await import('node:fs')
  const logFd = openSync(logFile, 'w')
  const child = fork(thisFile, ['--build-one', JSON.stringify(job)], { cwd: job.appRoot, execArgv: process.execArgv, stdio: ['ignore', logFd, logFd, 'ipc'] })
  closeSync(logFd)
  return await new Promise<BuildResult>((resolve, reject) => {
    let message: { ok: boolean, result?: BuildResult, error?: string } | undefined
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`the ${job.tool} build did not finish within ${BUILD_TIMEOUT_MS / 60_000} min (log: ${logFile})`))
    }, BUILD_TIMEOUT_MS)
    child.on('message', (received) => {
      message = received as typeof message
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      if (message?.ok && code === 0) resolve(message.result!)
      else reject(new Error(`the ${job.tool} build failed (exit ${code}): ${message?.error?.split('\n').filter(line => line.trim()).slice(0, 4).join(' ') ?? 'no result'} (log: ${logFile})`))
    })
  })
}

// ---------------------------------------------------------------------------------------------
// Browser: time to treemap and JS heap
// ---------------------------------------------------------------------------------------------

interface LoadSample {
  /** Navigation start → the frame after the one that showed all tiles (two rAFs later). */
  paintedMs: number
  /** Our page's own mark (Weighbridge only). */
  markMs: number | null
  tiles: number
  heapUsedBytes: number
  heapAfterGcBytes: number
}

/**
 * Runs at document start in every measured page: checks the tile count in every animation frame;
 * when it reaches `minTiles`, waits two more frames and records `performance.now()` (ms since
 * navigation start). A string, not a function: tsx's transform would add helpers the page lacks.
 */
function createPaintProbeScript(selector: string, minTiles: number): string {
  return `(() => {
  const probe = { paintedMs: -1, tiles: 0 }
  window.__paintProbe = probe
  const check = () => {
    const tiles = document.querySelectorAll(${JSON.stringify(selector)}).length
    if (tiles >= ${Math.max(1, minTiles)}) {
      probe.tiles = tiles
      requestAnimationFrame(() => requestAnimationFrame(() => { probe.paintedMs = performance.now() }))
      return
    }
    requestAnimationFrame(check)
  }
  requestAnimationFrame(check)
})()`
}

/** The number of tiles once the page has settled: unchanged for 1.5 s after the first appeared. */
async function countSettledTiles(browser: Browser, url: string, selector: string): Promise<number> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  try {
    const page = await context.newPage()
    await page.goto(url)
    await page.waitForFunction(sel => document.querySelectorAll(sel).length > 0, selector, { timeout: LOAD_TIMEOUT_MS })
    let last = -1
    let stableSinceMs = Date.now()
    for (;;) {
      const count = await page.evaluate(sel => document.querySelectorAll(sel).length, selector)
      if (count !== last) {
        last = count
        stableSinceMs = Date.now()
      } else if (Date.now() - stableSinceMs >= 1500) {
        return count
      }
      await page.waitForTimeout(100)
    }
  } finally {
    await context.close()
  }
}

async function measureLoad(browser: Browser, url: string, tool: Tool, minTiles: number): Promise<LoadSample> {
  const context = await browser.newContext({ viewport: VIEWPORT })
  try {
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', error => problems.push(error.message))
    await page.addInitScript(createPaintProbeScript(tool.tileSelector, minTiles))
    const cdp = await context.newCDPSession(page)
    await cdp.send('Performance.enable')
    await page.goto(url)
    await page.waitForFunction(() => (window as unknown as { __paintProbe?: { paintedMs: number } }).__paintProbe!.paintedMs >= 0, null, { timeout: LOAD_TIMEOUT_MS, polling: 50 })
    const metrics = await cdp.send('Performance.getMetrics')
    const heapUsedBytes = metrics.metrics.find(metric => metric.name === 'JSHeapUsedSize')?.value ?? Number.NaN
    const probe = await page.evaluate(() => ({
      ...(window as unknown as { __paintProbe: { paintedMs: number, tiles: number } }).__paintProbe,
      markMs: performance.getEntriesByName('weighbridge:treemap-painted')[0]?.startTime ?? null,
    }))
    await cdp.send('HeapProfiler.collectGarbage')
    const afterGc = await cdp.send('Performance.getMetrics')
    const heapAfterGcBytes = afterGc.metrics.find(metric => metric.name === 'JSHeapUsedSize')?.value ?? Number.NaN
    if (problems.length > 0) throw new Error(`${tool.label} page errors: ${problems.join('; ')}`)
    return { paintedMs: probe.paintedMs, markMs: probe.markMs, tiles: probe.tiles, heapUsedBytes, heapAfterGcBytes }
  } finally {
    await context.close()
  }
}

// ---------------------------------------------------------------------------------------------
// Tables
// ---------------------------------------------------------------------------------------------

interface ToolResult {
  tool: Tool['key']
  htmlFile: string
  htmlBytes: number
  htmlGzipBytes: number
  buildMs: number | null
  settledTiles: number
  samples: LoadSample[]
  error: string | null
}

interface AppResult {
  app: string
  label: string
  sourceFiles: number | null
  tools: ToolResult[]
}

function median(values: number[]): number | null {
  const finite = values.filter(value => Number.isFinite(value))
  if (finite.length === 0) return null
  const sorted = [...finite].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

function formatMs(value: number | null): string {
  return value === null ? '–' : `${Math.round(value).toLocaleString('en-US')} ms`
}

function formatHeapMb(bytes: number | null): string {
  return bytes === null ? '–' : `${(bytes / 1_000_000).toFixed(1)} MB`
}

function formatRatio(ours: number | null, peer: number | null): string {
  return ours === null || peer === null || peer === 0 ? '–' : `${(ours / peer).toFixed(2)}`
}

interface TableRow { cells: string[] }

const HEADER = ['app', 'tool', 'HTML', 'HTML gzip', 'time to treemap (median)', 'min–max', 'JS heap at paint', 'JS heap after GC', 'tiles', 'ours/peer HTML', 'ours/peer time', 'ours/peer heap']
const ALIGN: ('l' | 'r')[] = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']

function summarize(result: ToolResult): { paintedMs: number | null, minMs: number | null, maxMs: number | null, heap: number | null, heapAfterGc: number | null, markMs: number | null } {
  const painted = result.samples.map(sample => sample.paintedMs)
  return {
    paintedMs: median(painted),
    minMs: painted.length ? Math.min(...painted) : null,
    maxMs: painted.length ? Math.max(...painted) : null,
    heap: median(result.samples.map(sample => sample.heapUsedBytes)),
    heapAfterGc: median(result.samples.map(sample => sample.heapAfterGcBytes)),
    markMs: median(result.samples.map(sample => sample.markMs ?? Number.NaN)),
  }
}

function buildRows(results: AppResult[]): TableRow[] {
  const rows: TableRow[] = []
  for (const app of results) {
    const ours = app.tools.find(tool => tool.tool === 'weighbridge')
    const oursSummary = ours && !ours.error ? summarize(ours) : null
    for (const result of app.tools) {
      const tool = findTool(result.tool)
      if (result.error) {
        rows.push({ cells: [app.label, tool.label, ...HEADER.slice(2).map(() => '–')].map((cell, index) => (index === 4 ? `failed: ${result.error}` : cell)) })
        continue
      }
      const summary = summarize(result)
      const isOurs = result.tool === 'weighbridge'
      rows.push({
        cells: [
          app.label,
          tool.label,
          formatBytes(result.htmlBytes),
          formatBytes(result.htmlGzipBytes),
          formatMs(summary.paintedMs),
          summary.minMs === null ? '–' : `${Math.round(summary.minMs)}–${Math.round(summary.maxMs!)}`,
          formatHeapMb(summary.heap),
          formatHeapMb(summary.heapAfterGc),
          result.settledTiles.toLocaleString('en-US'),
          isOurs || !ours ? '' : formatRatio(ours.htmlBytes, result.htmlBytes),
          isOurs || !oursSummary ? '' : formatRatio(oursSummary.paintedMs, summary.paintedMs),
          isOurs || !oursSummary ? '' : formatRatio(oursSummary.heap, summary.heap),
        ],
      })
    }
  }
  return rows
}

function renderMarkdownTable(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const separator = align.map(side => (side === 'r' ? '---:' : ':---'))
  return [header, separator, ...rows].map(cells => `| ${cells.join(' | ')} |`).join('\n')
}

function renderConsoleTable(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map(row => (row[column] ?? '').length)))
  const renderRow = (cells: string[]): string => cells
    .map((cell, column) => (align[column] === 'r' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
    .join('  ')
  return [renderRow(header), widths.map(width => '-'.repeat(width)).join('  '), ...rows.map(renderRow)].join('\n')
}

function readVersion(packageName: string): string {
  try {
    return (JSON.parse(readFileSync(join(benchDir, 'node_modules', packageName, 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown'
  } catch {
    return 'not installed'
  }
}

function readChromiumVersion(browser: Browser): string {
  return browser.version()
}

function renderMarkdown(results: AppResult[], context: { runs: number, command: string, chromium: string, loadStart: number, durationMin: number }): string {
  const rows = buildRows(results)
  const lines = [
    '# The HTML report against its peers',
    '',
    `Measured ${new Date().toISOString().slice(0, 10)} with \`${context.command}\` (${context.durationMin.toFixed(0)} min).`,
    '',
    `- Machine: ${availableParallelism()} cores (${cpus()[0]?.model.trim() ?? 'unknown'}), ${(totalmem() / 1e9).toFixed(1)} GB, Node ${process.version}, headless Chromium ${context.chromium} (\`/usr/bin/chromium\`, software rendering: \`--disable-gpu\`), viewport ${VIEWPORT.width}×${VIEWPORT.height}.`,
    `- Load average (1 min) at start ${context.loadStart.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)}: above ${availableParallelism()}, other work shared the CPU and all times are inflated (all tools alike: loads are interleaved).`,
    `- Vite ${readVersion('vite')}; rollup-plugin-visualizer ${readVersion('rollup-plugin-visualizer')}; Sonda ${readVersion('sonda')}; Weighbridge from source.`,
    `- Each app is built once per tool (same app, same Vite config apart from the tool's plugin). Each HTML is opened from \`file://\` ${context.runs} times, each in a fresh browser context, tools in rotating order; the table shows medians. One unmeasured load first counts the tiles the page shows once settled (\`tiles\`).`,
    '- Time to treemap: `performance.now()` in the page (ms since navigation start) when the treemap has been painted:',
    ...tools.map(tool => `  - ${tool.label}: ${tool.criterion}.`),
    '- JS heap: CDP `Performance.getMetrics` `JSHeapUsedSize`, right after the treemap was painted, and after `HeapProfiler.collectGarbage`.',
    '- Ratios: ours / peer (below 1 = ours is smaller or faster). HTML sizes: kB = 1,000 bytes; gzip level 9 of the file, as it would travel as a CI artefact.',
    '',
    '| tool | settings |',
    '| :--- | :--- |',
    ...tools.map(tool => `| ${tool.label} | ${tool.settings} |`),
    '',
    renderMarkdownTable(HEADER, rows.map(row => row.cells), ALIGN),
    '',
  ]
  lines.push('Target (issue 5): smaller and faster than both peers.', '')
  for (const app of results) {
    const ours = app.tools.find(tool => tool.tool === 'weighbridge' && !tool.error)
    if (!ours) continue
    const oursSummary = summarize(ours)
    const verdicts = app.tools.filter(tool => tool.tool !== 'weighbridge' && !tool.error).map((peer) => {
      const peerSummary = summarize(peer)
      const compare = (what: string, a: number | null, b: number | null): string => (a === null || b === null ? `${what} –` : `${what} ${a < b ? 'yes' : '**no**'} (${formatRatio(a, b)})`)
      return `${findTool(peer.tool).label}: ${[compare('smaller HTML', ours.htmlBytes, peer.htmlBytes), compare('smaller gzipped', ours.htmlGzipBytes, peer.htmlGzipBytes), compare('faster', oursSummary.paintedMs, peerSummary.paintedMs), compare('less heap', oursSummary.heap, peerSummary.heap)].join(', ')}`
    })
    lines.push(`- ${app.label}: ${verdicts.join('; ')}.`)
  }
  lines.push('')
  const ours = results.flatMap(app => app.tools.filter(tool => tool.tool === 'weighbridge' && !tool.error).map(tool => ({ app: app.label, mark: summarize(tool).markMs, painted: summarize(tool).paintedMs })))
  if (ours.length > 0) {
    lines.push(`Weighbridge's own \`weighbridge:treemap-painted\` mark (median): ${ours.map(entry => `${entry.app} ${formatMs(entry.mark)} (probe ${formatMs(entry.painted)})`).join(', ')}.`, '')
  }
  const builds = results.flatMap(app => app.tools.filter(tool => tool.buildMs !== null).map(tool => `${app.label} / ${findTool(tool.tool).label} ${formatMs(tool.buildMs)}`))
  if (builds.length > 0) lines.push(`Build times of the builds measured here (one each, not a build benchmark: see RESULTS.md): ${builds.join('; ')}.`, '')
  return lines.join('\n')
}

async function writeFileAtomically(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, contents)
  await rename(temporary, path)
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

interface Options { apps: BenchApp[], runs: number, reuse: boolean, out: string }

function readOptions(): Options {
  let values
  try {
    values = parseArgs({
      options: {
        apps: { type: 'string', default: 'example,5k,20k' },
        runs: { type: 'string', default: '5' },
        reuse: { type: 'boolean', default: false },
        out: { type: 'string', default: join(benchDir, 'REPORT-RESULTS.md') },
      },
      strict: true,
    }).values
  } catch (error) {
    throw new UserError(`${(error as Error).message}; options: --apps example,5k,20k  --runs N  --reuse  --out FILE`)
  }
  const runs = Number(values.runs)
  if (!Number.isInteger(runs) || runs < 1) throw new UserError(`--runs must be a whole number of loads, at least 1; received "${values.runs}"`)
  const keys = values.apps.split(',').map(key => key.trim()).filter(Boolean)
  const unknown = keys.filter(key => !apps.some(app => app.key === key))
  if (unknown.length > 0) throw new UserError(`--apps: unknown app ${unknown.join(', ')}; known: ${apps.map(app => app.key).join(', ')}`)
  return { apps: apps.filter(app => keys.includes(app.key)), runs, reuse: values.reuse, out: values.out }
}

async function main(): Promise<void> {
  const options = readOptions()
  const startedAt = Date.now()
  const loadStart = loadavg()[0]!
  const log = (message: string): void => console.log(`[report-vs-peers ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}`)

  const results: AppResult[] = []
  for (const app of options.apps) {
    log(`${app.label}: preparing`)
    const prepared = await app.prepare()
    const appResult: AppResult = { app: app.key, label: app.label, sourceFiles: prepared.sourceFiles, tools: [] }
    for (const tool of tools) {
      const { keptDir, logFile } = buildPaths(app.key, tool.key)
      const htmlFile = join(keptDir, tool.htmlName)
      let buildMs: number | null = null
      let error: string | null = null
      if (!(options.reuse && existsSync(htmlFile))) {
        const outDir = join(prepared.root, 'dist')
        await rm(outDir, { recursive: true, force: true })
        await rm(keptDir, { recursive: true, force: true })
        try {
          buildMs = (await runBuildInChild({ tool: tool.key, appRoot: prepared.root, outDir }, logFile)).buildMs
          await mkdir(dirname(keptDir), { recursive: true })
          await rename(outDir, keptDir)
          log(`${app.label}: built with ${tool.label} in ${formatMs(buildMs)}`)
        } catch (caught) {
          error = (caught as Error).message
          log(`${app.label}: ${tool.label} FAILED: ${error}`)
        }
      }
      const htmlBytes = error ? 0 : statSync(htmlFile).size
      const htmlGzipBytes = error ? 0 : gzipSync(await readFile(htmlFile), { level: 9 }).byteLength
      appResult.tools.push({ tool: tool.key, htmlFile, htmlBytes, htmlGzipBytes, buildMs, settledTiles: 0, samples: [], error })
    }
    results.push(appResult)
  }

  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: BROWSER_ARGS })
  const chromiumVersion = readChromiumVersion(browser)
  try {
    for (const app of results) {
      const measurable = app.tools.filter(result => !result.error)
      for (const result of measurable) {
        const tool = findTool(result.tool)
        result.settledTiles = await countSettledTiles(browser, `${pathToFileURL(result.htmlFile).href}${tool.hash}`, tool.tileSelector)
        log(`${app.label}: ${tool.label} shows ${result.settledTiles} tiles once settled`)
      }
      for (let run = 0; run < options.runs; run++) {
        const order = measurable.map((_, index) => measurable[(index + run) % measurable.length]!)
        for (const result of run % 2 === 1 ? order.reverse() : order) {
          const tool = findTool(result.tool)
          try {
            const sample = await measureLoad(browser, `${pathToFileURL(result.htmlFile).href}${tool.hash}`, tool, result.settledTiles)
            result.samples.push(sample)
            log(`${app.label}: ${tool.label} load ${run + 1}: treemap at ${formatMs(sample.paintedMs)}${sample.markMs !== null ? ` (own mark ${formatMs(sample.markMs)})` : ''}, heap ${formatHeapMb(sample.heapUsedBytes)}`)
          } catch (caught) {
            result.error = `load ${run + 1}: ${(caught as Error).message.split('\n')[0]}`
            log(`${app.label}: ${tool.label} load FAILED: ${result.error}`)
          }
        }
      }
    }
  } finally {
    await browser.close()
  }

  const rows = buildRows(results)
  console.log(`\n${renderConsoleTable(HEADER, rows.map(row => row.cells), ALIGN)}\n`)
  const command = `cd bench && npx tsx --conditions=weighbridge-source report-vs-peers.ts${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`
  const markdown = renderMarkdown(results, { runs: options.runs, command, chromium: chromiumVersion, loadStart, durationMin: (Date.now() - startedAt) / 60_000 })
  await writeFileAtomically(options.out, markdown)
  await writeFileAtomically(join(workDir, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`Wrote ${relative(process.cwd(), options.out) || options.out} and ${relative(process.cwd(), join(workDir, 'results.json'))}`)
}

if (process.argv[2] === '--build-one') {
  const job = JSON.parse(process.argv[3] ?? '{}') as BuildJob
  runBuildInThisProcess(job).then(
    (result) => {
      process.send?.({ ok: true, result }, () => process.disconnect())
    },
    (error: unknown) => {
      process.exitCode = 1
      process.send?.({ ok: false, error: error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error) }, () => process.disconnect())
    },
  )
} else {
  main().catch((error: unknown) => {
    if (error instanceof UserError) console.error(`report-vs-peers: ${error.message}`)
    else console.error(error)
    process.exitCode = 1
  })
}
