/**
 * The HTML report of a real Vite build (test/fixtures/report-app, built with the weighbridge plugin,
 * which writes report.html next to report.json), opened from file:// in headless Chromium. Numbers
 * on screen are checked against report.json.
 */
import type { Report } from '@weighbridge/core'
import { cpSync, readFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser, Page } from 'playwright-core'
import { build } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import weighbridge from 'weighbridge/vite'
import { decodePayload, formatBytes, REPORT_DATA_ELEMENT_ID } from '@weighbridge/report'
import { createTempDir, launchBrowser, openReport, openWatchedPage, screenshot, waitForTreemap, type WatchedPage } from './report-helpers/browser'

const fixtureDir = path.resolve(import.meta.dirname, 'fixtures/report-app')
let browser: Browser
let report: Report
let htmlFile: string
let main: WatchedPage

beforeAll(async () => {
  const dir = createTempDir('report-app')
  const appDir = path.join(dir, 'app')
  cpSync(fixtureDir, appDir, { recursive: true })
  const reportFile = path.join(dir, 'report.json')
  const [launched] = await Promise.all([
    launchBrowser(),
    build({
      root: appDir,
      configFile: false,
      logLevel: 'silent',
      plugins: [weighbridge({ reportFile, cache: false, summary: false })],
      build: { outDir: path.join(appDir, 'dist'), emptyOutDir: true },
    }),
  ])
  browser = launched
  report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report
  htmlFile = path.join(dir, 'report.html') // the plugin's default: next to report.json
  main = await openWatchedPage(browser)
  await openReport(main.page, htmlFile)
  await waitForTreemap(main.page)
})

afterAll(async () => {
  await browser?.close()
})

const moduleIdOf = (suffix: string): string => report.modules.find(module => module.id.endsWith(suffix))!.id
const entryChunk = (): Report['chunks'][number] => report.chunks.find(chunk => chunk.isEntry)!

async function boxes(page: Page, selector: string): Promise<{ key: string, width: number, height: number }[]> {
  return page.$$eval(selector, elements => elements.map((element) => {
    const rect = element.getBoundingClientRect()
    const data = (element as HTMLElement).dataset
    return { key: data.file ?? data.module ?? '', width: rect.width, height: rect.height }
  }))
}

/** d3's treemap shrinks each cell by 1 px per side (paddingInner 2): cell areas are proportional. */
function expectAreasProportional(measured: { key: string, width: number, height: number }[], sizeOf: (key: string) => number): void {
  expect(measured.length).toBeGreaterThan(1)
  const cells = measured.map(box => ({ ...box, area: (box.width + 2) * (box.height + 2), bytes: sizeOf(box.key) }))
  const largest = cells.reduce((a, b) => (b.bytes > a.bytes ? b : a))
  for (const cell of cells) {
    const expected = cell.bytes / largest.bytes
    const actual = cell.area / largest.area
    expect(Math.abs(actual - expected), `${cell.key}: area share ${actual.toFixed(4)} vs byte share ${expected.toFixed(4)}`).toBeLessThan(0.01 + expected * 0.02)
  }
}

