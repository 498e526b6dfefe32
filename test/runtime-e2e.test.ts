/**
 * End to end in Debian's Chromium: the runtime fixture served by a Vite dev server with
 * `weighbridge({ runtime: true })`. The leaky page plants three leaks (a window listener per route
 * visit, an interval per dialog open, a ResizeObserver on <body> never disconnected); the clean page
 * does the same work and cleans up (removeEventListener, AbortSignal, { once }, elements that are
 * garbage-collected with their listeners, clearInterval, disconnect, cancelAnimationFrame).
 * After a warm-up and repeated interactions with forced GC, every planted leak is reported at the
 * line written in the fixture's source file with +1 per iteration, the clean page reports none, and
 * the dev server's endpoint, terminal message and saved snapshot agree with the page.
 */
import type { RuntimeSnapshot } from '@weighbridge/core'
import type { RawRuntimeSnapshot } from '@weighbridge/runtime'
import type { Browser, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import fs from 'node:fs'
import path from 'node:path'
import { analyzeRuntimeSnapshot } from '@weighbridge/runtime'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { collectGarbage, copyRuntimeFixture, launchChromium, RUNTIME_FIXTURE, startDevServer } from './runtime-helpers'

/**
 * What the fixture page and the injected runtime put on `window`. The casts stay inline: the
 * functions passed to `page.evaluate` are serialised and run in the page, without this module.
 */
interface FixtureWindow {
  interact: () => void
  __WEIGHBRIDGE__: { reset: () => void, iteration: () => void, flush: () => void, snapshot: () => RawRuntimeSnapshot }
}

const ITERATIONS = 6

let root: string
let browser: Browser
let server: ViteDevServer
let url: string
const stderr: string[] = []
const originalWrite = process.stderr.write.bind(process.stderr)

/** 1-based line and column of the first occurrence of `needle` in the fixture's source file. */
function locateInFixture(file: string, needle: string): { line: number, column: number } {
  const text = fs.readFileSync(path.join(RUNTIME_FIXTURE, file), 'utf8')
  const index = text.indexOf(needle)
  if (index < 0) throw new Error(`${needle} not in ${file}`)
  const before = text.slice(0, index).split('\n')
  return { line: before.length, column: before[before.length - 1]!.length + 1 }
}

async function runInteractions(page: Page): Promise<RuntimeSnapshot> {
  // Warm-up: first-time allocations and lazy module work are not leaks.
  await page.evaluate(() => { (window as unknown as FixtureWindow).interact(); (window as unknown as FixtureWindow).interact() })
  await collectGarbage(page)
  await page.evaluate(() => (window as unknown as FixtureWindow).__WEIGHBRIDGE__.reset())
  for (let i = 0; i < ITERATIONS; i++) {
    await page.evaluate(() => (window as unknown as FixtureWindow).interact())
    await collectGarbage(page)
    await page.evaluate(() => (window as unknown as FixtureWindow).__WEIGHBRIDGE__.iteration())
  }
  // The page returns its raw counters; the leak analysis runs here, on the node side.
  const raw = await page.evaluate(() => (window as unknown as FixtureWindow).__WEIGHBRIDGE__.snapshot() as RawRuntimeSnapshot)
  expect(raw.raw).toBe(1)
  return analyzeRuntimeSnapshot(raw)
}

beforeAll(async () => {
  root = copyRuntimeFixture('runtime-e2e')
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stderr.push(String(chunk))
    return (originalWrite as (...args: unknown[]) => boolean)(chunk, ...rest)
  }) as typeof process.stderr.write
  ;({ server, url } = await startDevServer(root, true))
  browser = await launchChromium()
})

afterAll(async () => {
  process.stderr.write = originalWrite
  await browser?.close()
  await server?.close()
})

