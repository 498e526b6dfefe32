/**
 * Runtime hooks benchmark (issue 9), runnable alone:
 *
 *   cd bench && npx tsx --conditions=weighbridge-source runtime.ts [--rounds 15] [--loops 30] [--chunks 6]
 *
 * The runtime fixture's single-page app (test/fixtures/runtime-app/app.html: a router mounting three
 * views with row listeners, timers, frames and observers, and a modal dialog, all cleaned up) is
 * built twice with Vite in production mode: plain, and with
 * `weighbridge({ runtime: { production: true, sampleRate: 0.1 } })`. Both builds are served from
 * 127.0.0.1 and driven in Debian's Chromium with playwright-core.
 *
 * Every round opens fresh pages, each in its own browser context: the plain app, the instrumented
 * app, and the plain app a second time (the A/A control), warms them up, measures, and closes them.
 * One page keeps its own speed for its whole life (its process, heap and JIT state): in a trial
 * here, two pages of the same build kept for a whole run differed by +4 % (quartiles of the rounds
 * 3.4 to 6.5 %), more than the effect measured, and a page pair kept for the whole run carries such
 * a bias into every round. Fresh pages turn it into noise that the median of the rounds cancels,
 * and the A/A line shows what is left.
 *
 * - Scripted interaction, in-page: navigate to each route, open the dialog, close it (real clicks on
 *   the app's links and buttons, `element.click()`), `--loops` passes per round, in `--chunks`
 *   chunks interleaved between the three pages (rotating order, so load changes on the machine hit
 *   every page alike). Before each chunk the page settles (a frame, then a task: the previous
 *   chunk's rendering, observers and timers run outside the window); a chunk ends with a forced
 *   layout (the interaction's rendering inside the window). Per chunk: the renderer main thread's
 *   CPU time (CDP `Performance.getMetrics` `ThreadTime`), its task time (`TaskDuration`: wall time
 *   inside tasks) and the wall time between performance marks.
 *   Verdict: main-thread CPU time, paired per round. Wall figures include the time the main thread
 *   waited for a core: on a shared machine that is half of it (the bench prints the off-CPU share,
 *   `1 - ThreadTime / TaskDuration`), and it changes from one chunk to the next with other load.
 *   Target: under 2 %.
 * - Trusted clicks: the same sequence clicked by playwright (real input events); main-thread CPU time,
 *   and the in-page time of each click from the event's dispatch to the end of the task it started
 *   (a MessageChannel message), summed.
 * - Per-call cost of a tagged addEventListener / removeEventListener pair (a loop on one target),
 *   and of one pair on a fresh element each time (the per-target bookkeeping): the listener-heavy
 *   worst cases, as their own lines.
 * Each line gives the medians, then the median, quartiles, 95 % confidence interval of the median
 * (bootstrap) and interquartile mean (the mean of the middle half) of the per-round ratios (the
 * pages measured in the same round), which cancel slow drifts of the machine's load. The verdict
 * says "under 2 %" only when that interval is under 2 %.
 * - The runtime's size as it ships: the browser module plus its install line, minified with esbuild,
 *   gzip level 9. Target: at most 3 kB.
 */
import type { RawRuntimeSnapshot } from '@weighbridge/runtime'
import type { Browser, Page } from 'playwright-core'
import fs from 'node:fs'
import http from 'node:http'
import os from 'node:os'
import path from 'node:path'
import zlib from 'node:zlib'
import { analyzeRuntimeSnapshot } from '@weighbridge/runtime'
import { transform } from 'esbuild'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import weighbridge from 'weighbridge/vite'
import { createRuntimeModuleCode, loadRuntimeSource } from '../packages/weighbridge/src/runtime/runtime-code'

function numberArgument(name: string, fallback: number): number {
  const at = process.argv.indexOf(name)
  return at > 0 ? Number(process.argv[at + 1]) : fallback
}