describe('the report of a real Vite build', () => {
  it('opens from file:// with no console errors, no dialogs and no network', async () => {
    expect(main.problems).toEqual([])
    expect(main.dialogs).toEqual([])
    expect(main.requests).toEqual([])
    const facts = await main.page.textContent('[data-testid=facts]')
    expect(facts).toContain(`${report.modules.length} modules`)
    expect(facts).toContain(`${report.packages.length} packages`)
    await screenshot(main.page, 'report-treemap')
  })

  it('embeds report.json once, exactly', async () => {
    const html = readFileSync(htmlFile, 'utf8')
    expect(html.match(/<script type="application\/json"/g)).toHaveLength(1)
    expect(html.match(/<script/g)).toHaveLength(2)
    const text = await main.page.textContent(`#${REPORT_DATA_ELEMENT_ID}`)
    expect(decodePayload(JSON.parse(text!))).toEqual(report)
  })

  it('draws chunk areas proportional to the files\' gzip, then raw, sizes', async () => {
    const { page } = main
    const gzipOf = (file: string): number => report.outputs.find(output => output.file === file)!.gzipBytes!
    const chunkBoxes = await boxes(page, '.treemap [data-kind=chunk]')
    expect(chunkBoxes.map(box => box.key).sort()).toEqual(report.chunks.map(chunk => chunk.file).sort())
    expectAreasProportional(chunkBoxes, gzipOf)

    // Modules of one package inside the entry chunk: proportional to their gzip share too.
    const lodashEs = report.packages.find(pkg => pkg.name === 'lodash-es')!
    const parts = new Map(entryChunk().modules.map(part => [part.id, part]))
    const inPackage = (await boxes(page, `.treemap [data-kind=module]`)).filter(box => box.key.startsWith(`${lodashEs.id}/`) && parts.has(box.key) && box.width > 4)
    // Only siblings share one parent cell: take the biggest folder's worth (all lodash-es files sit in one folder).
    expectAreasProportional(inPackage, key => parts.get(key)!.gzipBytes!)

    await page.click('label:has(input[data-metric=raw])')
    await page.waitForFunction(() => location.hash.includes('metric=raw'))
    expectAreasProportional(await boxes(page, '.treemap [data-kind=chunk]'), file => report.outputs.find(output => output.file === file)!.rawBytes)
    const label = await page.textContent(`.treemap [data-file="${entryChunk().file}"] > .tm-label`)
    expect(label).toContain(formatBytes(report.outputs.find(output => output.file === entryChunk().file)!.rawBytes))
    await page.click('label:has(input[data-metric=gzip])')
  })

  it('zooms with the keyboard: Tab reaches the map, Enter zooms in, Escape zooms out', async () => {
    const { page } = main
    await page.focus('[data-testid=search]')
    await page.keyboard.press('Tab')
    const focused = await page.evaluate(() => (document.activeElement as HTMLElement).dataset.kind)
    expect(['chunk', 'asset']).toContain(focused)
    await page.focus(`.treemap [data-file="${entryChunk().file}"]`)
    await page.keyboard.press('Enter')
    await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb').length === 2)
    expect(decodeURIComponent(await page.evaluate(() => location.hash))).toContain(`chunk=${entryChunk().file}`)
    // Inside the chunk the boxes are its packages (plus glue).
    const packageBoxes = await page.$$eval('.treemap [data-kind=package]', elements => elements.map(element => (element as HTMLElement).dataset.pkg))
    expect(packageBoxes.length).toBeGreaterThan(0)
    await screenshot(page, 'report-treemap-zoomed')
    await page.keyboard.press('Escape')
    await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb').length === 1)
  })

  it('narrows the module list with the search box', async () => {
    const { page } = main
    await page.click('[data-view=modules]')
    expect(await page.$$eval('[data-testid=module-table] tbody tr', rows => rows.length)).toBe(report.modules.length)
    await page.fill('[data-testid=search]', 'lodash-es')
    await page.waitForFunction(() => location.hash.includes('q=lodash-es'))
    const keys = await page.$$eval('[data-testid=module-table] tbody tr', rows => rows.map(row => (row as HTMLElement).dataset.key!))
    const expected = report.modules.filter(module => module.id.toLowerCase().includes('lodash-es')).map(module => module.id)
    expect(expected.length).toBeGreaterThan(2)
    expect(expected.length).toBeLessThan(report.modules.length)
    expect(keys.sort()).toEqual(expected.sort())
    await page.fill('[data-testid=search]', '')
    await page.waitForFunction(() => !location.hash.includes('q='))
  })

  it('explains why a module is included: the shortest import chain and every importer', async () => {
    const { page } = main
    const target = moduleIdOf('src/lib/format.js')
    await page.click(`[data-testid=module-table] tr[data-key="${target}"]`)
    await page.waitForSelector('[data-testid=module-details]:not([hidden]) [data-testid=why-chain]')
    const chain = await page.$$eval('[data-testid=why-chain] li [data-module]', elements => elements.map(element => (element as HTMLElement).dataset.module!))
    // Two routes reach format.js: main → util/index → format (short) and main → app/shell → app/nav → format.
    expect(chain.slice(1)).toEqual([moduleIdOf('src/main.js'), moduleIdOf('src/util/index.js'), target])
    const byId = new Map(report.modules.map(module => [module.id, module]))
    expect(byId.get(chain[0]!)?.isEntry).toBe(true)
    for (let step = 1; step < chain.length; step++) {
      expect(byId.get(chain[step - 1]!)!.imports.some(edge => edge.id === chain[step] && edge.kind === 'static')).toBe(true)
    }
    const importers = await page.$$eval('[data-testid=importers] [data-module]', elements => elements.map(element => (element as HTMLElement).dataset.module!))
    expect(importers).toEqual(byId.get(target)!.importers)
    expect(importers).toHaveLength(3)
    await screenshot(page, 'report-modules-why')
    // Following a link in the chain shows that module; Escape closes the panel.
    await page.click(`[data-testid=why-chain] [data-module="${moduleIdOf('src/util/index.js')}"]`)
    await page.waitForFunction(id => decodeURIComponent(location.hash).includes(`module=${id}`), moduleIdOf('src/util/index.js'))
    await page.keyboard.press('Escape')
    await page.waitForSelector('[data-testid=module-details][hidden]', { state: 'attached' })
  })

  it('lets a person find the largest package of the initial load by clicking', async () => {
    const { page } = main
    const entry = report.entries.find(candidate => candidate.kind === 'html')!
    // Expected, from report.json: gzip bytes per package over the chunks of the initial load.
    const byPackage = new Map<string, number>()
    for (const file of entry.initialLoad.files) {
      for (const part of report.chunks.find(chunk => chunk.file === file)?.modules ?? []) {
        const pkg = report.modules.find(module => module.id === part.id)!.package
        if (pkg) byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + part.gzipBytes!)
      }
    }
    const [largestId, largestBytes] = [...byPackage].sort((a, b) => b[1] - a[1])[0]!
    const largest = report.packages.find(pkg => pkg.id === largestId)!

    await page.click('[data-view=entries]')
    const card = page.locator(`article.entry[data-entry="${entry.name}"]`)
    await expect(card.locator('.entry-figure b').first().textContent()).resolves.toBe(formatBytes(entry.initialLoad.gzipBytes!))
    await card.locator('[data-testid=entry-toggle]').click()
    const rows = card.locator('[data-testid=initial-packages] tbody tr')
    await rows.first().waitFor()
    const packageRows = await rows.evaluateAll(elements => elements
      .map(element => ({ key: (element as HTMLElement).dataset.key!, cells: Array.from(element.querySelectorAll('td'), cell => cell.textContent) }))
      .filter(row => !row.key.startsWith(':')))
    expect(packageRows[0]!.key).toBe(largestId)
    expect(packageRows[0]!.cells[0]).toBe(`${largest.name}@${largest.version}`)
    expect(packageRows[0]!.cells[2]).toBe(formatBytes(largestBytes))
    await screenshot(page, 'report-entries')

    await card.locator(`[data-testid=initial-packages] tr[data-key="${largestId}"]`).click()
    await page.waitForSelector('[data-testid=package-table]')
    const shown = await page.$$eval('[data-testid=package-table] tbody tr', elements => elements.map(element => (element as HTMLElement).dataset.key))
    expect(shown).toContain(largestId)
    await screenshot(page, 'report-packages')
  })

  it('restores view, metric, chunk and search from the URL hash', async () => {
    const watched = await openWatchedPage(browser)
    const { page } = watched
    const chunk = entryChunk().file
    await openReport(page, htmlFile, `view=modules&metric=brotli&chunk=${encodeURIComponent(chunk)}&q=lodash`)
    expect(await page.getAttribute('[data-view=modules]', 'aria-current')).toBe('page')
    expect(await page.isChecked('input[data-metric=brotli]')).toBe(true)
    expect(await page.inputValue('[data-testid=search]')).toBe('lodash')
    expect(await page.inputValue('[data-testid=chunk-filter]')).toBe(chunk)
    const keys = await page.$$eval('[data-testid=module-table] tbody tr', rows => rows.map(row => (row as HTMLElement).dataset.key!))
    const expected = entryChunk().modules.map(part => part.id).filter(id => id.includes('lodash'))
    expect(keys.sort()).toEqual(expected.sort())
    expect(await page.textContent('[data-testid=module-table] thead')).toContain('Brotli')

    const lodashEs = report.packages.find(pkg => pkg.name === 'lodash-es')!
    await openReport(page, htmlFile, `view=treemap&metric=raw&chunk=${encodeURIComponent(chunk)}&pkg=${encodeURIComponent(lodashEs.id)}`)
    await waitForTreemap(page)
    const crumbs = await page.$$eval('.breadcrumb .crumb', elements => elements.map(element => element.textContent))
    expect(crumbs).toEqual(['All outputs', chunk.slice(chunk.lastIndexOf('/') + 1), `lodash-es@${lodashEs.version}`])
    const moduleBoxes = await boxes(page, '.treemap [data-kind=module]')
    expect(moduleBoxes.length).toBeGreaterThan(2)
    for (const box of moduleBoxes) expect(box.key.startsWith(`${lodashEs.id}/`)).toBe(true)
    expect(watched.problems).toEqual([])
    await page.context().close()
  })

  it('shows findings, and explains empty budgets and diff', async () => {
    const { page } = main
    await page.click('[data-view=findings]')
    const titles = await page.$$eval('.view-findings article h3', elements => elements.map(element => element.textContent))
    expect(titles).toEqual(report.findings.map(finding => finding.title))
    await screenshot(page, 'report-findings')
    await page.click('[data-view=budgets]')
    expect(await page.textContent('[data-testid=budgets-empty]')).toContain('No budgets declared')
    await page.click('[data-view=diff]')
    expect(await page.textContent('[data-testid=diff-empty]')).toContain('No baseline')
    expect(main.problems).toEqual([])
    expect(main.dialogs).toEqual([])
  })

  it('is readable in dark mode', async () => {
    const watched = await openWatchedPage(browser, { colorScheme: 'dark' })
    await openReport(watched.page, htmlFile)
    await waitForTreemap(watched.page)
    const background = await watched.page.evaluate(() => getComputedStyle(document.body).backgroundColor)
    const color = await watched.page.evaluate(() => getComputedStyle(document.body).color)
    const luminance = (css: string): number => {
      const [r, g, b] = css.match(/\d+/g)!.map(Number)
      return (0.2126 * r! + 0.7152 * g! + 0.0722 * b!) / 255
    }
    expect(luminance(background)).toBeLessThan(0.2)
    expect(luminance(color) - luminance(background)).toBeGreaterThan(0.6)
    await screenshot(watched.page, 'report-treemap-dark')
    await openReport(watched.page, htmlFile, 'view=entries&entry=index.html')
    await screenshot(watched.page, 'report-entries-dark')
    await watched.page.context().close()
  })
})
