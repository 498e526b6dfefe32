/**
 * Hostile strings in every part of a report (module paths with markup, `</script>`, quotes, unicode,
 * U+2028) are shown as text and never run: no dialog opens, no element is injected. The report also
 * fills findings, budgets, diff and runtime, so those sections are drawn with data.
 */
import type { Report } from '@weighbridge/core'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { renderReport } from '@weighbridge/report'
import { createTempDir, launchBrowser, openReport, openWatchedPage, screenshot, waitForTreemap, type WatchedPage } from './report-helpers/browser'

const IMG = 'src/<img src=x onerror="alert(1);window.__pwned=1">.js'
const SCRIPT = 'src/<</script><script>alert(2);window.__pwned=2</script>.js'
const QUOTES = 'src/"double" \'single\' & amp; `back`.js'
const UNICODE = 'src/ünïcødé/模块-😀\u2028\u2029-<!--x-->.js'
const PKG_ID = 'node_modules/<svg onload=alert(3)>'
const CHUNK = 'dist/<iframe src=javascript:alert(5)>.js'
const HOSTILE_IDS = [IMG, SCRIPT, QUOTES, UNICODE]

function sizes(rawBytes: number): { rawBytes: number, gzipBytes: number, brotliBytes: number } {
  return { rawBytes, gzipBytes: Math.round(rawBytes / 3), brotliBytes: Math.round(rawBytes / 3.5) }
}