const ROUNDS = numberArgument('--rounds', 15)
/** Passes over the three routes (each: navigate, open the dialog, close it) per page and round (`--loops`). */
const SEQUENCE_LOOPS = numberArgument('--loops', 30)
/** Chunks each round's passes are split into, interleaved between the pages (`--chunks`). */
const CHUNKS = Math.max(1, Math.min(SEQUENCE_LOOPS, numberArgument('--chunks', 6)))
/** Passes per trusted-click sample (each click is a CDP round trip). */
const TRUSTED_LOOPS = 2
const PAIRS = 200_000
/** Fresh elements per sample of the fresh-target micro benchmark. */
const FRESH = 50_000

const FIXTURE = path.resolve(import.meta.dirname, '../test/fixtures/runtime-app')

const PAIRS_PAGE = `<!doctype html><html><body><script type="module" src="/src/pairs.js"></script></body></html>\n`
const PAIRS_MODULE = `
const target = document.createElement('div')
const handler = () => {}
export function measurePairs(count) {
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    target.addEventListener('ping', handler)
    target.removeEventListener('ping', handler)
  }
  return performance.now() - start
}
export function measureFresh(count) {
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const element = document.createElement('button')
    element.addEventListener('click', handler)
    element.removeEventListener('click', handler)
  }
  return performance.now() - start
}
Object.assign(window, { measurePairs, measureFresh })
`

interface BenchWindow {
  measurePairs: (count: number) => number
  measureFresh: (count: number) => number
  __WEIGHBRIDGE__?: { snapshot: () => RawRuntimeSnapshot }
}

interface ThreadTimes {
  /** Main-thread CPU time (`ThreadTime`): what the code costs, whatever else runs on the machine. */
  cpuMs: number
  /** Main-thread time inside tasks (`TaskDuration`): wall time, including waits for a core. */
  taskMs: number
}

/** Main-thread CPU and task time of a page so far (CDP `Performance.getMetrics`), in ms. */
async function createThreadClock(page: Page): Promise<() => Promise<ThreadTimes>> {
  const session = await page.context().newCDPSession(page)
  await session.send('Performance.enable')
  return async () => {
    const { metrics } = await session.send('Performance.getMetrics')
    const read = (name: string): number => metrics.find(metric => metric.name === name)!.value * 1000
    return { cpuMs: read('ThreadTime'), taskMs: read('TaskDuration') }
  }
}

interface Sample extends ThreadTimes {
  /** Wall time measured in the page. */
  wallMs: number
}

/** Wall time from inside the page, and main-thread CPU and task time around `run`. */
async function measure(clock: () => Promise<ThreadTimes>, run: () => Promise<number>): Promise<Sample> {
  const before = await clock()
  const wallMs = await run()
  const after = await clock()
  return { wallMs, cpuMs: after.cpuMs - before.cpuMs, taskMs: after.taskMs - before.taskMs }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function buildApp(root: string, name: string, hooked: boolean): Promise<string> {
  const outDir = path.join(root, '..', name)
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    mode: 'production',
    cacheDir: path.join(root, '..', 'vite-cache'),
    build: { outDir, emptyOutDir: true, rollupOptions: { input: { app: path.join(root, 'app.html'), pairs: path.join(root, 'pairs.html') } } },
    plugins: hooked
      ? [weighbridge({ runtime: { production: true, sampleRate: 0.1, endpoint: false }, reportFile: false, summary: false, cache: false, gzip: false, brotli: false })]
      : [],
  })
  return outDir
}

function serveDirectory(root: string): Promise<{ url: string, close: () => void }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' }
  const server = http.createServer((request, response) => {
    const file = path.join(root, new URL(request.url ?? '/', 'http://localhost').pathname)
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      response.writeHead(404).end()
      return
    }
    response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file))
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => {
    const address = server.address() as { port: number }
    resolve({ url: `http://127.0.0.1:${address.port}`, close: () => server.close() })
  }))
}

/** The in-page scripted sequence: marks around `loops` passes of navigate / open / close per route. */
function runSequence(page: Page, loops: number): Promise<number> {
  return page.evaluate((count) => {
    // (No named inner functions: tsx would wrap them in a helper the page does not have.)
    const selectors = ['detail', 'settings', 'shipments'].flatMap(route => [`a[data-route="${route}"]`, '[data-open-dialog]', '[data-close-dialog]'])
    performance.mark('weighbridge-bench-start')
    for (let i = 0; i < count; i++) {
      for (const selector of selectors) (document.querySelector(selector) as HTMLElement).click()
    }
    // The interaction's style and layout inside the window, not in whichever frame comes next.
    void document.body.getBoundingClientRect()
    performance.mark('weighbridge-bench-end')
    return performance.measure('weighbridge-bench', 'weighbridge-bench-start', 'weighbridge-bench-end').duration
  }, loops)
}

