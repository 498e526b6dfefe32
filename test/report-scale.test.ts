/**
 * Scale: a generated report of 20,000 modules shaped like a real Vite build (report-helpers/
 * generate-report.ts: thousands of hashed chunks, hundreds of lazy routes, entries whose lazy load
 * lists thousands of files, long pnpm paths) must give an HTML file of at most 3 MB whose treemap
 * is painted within 1.5 s of navigation start. (With the first payload format, 4.3 MB of data was
 * embedded for the real build of that size.)
 */
import type { Report } from '@weighbridge/core'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { isDeepStrictEqual } from 'node:util'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { decodePayload, encodePayload, renderReport, serializeForScriptTag } from '@weighbridge/report'
import { createTempDir, launchBrowser, openWatchedPage, screenshot, type WatchedPage } from './report-helpers/browser'
import { generateReport } from './report-helpers/generate-report'

const MODULES = 20_000
let browser: Browser
let report: Report
let html: string
let htmlFile: string
let renderMs: number

beforeAll(async () => {
  const launching = launchBrowser()
  report = generateReport({ modules: MODULES, seed: 7 })
  const started = performance.now()
  html = renderReport(report)
  renderMs = performance.now() - started
  htmlFile = path.join(createTempDir('report-scale'), 'report.html')
  writeFileSync(htmlFile, html)
  browser = await launching
})

afterAll(async () => {
  await browser?.close()
})

describe(`a report of ${MODULES} modules`, () => {
  it('has the shape of a real build of that size', () => {
    // What made the embedded data large in a real build: many chunks, long lists of lazy files, long paths.
    expect(report.modules).toHaveLength(MODULES)
    expect(report.chunks.length).toBeGreaterThan(3_000)
    expect(report.chunks.filter(chunk => chunk.isDynamicEntry).length).toBeGreaterThan(400)
    expect(report.chunks.filter(chunk => chunk.kind === 'css').length).toBeGreaterThan(100)
    expect(Math.min(...report.entries.map(entry => entry.lazyLoad.files.length))).toBeGreaterThan(3_000)
    expect(report.modules.filter(module => module.id.startsWith('node_modules/.pnpm/')).length).toBeGreaterThan(MODULES / 10)
    const fileIds = report.outputs.map(output => output.file)
    expect(fileIds.filter(file => /^dist\/assets\/[\w.-]+-[\w-]{8}\.(js|css)$/.test(file)).length).toBe(report.chunks.length)
  })

  it('fits in 3 MB and embeds the whole report', () => {
    const htmlBytes = Buffer.byteLength(html)
    const jsonBytes = Buffer.byteLength(JSON.stringify(report))
    const payload = encodePayload(report) as unknown as Record<string, unknown>
    const streams = Object.entries(payload).map(([key, value]) => `${key} ${(serializeForScriptTag(value).length / 1e6).toFixed(2)} MB`).filter(text => !text.endsWith(' 0.00 MB'))
    console.info(`[report-scale] ${MODULES} modules, ${report.chunks.length} chunks: HTML ${(htmlBytes / 1e6).toFixed(2)} MB (embedded data: ${streams.join(', ')}; report.json ${(jsonBytes / 1e6).toFixed(2)} MB), renderReport ${renderMs.toFixed(0)} ms`)
    expect(htmlBytes).toBeLessThanOrEqual(3_000_000)
    const data = /<script type="application\/json" id="weighbridge-data">(.*?)<\/script>/s.exec(html)![1]!
    expect(isDeepStrictEqual(decodePayload(JSON.parse(data)), report)).toBe(true)
  })

  it('paints the treemap within 1.5 s of navigation and stays usable', async () => {
    const watched: WatchedPage = await openWatchedPage(browser)
    const { page } = watched
    await page.goto(`file://${htmlFile}`)
    await page.waitForFunction(() => document.documentElement.dataset.treemapPainted === 'true', null, { timeout: 10_000 })
    const timing = await page.evaluate(() => {
      const at = (name: string): number => Math.round(performance.getEntriesByName(name)[0]?.startTime ?? -1)
      return {
        paintedMs: at('weighbridge:treemap-painted'),
        scriptStartMs: at('weighbridge:script-start'),
        parsedMs: at('weighbridge:parsed'),
        decodedMs: at('weighbridge:decoded'),
        indexedMs: at('weighbridge:indexed'),
        boxes: document.querySelectorAll('.treemap [data-i]').length,
        chunkFiles: Array.from(document.querySelectorAll<HTMLElement>('.treemap [data-kind=chunk]'), element => element.dataset.file!),
        heapBytes: (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize ?? null,
      }
    })
    const cdp = await page.context().newCDPSession(page)
    const heap = await cdp.send('Runtime.getHeapUsage') as { usedSize: number, totalSize: number }
    console.info(`[report-scale] treemap painted at ${timing.paintedMs} ms (script start ${timing.scriptStartMs}, JSON parsed ${timing.parsedMs}, decoded ${timing.decodedMs}, indexed ${timing.indexedMs}); ${timing.boxes} boxes; JS heap ${(heap.usedSize / 1e6).toFixed(1)} MB used of ${(heap.totalSize / 1e6).toFixed(1)} MB (performance.memory ${timing.heapBytes === null ? 'n/a' : `${(timing.heapBytes / 1e6).toFixed(1)} MB`})`)
    expect(timing.paintedMs).toBeGreaterThan(0)
    expect(timing.paintedMs).toBeLessThan(1500)
    // Thousands of chunks: the largest are all drawn, and most of the rest (boxes under 1 px are left out).
    expect(timing.boxes).toBeGreaterThan(report.chunks.length * 0.8)
    const largest = [...report.outputs].sort((a, b) => (b.gzipBytes ?? 0) - (a.gzipBytes ?? 0)).slice(0, 20).map(output => output.file)
    expect(largest.filter(file => !timing.chunkFiles.includes(file))).toEqual([])
    await screenshot(page, 'report-scale-treemap')

    // The module list shows the 500 largest first; search narrows all 20,000.
    let started = Date.now()
    await page.click('[data-view=modules]')
    await page.waitForSelector('[data-testid=module-table]')
    const listMs = Date.now() - started
    expect(await page.$$eval('[data-testid=module-table] tbody tr', rows => rows.length)).toBe(500)
    const expected = report.modules.filter(module => module.id.toLowerCase().includes('tooltip-12')).length
    started = Date.now()
    await page.fill('[data-testid=search]', 'tooltip-12')
    await page.waitForFunction(count => document.querySelector('[data-testid=module-count]')?.textContent?.startsWith(`${count} of`), Math.min(expected, 20_000))
    const searchMs = Date.now() - started
    console.info(`[report-scale] module list ${listMs} ms, search ${searchMs} ms (${expected} matches)`)

    // Packages: one name at several folders is listed as a duplicate.
    await page.fill('[data-testid=search]', '')
    await page.click('[data-view=packages]')
    const names = new Map<string, number>()
    for (const pkg of report.packages) names.set(pkg.name, (names.get(pkg.name) ?? 0) + 1)
    const duplicated = [...names].filter(([, count]) => count > 1).map(([name]) => name).sort()
    expect(duplicated.length).toBeGreaterThan(0)
    const listed = await page.$$eval('[data-testid=duplicates] li b', elements => elements.map(element => element.textContent!))
    expect(listed.sort()).toEqual(duplicated)
    expect(await page.$$eval('[data-testid=package-table] tbody tr', rows => rows.length)).toBe(report.packages.length)
    await screenshot(page, 'report-scale-packages')
    expect(watched.problems).toEqual([])
    await page.context().close()
  })
})
