/**
 * Runtime hooks benchmark (issue 9), runnable alone:
 *
 *   cd bench && npx tsx --conditions=weighbridge-source runtime.ts [--rounds 15] [--loops 30]
 *
 * The runtime fixture's single-page app (test/fixtures/runtime-app/app.html: a router mounting three
 * views with row listeners, timers, frames and observers, and a modal dialog, all cleaned up) is
 * built twice with Vite in production mode: plain, and with
 * `weighbridge({ runtime: { production: true, sampleRate: 0.1 } })`. Both builds are served from
 * 127.0.0.1 and driven in Debian's Chromium with playwright-core. Rounds alternate between the two
 * pages; medians are reported.
 *
 * - Scripted interaction, in-page: navigate to each route, open the dialog, close it (real clicks on
 *   the app's links and buttons, `element.click()`), repeated; the time between performance marks
 *   around the whole sequence, and the page's main-thread CPU time over it (CDP `ThreadTime`, which
 *   other load on a shared machine barely moves, unlike wall time). Target: under 2 %.
 * - Trusted clicks: the same sequence clicked by playwright (real input events); main-thread CPU time,
 *   and the in-page time of each click from the event's dispatch to the end of the task it started
 *   (a MessageChannel message), summed.
 * - Per-call cost of a tagged addEventListener / removeEventListener pair (a loop on one target):
 *   the listener-heavy worst case, as its own line.
 * Besides the medians, each line gives the median and quartiles of the per-round ratios (the two
 * builds measured back to back), which cancel slow drifts of the machine's load.
 * - The runtime's size as it ships: the browser module plus its install line, minified with esbuild,
 *   gzip level 9. Target: at most 3 kB.
 */
import type { RawRuntimeSnapshot } from '@weighbridge/runtime'
import type { Page } from 'playwright-core'
import fs from 'node:fs'
import http from 'node:http'
import path from 'node:path'
import zlib from 'node:zlib'
import { analyzeRuntimeSnapshot } from '@weighbridge/runtime'
import { transform } from 'esbuild'
import { chromium } from 'playwright-core'
import { build } from 'vite'
import weighbridge from 'weighbridge/vite'
import { createRuntimeModuleCode, loadRuntimeSource } from '../packages/weighbridge/src/runtime/runtime-code'

