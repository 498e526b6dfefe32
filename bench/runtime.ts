/**
 * Runtime hooks benchmark (issue 9), runnable alone:
 *
 *   cd bench && npx tsx --conditions=weighbridge-source runtime.ts
 *
 * In Debian's Chromium, one small app served twice by Vite dev servers on 127.0.0.1: plain, and
 * through `weighbridge({ runtime: { sampleRate: 0.1 } })`. Measures
 * - the per-call cost of a tagged addEventListener / removeEventListener pair vs plain;
 * - a scripted interaction (render 200 rows with listeners, click each, schedule and clear timers,
 *   observe and disconnect, tear down) instrumented vs plain (target: under 2 %);
 * - the runtime's size, minified and gzipped (target: at most 3 kB).
 * Rounds alternate between the two pages; medians are reported.
 */
import type { Page } from 'playwright-core'
import fs from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { transform } from 'esbuild'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'
import weighbridge from 'weighbridge/vite'
import { createRuntimeModuleCode, loadRuntimeSource } from '../packages/weighbridge/src/runtime/runtime-code'

const ROUNDS = 7
const PAIRS = 200_000
const INTERACTIONS = 20

const APP = `
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

function renderRows(host, count) {
  const cleanups = []
  for (let i = 0; i < count; i++) {
    const row = document.createElement('button')
    row.textContent = 'row ' + i
    let clicks = 0
    const onClick = () => { clicks += row.textContent.length }
    row.addEventListener('click', onClick)
    const timer = setTimeout(onClick, 10_000)
    host.append(row)
    cleanups.push(() => {
      row.removeEventListener('click', onClick)
      clearTimeout(timer)
      row.remove()
    })
  }
  const observer = new ResizeObserver(() => {})
  observer.observe(host)
  return () => { for (const cleanup of cleanups) cleanup(); observer.disconnect() }
}

export function measureInteraction(times) {
  const host = document.getElementById('app')
  const start = performance.now()
  for (let t = 0; t < times; t++) {
    const teardown = renderRows(host, 200)
    for (const row of host.children) row.dispatchEvent(new MouseEvent('click', { bubbles: true }))
    host.getBoundingClientRect()
    teardown()
  }
  return performance.now() - start
}

Object.assign(window, { measurePairs, measureInteraction })
`

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

async function startServer(root: string, instrumented: boolean) {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    cacheDir: path.join(root, `vite-cache-${instrumented ? 'hooks' : 'plain'}`),
    server: { host: '127.0.0.1', port: 0, hmr: false, watch: null },
    plugins: instrumented ? [weighbridge({ runtime: { sampleRate: 0.1, endpoint: false }, reportFile: false, summary: false, cache: false })] : [],
  })
  await server.listen()
  const address = server.httpServer!.address()
  if (!address || typeof address === 'string') throw new Error('no address')
  return { server, url: `http://127.0.0.1:${address.port}/index.html` }
}

async function openPage(page: Page, url: string): Promise<void> {
  await page.goto(url)
  await page.waitForFunction(() => typeof (window as unknown as { measurePairs?: unknown }).measurePairs === 'function')
  // Warm up the JIT on both paths.
  await page.evaluate(() => {
    const w = window as unknown as { measurePairs: (n: number) => number, measureInteraction: (n: number) => number }
    w.measurePairs(20_000)
    w.measureInteraction(3)
  })
}

async function measureRuntimeSize(): Promise<{ rawBytes: number, minifiedBytes: number, gzipBytes: number }> {
  const source = await loadRuntimeSource()
  const module = `${source}\n${createRuntimeModuleCode({ sampleRate: 0.1, endpoint: null }).replace(/^import[^;]+;/, '')}`
  const minified = (await transform(module, { minify: true, format: 'esm', target: 'es2020' })).code
  return {
    rawBytes: Buffer.byteLength(module),
    minifiedBytes: Buffer.byteLength(minified),
    gzipBytes: zlib.gzipSync(minified, { level: 9 }).length,
  }
}

async function main(): Promise<void> {
  const root = path.resolve(import.meta.dirname, `.tmp/runtime-${process.pid}`)
  fs.mkdirSync(root, { recursive: true })
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><html><body><main id="app"></main><script type="module" src="/app.js"></script></body></html>\n')
  fs.writeFileSync(path.join(root, 'app.js'), APP)

  const plain = await startServer(root, false)
  const hooked = await startServer(root, true)
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
  try {
    const plainPage = await browser.newPage()
    const hookedPage = await browser.newPage()
    await openPage(plainPage, plain.url)
    await openPage(hookedPage, hooked.url)
    const instrumented = await hookedPage.evaluate(() => !!(window as unknown as { __WEIGHBRIDGE__?: unknown }).__WEIGHBRIDGE__)
    if (!instrumented) throw new Error('the instrumented page has no runtime')

    const pairs = { plain: [] as number[], hooked: [] as number[] }
    const interaction = { plain: [] as number[], hooked: [] as number[] }
    for (let round = 0; round < ROUNDS; round++) {
      for (const [name, page] of [['plain', plainPage], ['hooked', hookedPage]] as const) {
        pairs[name].push(await page.evaluate(n => (window as unknown as { measurePairs: (n: number) => number }).measurePairs(n), PAIRS))
        interaction[name].push(await page.evaluate(n => (window as unknown as { measureInteraction: (n: number) => number }).measureInteraction(n), INTERACTIONS))
      }
    }
    const live = await hookedPage.evaluate(() => (window as unknown as { __WEIGHBRIDGE__: { snapshot: () => { sites: { api: string, added: number, live: number }[] } } }).__WEIGHBRIDGE__.snapshot().sites
      .filter(site => site.api === 'addEventListener').map(site => ({ added: site.added, live: site.live })))

    const nsPerPair = (ms: number): number => ms * 1e6 / PAIRS
    const plainPair = nsPerPair(median(pairs.plain))
    const hookedPair = nsPerPair(median(pairs.hooked))
    const plainInteraction = median(interaction.plain)
    const hookedInteraction = median(interaction.hooked)
    const size = await measureRuntimeSize()
    const chromiumVersion = browser.version()

    console.log(`runtime hooks benchmark (Chromium ${chromiumVersion}, ${ROUNDS} alternating rounds, medians)`)
    console.log(`  add/remove listener pair   plain ${plainPair.toFixed(1)} ns   hooked ${hookedPair.toFixed(1)} ns   +${(hookedPair - plainPair).toFixed(1)} ns per pair (x${(hookedPair / plainPair).toFixed(2)})`)
    console.log(`  scripted interaction       plain ${plainInteraction.toFixed(1)} ms   hooked ${hookedInteraction.toFixed(1)} ms   ${(100 * (hookedInteraction - plainInteraction) / plainInteraction).toFixed(2)} % (target < 2 %)`)
    console.log(`    (${INTERACTIONS} x: 200 rows with a click listener and a timeout each, 200 clicks, one ResizeObserver, full teardown)`)
    console.log(`  runtime size               ${size.rawBytes} B source, ${size.minifiedBytes} B minified, ${(size.gzipBytes / 1000).toFixed(2)} kB gzip (target <= 3 kB)`)
    console.log(`  sanity: tagged addEventListener sites ${JSON.stringify(live)}`)
  }
  finally {
    await browser.close()
    await plain.server.close()
    await hooked.server.close()
    fs.rmSync(root, { recursive: true, force: true })
  }
}

await main()