/**
 * Lets the page settle before a window opens: a frame (rendering, resize and intersection observers
 * of the previous chunk), then a task (timers due by then); at most 200 ms if no frame comes.
 */
function settle(page: Page): Promise<void> {
  return page.evaluate(() => new Promise<void>((resolve) => {
    const timeout = setTimeout(resolve, 200)
    requestAnimationFrame(() => setTimeout(() => {
      clearTimeout(timeout)
      resolve()
    }, 0))
  }))
}

/** Playwright's trusted clicks; each click's in-page time from dispatch to the end of its task. */
async function runTrustedClicks(page: Page, loops: number): Promise<number> {
  await page.evaluate(() => {
    const state = window as unknown as { clickTimes: number[], recordClicks: boolean, clickRecorder?: boolean }
    state.clickTimes = []
    state.recordClicks = true
    if (state.clickRecorder) return
    state.clickRecorder = true
    const channel = new MessageChannel()
    let start = 0
    channel.port1.onmessage = () => state.clickTimes.push(performance.now() - start)
    window.addEventListener('click', () => {
      if (!state.recordClicks) return
      start = performance.now()
      channel.port2.postMessage(0)
    }, { capture: true })
  })
  for (let i = 0; i < loops; i++) {
    for (const route of ['detail', 'settings', 'shipments']) {
      await page.click(`a[data-route="${route}"]`)
      await page.click('[data-open-dialog]')
      await page.click('[data-close-dialog]')
    }
  }
  await page.waitForFunction(count => (window as unknown as { clickTimes: number[] }).clickTimes.length >= count, loops * 9)
  const times = await page.evaluate(() => (window as unknown as { clickTimes: number[] }).clickTimes)
  if (times.length !== loops * 9) throw new Error(`expected ${loops * 9} click timings, got ${times.length}`)
  await page.evaluate(() => { (window as unknown as { recordClicks: boolean }).recordClicks = false })
  return times.reduce((sum, time) => sum + time, 0)
}

async function measureRuntimeSize(): Promise<{ rawBytes: number, minifiedBytes: number, gzipBytes: number }> {
  const source = await loadRuntimeSource()
  const module = `${source}\n${createRuntimeModuleCode({ sampleRate: 0.1, endpoint: null }).replace(/^import[^;]+;/, '')}`
  const minified = (await transform(module, { minify: true, format: 'esm', target: 'es2020' })).code
  return { rawBytes: Buffer.byteLength(module), minifiedBytes: Buffer.byteLength(minified), gzipBytes: zlib.gzipSync(minified, { level: 9 }).length }
}

type Build = 'plain' | 'hooked'
/** The pages of a round: `control` is the plain build in a second page (the A/A control). */
type Variant = Build | 'control'
const VARIANTS = ['plain', 'hooked', 'control'] as const

interface RoundPage {
  close: () => Promise<void>
  app: Page
  appClock: () => Promise<ThreadTimes>
  pairs: Page | null
  pairsClock: (() => Promise<ThreadTimes>) | null
}

/** `items` rotated left by `shift`. */
const rotate = <T>(items: readonly T[], shift: number): T[] => items.map((_, i) => items[(i + shift) % items.length]!)

/** Passes of chunk `chunk` (the round's passes split as evenly as they go). */
const chunkLoops = (chunk: number): number => Math.floor((chunk + 1) * SEQUENCE_LOOPS / CHUNKS) - Math.floor(chunk * SEQUENCE_LOOPS / CHUNKS)