function createHostileReport(): Report {
  const ids = [...HOSTILE_IDS, `${PKG_ID}/index.js`].sort()
  const parts = ids.map((id, index) => ({ id, ...sizes(4000 + index * 1500), renderedBytes: 9000, renderedExports: ['default', '<b>x</b>'] }))
  const glue = sizes(600)
  const total = {
    rawBytes: parts.reduce((sum, part) => sum + part.rawBytes, glue.rawBytes),
    gzipBytes: parts.reduce((sum, part) => sum + part.gzipBytes, glue.gzipBytes),
    brotliBytes: parts.reduce((sum, part) => sum + part.brotliBytes, glue.brotliBytes),
  }
  return {
    schemaVersion: 1,
    generator: { name: 'weighbridge', version: '<i>1</i>' },
    bundler: { name: 'rollup', version: '</title><script>alert(6)</script>' },
    compression: { gzipLevel: 9, brotliQuality: 11 },
    outputs: [{ file: CHUNK, kind: 'js', ...total }],
    chunks: [{
      file: CHUNK,
      kind: 'js',
      name: '<marquee>chunk</marquee>',
      isEntry: true,
      isDynamicEntry: false,
      entryModule: IMG,
      imports: [],
      dynamicImports: [],
      css: [],
      assets: [],
      modules: parts,
      glue,
      attribution: 'exact',
    }],
    modules: ids.map(id => ({
      id,
      package: id.startsWith(PKG_ID) ? PKG_ID : null,
      originalBytes: 5000,
      format: 'esm',
      exports: ['default', '<b>x</b>', 'unused"export'],
      sideEffects: null,
      isEntry: id === IMG,
      imports: id === IMG ? [SCRIPT, QUOTES, `${PKG_ID}/index.js`].sort().map(target => ({ id: target, kind: 'static' as const })) : id === QUOTES ? [{ id: UNICODE, kind: 'static' as const }] : [],
      importers: id === IMG ? [] : id === UNICODE ? [QUOTES] : [IMG],
      dynamicImporters: [],
    })),
    packages: [{ id: PKG_ID, name: '<svg onload=alert(3)>', version: '"><b>bold</b>', sideEffects: null, hasEsmBuild: false }],
    entries: [{
      name: '<h1>entry</h1>',
      kind: 'chunk',
      file: CHUNK,
      chunks: [CHUNK],
      initialLoad: { files: [CHUNK], ...total },
      lazyLoad: { files: [], rawBytes: 0, gzipBytes: 0, brotliBytes: 0 },
    }],
    findings: [{
      id: 'WB-X:<img>',
      rule: 'WB-<b>X</b>',
      severity: 'error',
      title: '<img src=x onerror=alert(7)> is too big',
      message: 'Message with </script><script>alert(8)</script> inside',
      modules: [IMG, UNICODE],
      packages: [PKG_ID],
      savings: { rawBytes: 4000, gzipBytes: 1300, brotliBytes: 1100 },
      load: 'initial',
      confidence: 'high',
      location: { file: QUOTES, line: 3, column: 7 },
      fix: 'Replace `<img>` with "text" & move on',
      snippet: '</code></pre><img src=x onerror=alert(9)>\nconst a = "<script>"',
    }],
    budgets: [{
      path: 'budgets[0]',
      label: 'initial JS of <h1>entry</h1> (gzip)',
      kind: 'initial',
      metric: 'gzip',
      actual: total.gzipBytes,
      warnLimit: 5_000,
      errorLimit: 8_000,
      level: 'error',
      message: 'initial JS of <h1>entry</h1> (gzip) 9.0 kB > 8.0 kB: <img src=x onerror=alert(10)>',
      contributors: [{ kind: 'module', id: SCRIPT, bytes: 2000, deltaBytes: 500 }, { kind: 'package', id: PKG_ID, bytes: 1800, deltaBytes: null }],
    }],
    diff: {
      baseline: '<img src=x onerror=alert(11)>.json',
      modules: [
        { id: UNICODE, kind: 'added', before: null, after: sizes(5500), deltaRawBytes: 5500, deltaGzipBytes: 1833 },
        { id: SCRIPT, kind: 'grown', before: sizes(5000), after: sizes(5500), deltaRawBytes: 500, deltaGzipBytes: 166 },
      ],
      packages: [{ id: PKG_ID, kind: 'shrunk', before: sizes(9000), after: sizes(8500), deltaRawBytes: -500, deltaGzipBytes: -166 }],
      chunks: [{ id: CHUNK, kind: 'grown', before: sizes(20_000), after: total, deltaRawBytes: total.rawBytes - 20_000, deltaGzipBytes: total.gzipBytes - sizes(20_000).gzipBytes }],
      entries: [],
      totals: { before: sizes(20_000), after: total },
    },
    runtime: {
      schemaVersion: 1,
      url: 'http://localhost/<script>alert(12)</script>',
      sampleRate: 0.25,
      takenAtMs: 12_000,
      iterations: 20,
      sites: [{ id: 1, file: QUOTES, line: 4, column: 2, kind: 'listener', api: 'addEventListener', added: 21, released: 1, collected: 0, live: 20, liveByIteration: [1, 2, 3] }],
      leaks: [{ site: 1, file: QUOTES, line: 4, column: 2, api: 'addEventListener', live: 20, growthPerIteration: 1, iterations: 20, message: 'listener at <img src=x onerror=alert(13)> grows by 1 per iteration' }],
      spans: [{ kind: 'module', name: UNICODE, count: 4, totalMs: 12.5, maxMs: 5.25 }],
      heap: null,
    },
  }
}

let browser: Browser
let htmlFile: string
let html: string
let watched: WatchedPage

beforeAll(async () => {
  const dir = createTempDir('report-hostile')
  htmlFile = path.join(dir, 'report.html')
  html = renderReport(createHostileReport())
  writeFileSync(htmlFile, html)
  browser = await launchBrowser()
  watched = await openWatchedPage(browser)
})

afterAll(async () => {
  await browser?.close()
})

async function expectNothingInjected(): Promise<void> {
  const { page } = watched
  expect(watched.dialogs).toEqual([])
  expect(watched.problems).toEqual([])
  expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined()
  expect(await page.$$eval('img, iframe, svg, marquee, i, script:not([type])', elements => elements.map(element => element.tagName))).toEqual(['SCRIPT'])
  expect(await page.$$eval('h1', elements => elements.map(element => element.textContent))).toEqual(['Weighbridge'])
}

