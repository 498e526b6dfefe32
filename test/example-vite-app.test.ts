/**
 * examples/vite-app, the demo app: it builds with plain Vite 8 into the shape its planted problems
 * need (checked against Vite's own output and the files on disk, not against Weighbridge), and it
 * works in Chromium: every route renders, the charts draw, no errors, no failed requests.
 */
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import type { Browser } from 'playwright-core'
import { build, type Rolldown } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTempDir, launchBrowser, openWatchedPage, type WatchedPage } from './report-helpers/browser'

const repoRoot = path.resolve(import.meta.dirname, '..')
const appDir = path.join(repoRoot, 'examples/vite-app')

type OutputChunk = Rolldown.OutputChunk
type OutputAsset = Rolldown.OutputAsset

/** The package folder name in pnpm's store a module id lives in, e.g. `date-fns@2.30.0`. */
function storePackage(id: string): string | null {
  return /node_modules\/\.pnpm\/([^/]+)\//.exec(id)?.[1] ?? null
}

function serveDirectory(root: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.png': 'image/png' }
  const server = createServer((request, response) => {
    const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname
    const file = path.join(root, urlPath === '/' ? 'index.html' : urlPath)
    if (!file.startsWith(root)) {
      response.writeHead(403).end()
      return
    }
    try {
      const body = readFileSync(file)
      response.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(body)
    } catch {
      response.writeHead(404).end()
    }
  })
  return new Promise(resolve => server.listen(0, '127.0.0.1', () => resolve(server)))
}