/** A fresh browser context (its own renderer process) with the app, and the micro benchmark page unless `control`. */
async function openRoundPage(browser: Browser, url: string, withPairs: boolean): Promise<RoundPage> {
  const context = await browser.newContext()
  const app = await context.newPage()
  await app.goto(`${url}/app.html`)
  await app.waitForSelector('table')
  const appClock = await createThreadClock(app)
  // Warm-up: JIT and first-time allocations on both paths.
  await runSequence(app, Math.max(2, chunkLoops(0)))
  let pairs: Page | null = null
  let pairsClock: (() => Promise<ThreadTimes>) | null = null
  if (withPairs) {
    pairs = await context.newPage()
    await pairs.goto(`${url}/pairs.html`)
    await pairs.waitForFunction(() => typeof (window as unknown as Partial<BenchWindow>).measurePairs === 'function')
    pairsClock = await createThreadClock(pairs)
    await pairs.evaluate(() => (window as unknown as BenchWindow).measurePairs(20_000))
    await pairs.evaluate(() => (window as unknown as BenchWindow).measureFresh(5_000))
  }
  return { close: () => context.close(), app, appClock, pairs, pairsClock }
}

interface RatioSummary {
  median: number
  q1: number
  q3: number
  /** Mean of the middle half (the interquartile mean). */
  iqm: number
  /** 95 % confidence interval of the median. */
  low: number
  high: number
}

/**
 * 95 % confidence interval of the median of `values`: percentile bootstrap, 2000 resamples, a fixed
 * seed (the same rounds give the same interval).
 */
function medianInterval(values: number[]): [number, number] {
  let seed = 9
  const medians: number[] = []
  for (let i = 0; i < 2000; i++) {
    medians.push(median(values.map(() => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return values[Math.floor(seed / 2147483648 * values.length)]!
    })))
  }
  medians.sort((a, b) => a - b)
  return [medians[50]!, medians[1949]!]
}

/** Per-round `other / base` ratios in %: median, quartiles, interquartile mean. */
function summarizeRatios(base: number[], other: number[]): RatioSummary {
  const ratios = base.map((value, i) => 100 * (other[i]! / value - 1)).sort((a, b) => a - b)
  const at = (q: number): number => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!
  const middle = ratios.slice(Math.floor(ratios.length / 4), Math.max(Math.floor(ratios.length / 4) + 1, Math.ceil(ratios.length * 3 / 4)))
  const [low, high] = medianInterval(ratios)
  return { median: median(ratios), q1: at(0.25), q3: at(0.75), iqm: middle.reduce((sum, value) => sum + value, 0) / middle.length, low, high }
}