describe('leaky page', () => {
  let snapshot: RuntimeSnapshot
  let page: Page
  const pageErrors: string[] = []

  beforeAll(async () => {
    page = await browser.newPage()
    page.on('pageerror', error => pageErrors.push(error.message))
    await page.goto(`${url}/leaky.html`)
    await page.waitForFunction(() => typeof (window as unknown as FixtureWindow).interact === 'function')
    snapshot = await runInteractions(page)
  })

  it('reports each planted leak at its source line with +1 per iteration', () => {
    const expected = [
      { file: 'src/leaky-route.ts', api: 'addEventListener', ...locateInFixture('src/leaky-route.ts', 'addEventListener(\'resize\'') },
      { file: 'src/leaky-dialog.ts', api: 'setInterval', ...locateInFixture('src/leaky-dialog.ts', 'setInterval(') },
      { file: 'src/leaky-dialog.ts', api: 'new ResizeObserver', ...locateInFixture('src/leaky-dialog.ts', 'new ResizeObserver') },
    ]
    expect(pageErrors).toEqual([])
    expect(snapshot.iterations).toBe(ITERATIONS)
    for (const want of expected) {
      const leak = snapshot.leaks.find(l => l.file === want.file && l.api === want.api)
      expect(leak, `${want.api} in ${want.file}`).toBeDefined()
      expect(leak!.line).toBe(want.line)
      expect(leak!.column).toBe(want.column)
      expect(leak!.growthPerIteration).toBe(1)
      expect(leak!.iterations).toBe(ITERATIONS)
      // Two warm-up interactions plus the measured ones, none released.
      expect(leak!.live).toBe(ITERATIONS + 2)
      expect(leak!.message).toContain(`${want.file}:${want.line}:${want.column}`)
    }
    expect(snapshot.leaks).toHaveLength(3)
  })

  it('counts every call of the leaking sites and sees no release', () => {
    const site = snapshot.sites.find(s => s.api === 'addEventListener' && s.file === 'src/leaky-route.ts')!
    expect(site.added).toBe(ITERATIONS + 2)
    expect(site.released + site.collected).toBe(0)
    expect(site.liveByIteration).toEqual([3, 4, 5, 6, 7, 8])
  })

  it('samples module evaluation spans and a heap trend', () => {
    expect(snapshot.sampleRate).toBe(0.1)
    expect(snapshot.heap?.source).toBe('performance.memory')
    expect(snapshot.heap!.samples.length).toBeGreaterThanOrEqual(ITERATIONS)
    for (const span of snapshot.spans) expect(span.maxMs).toBeLessThanOrEqual(span.totalMs)
  })

  it('posts the snapshot to the dev server, which prints each leak once and saves it', async () => {
    await page.evaluate(() => (window as unknown as FixtureWindow).__WEIGHBRIDGE__.flush())
    const response = await fetch(`${url}/__weighbridge/runtime`)
    const served = await response.json() as RuntimeSnapshot
    expect(served.leaks.map(l => `${l.file}:${l.line}`).sort()).toEqual(snapshot.leaks.map(l => `${l.file}:${l.line}`).sort())
    const lines = stderr.join('').split('\n').filter(line => line.startsWith('weighbridge: leak at '))
    for (const leak of snapshot.leaks) {
      const matching = lines.filter(line => line.includes(`${leak.file}:${leak.line}:${leak.column} (${leak.api})`))
      expect(matching, leak.message).toHaveLength(1)
      expect(matching[0]).toMatch(/\+1 per iteration/)
    }
    const saved = JSON.parse(fs.readFileSync(path.join(root, '.weighbridge/runtime.json'), 'utf8')) as RuntimeSnapshot
    expect(saved.schemaVersion).toBe(1)
    expect(saved.leaks.length).toBe(3)
    const rejected = await fetch(`${url}/__weighbridge/runtime`, { method: 'POST', body: '{"nope":1}' })
    expect(rejected.status).toBe(400)
  })
})

describe('clean page', () => {
  let snapshot: RuntimeSnapshot
  const pageErrors: string[] = []

  beforeAll(async () => {
    const page = await browser.newPage()
    page.on('pageerror', error => pageErrors.push(error.message))
    await page.goto(`${url}/clean.html`)
    await page.waitForFunction(() => typeof (window as unknown as FixtureWindow).interact === 'function')
    snapshot = await runInteractions(page)
  })

  it('reports no leak', () => {
    expect(pageErrors).toEqual([])
    expect(snapshot.iterations).toBe(ITERATIONS)
    expect(snapshot.leaks).toEqual([])
  })

  it('saw every registration and its release (removed, aborted, once, collected, cleared, disconnected)', () => {
    const byApi = (api: string, needle: string) => {
      const { line } = locateInFixture('src/clean-page.ts', needle)
      return snapshot.sites.find(s => s.api === api && s.line === line)!
    }
    const total = ITERATIONS + 2
    const resize = byApi('addEventListener', 'addEventListener(\'resize\'')
    expect([resize.added, resize.released, resize.live]).toEqual([total, total, 0])
    const signal = byApi('addEventListener', 'addEventListener(\'keydown\'')
    expect([signal.added, signal.released, signal.live]).toEqual([total, total, 0])
    const once = byApi('addEventListener', 'addEventListener(\'focus\'')
    expect([once.added, once.released, once.live]).toEqual([total, total, 0])
    // Removed from the DOM and garbage-collected with its listener: counted as collected.
    const click = byApi('addEventListener', 'addEventListener(\'click\'')
    expect(click.added).toBe(total)
    expect(click.collected).toBeGreaterThanOrEqual(ITERATIONS)
    expect(click.liveByIteration.every(live => live <= 2)).toBe(true)
    const interval = byApi('setInterval', 'setInterval(')
    expect([interval.added, interval.released, interval.live]).toEqual([total, total, 0])
    const observer = byApi('new ResizeObserver', 'new ResizeObserver')
    expect([observer.added, observer.released, observer.live]).toEqual([total, total, 0])
    const frame = byApi('requestAnimationFrame', 'requestAnimationFrame(')
    expect(frame.live).toBe(0)
    const releases = snapshot.sites.filter(s => s.kind === 'release')
    expect(releases.map(s => s.api).sort()).toEqual(['cancelAnimationFrame', 'clearInterval', 'disconnect', 'removeEventListener'])
    for (const release of releases) expect(release.added).toBe(total)
  })
})