const roundsArgument = process.argv.indexOf('--rounds')
const ROUNDS = roundsArgument > 0 ? Number(process.argv[roundsArgument + 1]) : 15
/** Passes over the three routes (each: navigate, open the dialog, close it) per in-page sample (`--loops`). */
const loopsArgument = process.argv.indexOf('--loops')
const SEQUENCE_LOOPS = loopsArgument > 0 ? Number(process.argv[loopsArgument + 1]) : 30
/** Passes per trusted-click sample (each click is a CDP round trip). */
const TRUSTED_LOOPS = 2
const PAIRS = 200_000

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
Object.assign(window, { measurePairs })
`

interface BenchWindow {
  measurePairs: (count: number) => number
  __WEIGHBRIDGE__?: { snapshot: () => RawRuntimeSnapshot }
}

/** Main-thread CPU time of a page (CDP `Performance.getMetrics` ThreadTime), in ms: robust to other load on the machine. */
async function createThreadClock(page: Page): Promise<() => Promise<number>> {
  const session = await page.context().newCDPSession(page)
  await session.send('Performance.enable')
  return async () => (await session.send('Performance.getMetrics')).metrics.find(metric => metric.name === 'ThreadTime')!.value * 1000
}

/** Wall time from inside the page and main-thread CPU time around `run`. */
async function measureBoth(clock: () => Promise<number>, run: () => Promise<number>): Promise<{ wallMs: number, cpuMs: number }> {
  const before = await clock()
  const wallMs = await run()
  return { wallMs, cpuMs: await clock() - before }
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
    performance.mark('weighbridge-bench-end')
    return performance.measure('weighbridge-bench', 'weighbridge-bench-start', 'weighbridge-bench-end').duration
  }, loops)
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

const percent = (plain: number, hooked: number): string => `${hooked >= plain ? '+' : ''}${(100 * (hooked - plain) / plain).toFixed(2)} %`

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
  try {
    const pages = {} as Record<'plain' | 'hooked', { app: Page, pairs: Page, appClock: () => Promise<number>, pairsClock: () => Promise<number> }>
    for (const name of ['plain', 'hooked'] as const) {
      const server = await serveDirectory(await buildApp(root, name, name === 'hooked'))
      servers.push(server)
      const app = await browser.newPage()
      const pairs = await browser.newPage()
      await app.goto(`${server.url}/app.html`)
      await app.waitForSelector('table')
      await pairs.goto(`${server.url}/pairs.html`)
      await pairs.waitForFunction(() => typeof (window as unknown as Partial<BenchWindow>).measurePairs === 'function')
      pages[name] = { app, pairs, appClock: await createThreadClock(app), pairsClock: await createThreadClock(pairs) }
      // Warm-up: JIT and first-time allocations on both paths.
      await runSequence(app, SEQUENCE_LOOPS)
      await pairs.evaluate(() => (window as unknown as BenchWindow).measurePairs(20_000))
    }
    const hasRuntime = await pages.hooked.app.evaluate(() => !!(window as unknown as BenchWindow).__WEIGHBRIDGE__)
    const plainHasRuntime = await pages.plain.app.evaluate(() => !!(window as unknown as BenchWindow).__WEIGHBRIDGE__)
    if (!hasRuntime || plainHasRuntime) throw new Error('only the instrumented build must have the runtime')

    type Samples = Record<'plain' | 'hooked', number[]>
    const series = (): Samples => ({ plain: [], hooked: [] })
    const samples = { sequenceWall: series(), sequenceCpu: series(), trustedWall: series(), trustedCpu: series(), pairsWall: series(), pairsCpu: series() }
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? ['hooked', 'plain'] as const : ['plain', 'hooked'] as const
      for (const name of order) {
        const { app, pairs, appClock, pairsClock } = pages[name]
        await app.bringToFront()
        const sequence = await measureBoth(appClock, () => runSequence(app, SEQUENCE_LOOPS))
        samples.sequenceWall[name].push(sequence.wallMs)
        samples.sequenceCpu[name].push(sequence.cpuMs)
        if (round % 3 === 0) {
          const trusted = await measureBoth(appClock, () => runTrustedClicks(app, TRUSTED_LOOPS))
          samples.trustedWall[name].push(trusted.wallMs)
          samples.trustedCpu[name].push(trusted.cpuMs)
        }
        const pairRun = await measureBoth(pairsClock, () => pairs.evaluate(n => (window as unknown as BenchWindow).measurePairs(n), PAIRS))
        samples.pairsWall[name].push(pairRun.wallMs)
        samples.pairsCpu[name].push(pairRun.cpuMs)
      }
    }
    const medians = (values: Samples): Record<'plain' | 'hooked', number> => ({ plain: median(values.plain), hooked: median(values.hooked) })

    const raw = await pages.hooked.app.evaluate(() => (window as unknown as BenchWindow).__WEIGHBRIDGE__!.snapshot())
    const snapshot = analyzeRuntimeSnapshot(raw)
    const counted = snapshot.sites.filter(site => site.kind !== 'release').reduce((sum, site) => sum + site.added, 0)
    const live = snapshot.sites.filter(site => site.kind !== 'release').reduce((sum, site) => sum + site.live, 0)
    const size = await measureRuntimeSize()
    const pairsCpu = medians(samples.pairsCpu)
    const pairsWall = medians(samples.pairsWall)
    const nsPerPair = 1e6 / PAIRS
    /** Per-round hooked/plain ratios (the two pages ran back to back): median and quartiles, in %. */
    const paired = (values: Samples): string => {
      const ratios = values.plain.map((plain, i) => 100 * (values.hooked[i]! / plain - 1)).sort((a, b) => a - b)
      const at = (q: number): number => ratios[Math.min(ratios.length - 1, Math.floor(q * ratios.length))]!
      return `paired ${median(ratios) >= 0 ? '+' : ''}${median(ratios).toFixed(2)} % [quartiles ${at(0.25).toFixed(2)}, ${at(0.75).toFixed(2)}]`
    }
    const line = (label: string, values: Samples, unit: string, scale = 1): string => {
      const m = medians(values)
      return `  ${label.padEnd(30)} plain ${(m.plain * scale).toFixed(1)} ${unit}   hooked ${(m.hooked * scale).toFixed(1)} ${unit}   ${percent(m.plain, m.hooked)}; ${paired(values)}`
    }

    console.log(`runtime hooks benchmark (Chromium ${browser.version()}, Vite production builds, sampleRate 0.1, ${ROUNDS} alternating rounds, medians)`)
    console.log(`scripted interaction: ${SEQUENCE_LOOPS} x 3 routes (navigate, open the dialog, close it) = ${SEQUENCE_LOOPS * 9} clicks, target < 2 %`)
    console.log(line('main-thread CPU time', samples.sequenceCpu, 'ms'))
    console.log(line('wall time between marks', samples.sequenceWall, 'ms'))
    console.log(`trusted clicks by playwright: ${samples.trustedCpu.plain.length} samples of ${TRUSTED_LOOPS * 9} clicks`)
    console.log(line('main-thread CPU time', samples.trustedCpu, 'ms'))
    console.log(line('in-page time (dispatch to task end)', samples.trustedWall, 'ms'))
    console.log(`listener-heavy micro benchmark: addEventListener + removeEventListener on one target, ${PAIRS} pairs`)
    console.log(`${line('per pair, main-thread CPU', samples.pairsCpu, 'ns', nsPerPair)}; +${((pairsCpu.hooked - pairsCpu.plain) * nsPerPair).toFixed(1)} ns per pair`)
    console.log(`${line('per pair, wall', samples.pairsWall, 'ns', nsPerPair)}; +${((pairsWall.hooked - pairsWall.plain) * nsPerPair).toFixed(1)} ns per pair`)
    console.log(`runtime size: ${size.rawBytes} B source, ${size.minifiedBytes} B minified, ${(size.gzipBytes / 1000).toFixed(2)} kB gzip (target <= 3 kB)`)
    console.log(`sanity: ${snapshot.sites.length} tagged sites ran, ${counted} registrations counted, ${live} live, ${snapshot.leaks.length} leaks`)
  }
  finally {
    await browser.close()
    for (const server of servers) server.close()
    fs.rmSync(work, { recursive: true, force: true })
  }
}

await main()