const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(2)}`
const percent = (base: number, other: number): string => `${signed(100 * (other - base) / base)} %`
const describeRatios = (summary: RatioSummary): string => `paired ${signed(summary.median)} % [quartiles ${summary.q1.toFixed(2)}, ${summary.q3.toFixed(2)}; 95 % CI of the median ${summary.low.toFixed(2)}, ${summary.high.toFixed(2)}], interquartile mean ${signed(summary.iqm)} %`

async function main(): Promise<void> {
  const work = path.resolve(import.meta.dirname, `.tmp/runtime-${process.pid}`)
  const root = path.join(work, 'app')
  fs.mkdirSync(work, { recursive: true })
  fs.cpSync(FIXTURE, root, { recursive: true })
  fs.writeFileSync(path.join(root, 'pairs.html'), PAIRS_PAGE)
  fs.writeFileSync(path.join(root, 'src/pairs.js'), PAIRS_MODULE)

  const servers = [] as { close: () => void }[]
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  const loadBefore = os.loadavg()[0]!
  try {
    const urls = {} as Record<Build, string>
    for (const name of ['plain', 'hooked'] as const) {
      const server = await serveDirectory(await buildApp(root, name, name === 'hooked'))
      servers.push(server)
      urls[name] = server.url
    }

    type Series<K extends string> = Record<K, number[]>
    const variants = (): Series<Variant> => ({ plain: [], hooked: [], control: [] })
    const builds = (): Series<Build> => ({ plain: [], hooked: [] })
    const samples = {
      sequenceCpu: variants(),
      sequenceTask: variants(),
      sequenceWall: variants(),
      trustedCpu: builds(),
      trustedWall: builds(),
      pairsCpu: builds(),
      pairsWall: builds(),
      freshCpu: builds(),
      freshWall: builds(),
    }
    let raw: RawRuntimeSnapshot | null = null
    for (let round = 0; round < ROUNDS; round++) {
      const pages = {} as Record<Variant, RoundPage>
      try {
        // Opened (and warmed up) in rotating order too: no page is always the newest process.
        for (const variant of rotate(VARIANTS, round)) pages[variant] = await openRoundPage(browser, urls[variant === 'hooked' ? 'hooked' : 'plain'], variant !== 'control')
        if (round === 0) {
          const has = await Promise.all(VARIANTS.map(variant => pages[variant].app.evaluate(() => !!(window as unknown as BenchWindow).__WEIGHBRIDGE__)))
          if (has.join() !== 'false,true,false') throw new Error('only the instrumented build must have the runtime')
        }

        const totals = Object.fromEntries(VARIANTS.map(variant => [variant, { cpuMs: 0, taskMs: 0, wallMs: 0 }])) as Record<Variant, Sample>
        for (let chunk = 0; chunk < CHUNKS; chunk++) {
          // Rotating order: each page runs first, second and third equally often.
          for (const variant of rotate(VARIANTS, round + chunk)) {
            const { app, appClock } = pages[variant]
            await app.bringToFront()
            await settle(app)
            const sample = await measure(appClock, () => runSequence(app, chunkLoops(chunk)))
            totals[variant].cpuMs += sample.cpuMs
            totals[variant].taskMs += sample.taskMs
            totals[variant].wallMs += sample.wallMs
          }
        }
        for (const variant of VARIANTS) {
          samples.sequenceCpu[variant].push(totals[variant].cpuMs)
          samples.sequenceTask[variant].push(totals[variant].taskMs)
          samples.sequenceWall[variant].push(totals[variant].wallMs)
        }

        const order = round % 2 ? ['hooked', 'plain'] as const : ['plain', 'hooked'] as const
        for (const name of order) {
          const { app, appClock, pairs, pairsClock } = pages[name]
          if (round % 3 === 0) {
            await app.bringToFront()
            await settle(app)
            const trusted = await measure(appClock, () => runTrustedClicks(app, TRUSTED_LOOPS))
            samples.trustedWall[name].push(trusted.wallMs)
            samples.trustedCpu[name].push(trusted.cpuMs)
          }
          const pairRun = await measure(pairsClock!, () => pairs!.evaluate(n => (window as unknown as BenchWindow).measurePairs(n), PAIRS))
          samples.pairsWall[name].push(pairRun.wallMs)
          samples.pairsCpu[name].push(pairRun.cpuMs)
          const freshRun = await measure(pairsClock!, () => pairs!.evaluate(n => (window as unknown as BenchWindow).measureFresh(n), FRESH))
          samples.freshWall[name].push(freshRun.wallMs)
          samples.freshCpu[name].push(freshRun.cpuMs)
        }
        if (round === ROUNDS - 1) raw = await pages.hooked.app.evaluate(() => (window as unknown as BenchWindow).__WEIGHBRIDGE__!.snapshot())
      }
      finally {
        for (const page of Object.values(pages)) await page.close()
      }
    }
    const loadAfter = os.loadavg()[0]!

    const snapshot = analyzeRuntimeSnapshot(raw!)
    const counted = snapshot.sites.filter(site => site.kind !== 'release').reduce((sum, site) => sum + site.added, 0)
    const live = snapshot.sites.filter(site => site.kind !== 'release').reduce((sum, site) => sum + site.live, 0)
    const size = await measureRuntimeSize()
    const line = <K extends string>(label: string, values: Series<K>, base: K, other: K, unit: string, scale = 1, names: [string, string] = [base, other]): string => {
      const [a, b] = [median(values[base]) * scale, median(values[other]) * scale]
      return `  ${label.padEnd(40)} ${names[0]} ${a.toFixed(1)} ${unit}   ${names[1]} ${b.toFixed(1)} ${unit}   ${percent(a, b)}; ${describeRatios(summarizeRatios(values[base], values[other]))}`
    }
    const perCall = (label: string, values: Series<Build>, count: number): string => {
      const scale = 1e6 / count
      return `${line(label, values, 'plain', 'hooked', 'ns', scale)}; ${signed((median(values.hooked) - median(values.plain)) * scale)} ns`
    }
    const offCpu = (variant: Variant): string => `${(100 * median(samples.sequenceCpu[variant].map((cpu, i) => 1 - cpu / samples.sequenceTask[variant][i]!))).toFixed(0)} %`
    const verdict = summarizeRatios(samples.sequenceCpu.plain, samples.sequenceCpu.hooked)
    const control = summarizeRatios(samples.sequenceCpu.plain, samples.sequenceCpu.control)
    const aa: [string, string] = ['plain', 'plain again']

    console.log(`runtime hooks benchmark (Chromium ${browser.version()}, Vite production builds, sampleRate 0.1, ${ROUNDS} rounds of fresh pages, medians; load average ${loadBefore.toFixed(1)} -> ${loadAfter.toFixed(1)} on ${os.availableParallelism()} cores)`)
    console.log(`scripted interaction: ${SEQUENCE_LOOPS} x 3 routes (navigate, open the dialog, close it) = ${SEQUENCE_LOOPS * 9} clicks per page and round, in ${CHUNKS} chunks interleaved between the pages, target < 2 %`)
    console.log(line('main-thread CPU time [verdict]', samples.sequenceCpu, 'plain', 'hooked', 'ms'))
    console.log(line('A/A control: main-thread CPU time', samples.sequenceCpu, 'plain', 'control', 'ms', 1, aa))
    console.log(line('main-thread task time (wall)', samples.sequenceTask, 'plain', 'hooked', 'ms'))
    console.log(line('wall time between marks', samples.sequenceWall, 'plain', 'hooked', 'ms'))
    console.log(line('A/A control: wall time between marks', samples.sequenceWall, 'plain', 'control', 'ms', 1, aa))
    console.log(`  main thread off CPU inside its tasks: plain ${offCpu('plain')}, hooked ${offCpu('hooked')}, plain again ${offCpu('control')} of the task time (waiting for a core; wall figures include it, CPU time does not)`)
    const outcome = verdict.high < 2 ? 'under 2 %' : verdict.low >= 2 ? 'NOT under 2 %' : `${verdict.median < 2 ? 'under' : 'over'} 2 % by the median, but its 95 % CI straddles 2 % (more rounds, or a quieter machine, would settle it)`
    console.log(`  verdict: main-thread CPU time ${signed(verdict.median)} % (paired median of ${ROUNDS} rounds, 95 % CI ${verdict.low.toFixed(2)} to ${verdict.high.toFixed(2)} %, interquartile mean ${signed(verdict.iqm)} %; A/A control ${signed(control.median)} %, CI ${control.low.toFixed(2)} to ${control.high.toFixed(2)} %): ${outcome}`)
    console.log('  why CPU time: the main thread waits for a core for the off-CPU share above, which depends on the other load of the machine, chunk by chunk; wall figures carry that wait, CPU time does not, and the A/A line shows what is left of the noise')
    console.log(`trusted clicks by playwright: ${samples.trustedCpu.plain.length} samples of ${TRUSTED_LOOPS * 9} clicks`)
    console.log(line('main-thread CPU time', samples.trustedCpu, 'plain', 'hooked', 'ms'))
    console.log(line('in-page time (dispatch to task end)', samples.trustedWall, 'plain', 'hooked', 'ms'))
    console.log(`listener-heavy micro benchmarks: addEventListener + removeEventListener, ${PAIRS} pairs on one target; ${FRESH} pairs on fresh elements (createElement included)`)
    console.log(perCall('per pair, main-thread CPU', samples.pairsCpu, PAIRS))
    console.log(perCall('per pair, wall', samples.pairsWall, PAIRS))
    console.log(perCall('per fresh element, main-thread CPU', samples.freshCpu, FRESH))
    console.log(perCall('per fresh element, wall', samples.freshWall, FRESH))
    console.log(`runtime size: ${size.rawBytes} B source, ${size.minifiedBytes} B minified, ${(size.gzipBytes / 1000).toFixed(2)} kB gzip (target <= 3 kB)`)
    console.log(`sanity: ${snapshot.sites.length} tagged sites ran, ${counted} registrations counted, ${live} live, ${snapshot.leaks.length} leaks (last round's instrumented page)`)
  }
  finally {
    await browser.close()
    for (const server of servers) server.close()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()
