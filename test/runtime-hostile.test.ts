/**
 * The runtime never throws into user code and never changes what the page sees: the hostile page
 * (null targets, non-function listeners, getters on options, frozen objects, illegal receivers,
 * cross-realm iframes, user objects with the same method names...) runs once under a Vite dev server
 * with `runtime: true` and once under one without Weighbridge, in Debian's Chromium; the recorded
 * results and exception messages must be identical, with no page error either way.
 */
import type { Browser } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { copyRuntimeFixture, launchChromium, startDevServer } from './runtime-helpers'

let browser: Browser
const servers: ViteDevServer[] = []

async function runHostilePage(runtime: unknown) {
  const root = copyRuntimeFixture(runtime === undefined ? 'runtime-hostile-plain' : 'runtime-hostile-hooks')
  const { server, url } = await startDevServer(root, runtime)
  servers.push(server)
  const page = await browser.newPage()
  const errors: string[] = []
  page.on('pageerror', error => errors.push(error.message))
  await page.goto(`${url}/hostile.html`)
  await page.waitForFunction(() => typeof (window as any).runHostileCases === 'function')
  const results = await page.evaluate(() => (window as any).runHostileCases())
  const runtimeInfo = await page.evaluate(() => {
    const runtime = (window as any).__WEIGHBRIDGE__
    if (!runtime) return null
    const snapshot = runtime.snapshot()
    return { sites: snapshot.modules.reduce((sum: number, [, table]: [string, number[]]) => sum + table.length / 4, 0), json: JSON.stringify(snapshot).length }
  })
  const source = await (await fetch(`${url}/src/hostile-page.ts`)).text()
  await page.close()
  return { results, errors, runtimeInfo, source }
}

let plain: Awaited<ReturnType<typeof runHostilePage>>
let hooked: Awaited<ReturnType<typeof runHostilePage>>

beforeAll(async () => {
  browser = await launchChromium()
  plain = await runHostilePage(undefined)
  hooked = await runHostilePage(true)
})

afterAll(async () => {
  await browser?.close()
  for (const server of servers) await server.close()
})

it('instruments the hostile page (and not the plain one)', () => {
  expect(plain.runtimeInfo).toBeNull()
  expect(plain.source).not.toContain('__wb$')
  expect(hooked.source).toContain('__wb$.t(')
  expect(hooked.runtimeInfo!.sites).toBeGreaterThan(10)
})

it('gives the page the same results and the same exceptions as without hooks', () => {
  expect(Object.keys(hooked.results).length).toBeGreaterThan(50)
  // Sanity: the cases really are hostile (many throw natively).
  const thrown = Object.values(plain.results).filter((outcome: any) => 'error' in outcome)
  expect(thrown.length).toBeGreaterThan(15)
  expect(hooked.results).toEqual(plain.results)
})

it('raises no page error with or without hooks', () => {
  expect(plain.errors).toEqual([])
  expect(hooked.errors).toEqual([])
})