describe('a report full of hostile strings', () => {
  it('keeps the data inside its script element', () => {
    expect(html.match(/<\/script/gi)).toHaveLength(2)
    expect(html.match(/<script/gi)).toHaveLength(2)
    expect(html).not.toMatch(/[\u2028\u2029]/)
    expect(html).toContain('<title>Weighbridge report (rollup)</title>')
  })

  it('shows module paths as text in the treemap', async () => {
    const { page } = watched
    await openReport(page, htmlFile)
    await waitForTreemap(page)
    const shown = await page.$$eval('.treemap [data-kind=module]', elements => elements.map(element => (element as HTMLElement).dataset.module!))
    expect(shown.sort()).toEqual([...HOSTILE_IDS, `${PKG_ID}/index.js`].sort())
    const labels = await page.$$eval('.treemap .tm-label', elements => elements.map(element => element.textContent!))
    expect(labels.some(label => label.startsWith('<img src=x onerror="alert(1);window.__pwned=1">.js'))).toBe(true)
    expect(labels.some(label => label.startsWith('<svg onload=alert(3)>@"><b>bold</b>'))).toBe(true)
    // Hovering shows the full id in the tooltip, as text.
    await page.hover(`.treemap [data-module="${IMG.replace(/"/g, '\\"')}"]`)
    expect(await page.textContent('.tooltip strong')).toBe(IMG)
    await expectNothingInjected()
    await screenshot(page, 'report-hostile-treemap')
  })

  it('lists hostile modules verbatim, searchable, with a why-included chain', async () => {
    const { page } = watched
    await page.click('[data-view=modules]')
    const rows = await page.$$eval('[data-testid=module-table] tbody tr td:first-child', cells => cells.map(cell => cell.textContent))
    for (const id of HOSTILE_IDS) expect(rows).toContain(id)
    await page.fill('[data-testid=search]', '</script>')
    await page.waitForFunction(() => document.querySelectorAll('[data-testid=module-table] tbody tr').length === 1)
    await page.click('[data-testid=module-table] tbody tr')
    const chain = await page.$$eval('[data-testid=why-chain] [data-module]', elements => elements.map(element => element.textContent))
    expect(chain).toEqual([IMG, SCRIPT])
    expect(await page.textContent('[data-testid=module-details] h2')).toBe(SCRIPT)
    await expectNothingInjected()
    await screenshot(page, 'report-hostile-modules')
  })

  it('draws findings, budgets, diff and runtime with their data as text', async () => {
    const { page } = watched
    await page.keyboard.press('Escape')
    await page.fill('[data-testid=search]', '')
    // The search box is debounced: wait until the cleared search is in the URL before switching views.
    await page.waitForFunction(() => !new URLSearchParams(location.hash.slice(1)).get('q'))
    await page.click('[data-view=findings]')
    expect(await page.textContent('.view-findings h3')).toBe('<img src=x onerror=alert(7)> is too big')
    expect(await page.textContent('.view-findings pre code')).toBe('</code></pre><img src=x onerror=alert(9)>\nconst a = "<script>"')
    await screenshot(page, 'report-hostile-findings')
    await page.click('[data-view=budgets]')
    expect(await page.textContent('.view-budgets h3')).toBe('initial JS of <h1>entry</h1> (gzip)')
    expect(await page.textContent('.view-budgets .badge')).toBe('error')
    await screenshot(page, 'report-hostile-budgets')
    await page.click('[data-view=diff]')
    // Views render on 'hashchange', after the click returns; $$eval does not wait for its selector.
    await page.waitForSelector('[data-testid=diff-modules] tbody td')
    const diffIds = await page.$$eval('[data-testid=diff-modules] tbody td:first-child', cells => cells.map(cell => cell.textContent))
    expect(diffIds.sort()).toEqual([UNICODE, SCRIPT].sort())
    await screenshot(page, 'report-hostile-diff')
    await page.click('[data-view=runtime]')
    expect(await page.textContent('.view-runtime')).toContain('listener at <img src=x onerror=alert(13)> grows by 1 per iteration')
    await screenshot(page, 'report-hostile-runtime')
    await page.click('[data-view=entries]')
    await page.click('[data-testid=entry-toggle]')
    expect(await page.textContent('.entry-name')).toBe('<h1>entry</h1>')
    await expectNothingInjected()
  })
})