describe('examples/vite-app', () => {
  let workDir: string
  let outDir: string
  let chunks: OutputChunk[]
  let assets: OutputAsset[]
  let server: Server
  let browser: Browser
  let baseUrl: string

  beforeAll(async () => {
    workDir = createTempDir('example-vite-app')
    outDir = path.join(workDir, 'dist')
    const result = await build({ root: appDir, configFile: false, logLevel: 'silent', build: { outDir, emptyOutDir: true } })
    const output = (Array.isArray(result) ? result[0] : result) as Rolldown.RolldownOutput
    chunks = output.output.filter((item): item is OutputChunk => item.type === 'chunk')
    assets = output.output.filter((item): item is OutputAsset => item.type === 'asset')
    server = await serveDirectory(outDir)
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    browser = await launchBrowser()
  })

  afterAll(async () => {
    await browser?.close()
    await new Promise(resolve => server?.close(resolve))
    if (workDir) rmSync(workDir, { recursive: true, force: true })
  })

  const entryChunk = (): OutputChunk => {
    const entries = chunks.filter(chunk => chunk.isEntry)
    // Vite's HTML entry: the facade is index.html, whose script is src/main.tsx.
    expect(entries.map(chunk => chunk.facadeModuleId)).toEqual([path.join(appDir, 'index.html')])
    expect(entries[0]!.moduleIds).toContain(path.join(appDir, 'src/main.tsx'))
    return entries[0]!
  }
  const routeChunk = (route: string): OutputChunk => {
    const found = chunks.filter(chunk => chunk.isDynamicEntry && chunk.facadeModuleId === path.join(appDir, `src/routes/${route}.tsx`))
    expect(found, `chunk of route ${route}`).toHaveLength(1)
    return found[0]!
  }
  /** The module ids of a chunk and every chunk it imports statically. */
  const staticClosure = (chunk: OutputChunk): Set<string> => {
    const seen = new Set<string>()
    const ids = new Set<string>()
    const visit = (current: OutputChunk): void => {
      if (seen.has(current.fileName)) return
      seen.add(current.fileName)
      current.moduleIds.forEach(id => ids.add(id))
      for (const imported of current.imports) visit(chunks.find(candidate => candidate.fileName === imported)!)
    }
    visit(chunk)
    return ids
  }

  it('has four lazy routes, each its own chunk with its own CSS, and a shared module chunk used by several routes', () => {
    const entry = entryChunk()
    const routes = ['home', 'dashboard', 'reports', 'settings']
    const routeChunks = routes.map(routeChunk)
    expect(entry.dynamicImports.sort()).toEqual(routeChunks.map(chunk => chunk.fileName).sort())
    for (const chunk of routeChunks) {
      const css = [...(chunk.viteMetadata?.importedCss ?? [])]
      expect(css.some(file => path.basename(file).startsWith(path.basename(chunk.facadeModuleId!, '.tsx'))), `${chunk.name} CSS: ${css.join(', ')}`).toBe(true)
    }
    const formatChunk = chunks.filter(chunk => chunk.moduleIds.includes(path.join(appDir, 'src/shared/format.ts')))
    expect(formatChunk).toHaveLength(1)
    expect(formatChunk[0]!.isEntry || formatChunk[0]!.isDynamicEntry).toBe(false)
    const importers = routeChunks.filter(chunk => chunk.imports.includes(formatChunk[0]!.fileName))
    expect(importers.length).toBeGreaterThanOrEqual(3)
    // The global stylesheet belongs to the entry.
    const globalCss = [...(entry.viteMetadata?.importedCss ?? [])]
    expect(globalCss).toHaveLength(1)
    expect(readFileSync(path.join(outDir, globalCss[0]!), 'utf8')).toContain('.app-header')
  })

  it('ships the planted problems where they belong: CommonJS lodash, moment with every locale and two date-fns versions up front', () => {
    const initial = staticClosure(entryChunk())
    const initialPackages = new Set([...initial].map(storePackage).filter(name => name !== null))
    expect(initialPackages).toContain('lodash@4.18.1')
    expect([...initial].some(id => id.endsWith('/node_modules/lodash/lodash.js'))).toBe(true)
    expect([...initial].some(id => id.endsWith('/node_modules/moment/min/moment-with-locales.js'))).toBe(true)
    expect(initialPackages).toContain('date-fns@4.4.0')
    expect(initialPackages).toContain('date-fns@2.30.0')
    expect(initialPackages).toContain('react-dom@19.3.1_react@19.3.1')
    // Every moment locale (as listed on disk) is in the initial JS.
    const localeCount = readdirSync(path.join(appDir, 'node_modules/moment/locale')).filter(file => file.endsWith('.js')).length
    const entryCode = entryChunk().code
    const definedLocales = entryCode.match(/defineLocale\(`[a-z-]+`/g) ?? []
    expect(definedLocales.length).toBe(localeCount)
    // Neither chart.js nor lodash-es is in the initial load.
    expect([...initial].some(id => id.includes('/chart.js/') || id.includes('/lodash-es/'))).toBe(false)
  })

  it('loads chart.js/auto on the dashboard route and all of lodash-es on the reports route', () => {
    const dashboard = staticClosure(routeChunk('dashboard'))
    expect([...dashboard].some(id => id.endsWith('/chart.js/auto/auto.js'))).toBe(true)
    const reports = staticClosure(routeChunk('reports'))
    const lodashEsModules = [...reports].filter(id => id.includes('/node_modules/lodash-es/'))
    const lodashEsFiles = readdirSync(path.join(appDir, 'node_modules/lodash-es')).filter(file => file.endsWith('.js'))
    // `import * as _` with computed keys keeps (nearly) every file of the package.
    expect(lodashEsModules.length).toBeGreaterThan(lodashEsFiles.length * 0.9)
  })

  it('emits the image asset byte for byte', () => {
    const png = assets.filter(asset => asset.fileName.endsWith('.png'))
    expect(png).toHaveLength(1)
    const source = readFileSync(path.join(appDir, 'src/assets/scale.png'))
    const emitted = readFileSync(path.join(outDir, png[0]!.fileName))
    expect(createHash('sha256').update(emitted).digest('hex')).toBe(createHash('sha256').update(source).digest('hex'))
  })

  it('works in Chromium: every route renders, the charts draw, nothing fails', async () => {
    const watched: WatchedPage = await openWatchedPage(browser)
    const { page } = watched
    const failed: string[] = []
    page.on('response', (response) => {
      if (response.status() >= 400) failed.push(`${response.status()} ${response.url()}`)
    })
    await page.goto(`${baseUrl}/`)
    await page.waitForSelector('.home .stat-card')
    expect(await page.textContent('.home-cards')).toMatch(/Shipments\s*120/)
    // date-fns 4 in the header, date-fns 2 in the footer, the logo loaded.
    expect(await page.textContent('.app-title p')).toMatch(/^\w+day \d{1,2} \w+ \d{4}$/)
    expect(await page.textContent('.app-footer')).toContain('Deployed about 3 hours ago')
    expect(await page.$eval('.app-logo', image => (image as HTMLImageElement).naturalWidth)).toBe(96)
    await page.selectOption('.locale-clock select', 'ja')
    expect(await page.textContent('.locale-clock time')).toMatch(/^\d{2}:\d{2}:\d{2}$/)

    await page.goto(`${baseUrl}/#/dashboard`)
    await page.waitForSelector('.dashboard canvas')
    await page.waitForFunction(() => Array.from(document.querySelectorAll('canvas')).every((canvas) => {
      const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data
      for (let index = 3; index < data.length; index += 4) if (data[index] !== 0) return true
      return false
    }))
    expect(await page.locator('.dashboard canvas').count()).toBe(2)

    await page.goto(`${baseUrl}/#/reports`)
    await page.waitForSelector('.reports tbody tr')
    expect(await page.locator('.reports tbody tr').count()).toBe(40)
    const carriers = await page.locator('.reports tbody td:first-child').allTextContents()
    expect(carriers).toEqual([...carriers].sort())

    await page.goto(`${baseUrl}/#/settings`)
    await page.waitForSelector('.settings li')
    // moment's own locale data: the locales really are registered (an unknown locale falls back to English).
    expect(await page.locator('.settings li').allTextContents()).toEqual([
      'en-gb 15 January 2025, 14:30:00',
      'de 15. Januar 2025, 14:30:00',
      'fr 15 janvier 2025, 14:30:00',
      'ja 2025年1月15日, 14:30:00',
    ])

    expect(watched.problems).toEqual([])
    expect(failed).toEqual([])
  })
})
