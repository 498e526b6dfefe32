/**
 * The runtime's listener bookkeeping (one flat array per target, swap-removal, `{ once }` companions,
 * `{ signal }` tokens, collection) against the browser itself: after a long random sequence of tagged
 * adds (from three sites), removes, dispatches and aborts on a few targets, the runtime's live count
 * of each site must equal the registrations Chromium still holds, counted independently by
 * dispatching every type once on every target and counting the user listeners that run (each site
 * adds its own listeners). Then two targets are dropped and collected: their live registrations must
 * come back as collected, at the right sites, and the rest stay live.
 */
import type { Browser, Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { loadRuntimeSource } from '../packages/weighbridge/src/runtime/runtime-code'
import { collectGarbage, launchChromium } from './runtime-helpers'

let browser: Browser
let page: Page

beforeAll(async () => {
  const runtimeSource = await loadRuntimeSource()
  browser = await launchChromium()
  page = await browser.newPage()
  await page.setContent('<!doctype html><title>listeners</title>')
  await page.addScriptTag({ type: 'module', content: `${runtimeSource}\nwindow.hooks = installRuntime({ sampleRate: 0, endpoint: null })\n` })
  await page.waitForFunction(() => 'hooks' in window)
})

afterAll(async () => {
  await browser?.close()
})

/** Per add site (ids 1, 3, 4): the runtime's counts, and the registrations the browser ran. */
interface Counts { live: number[], native: number[], added: number[], released: number[], collected: number[] }

it('counts exactly the registrations the browser holds, through a random sequence', async () => {
  const counts = await page.evaluate((steps) => {
    type Hooks = { r: (file: string, table: number[]) => void, t: <T>(id: number, value: T) => T, u: <T>(value: T) => T, x: <T>(id: number, value: T) => T }
    const win = window as unknown as { hooks: Hooks, targets: (EventTarget | null)[], measure: () => Counts, __WEIGHBRIDGE__: { snapshot: () => { added: number[], released: number[], collected: number[] } } }
    const h = win.hooks
    // Sites 1, 3, 4: the adds (api code 0, addEventListener); site 2: the removes (api code 8).
    h.r('listeners.js', [1, 1, 1, 0, 2, 2, 1, 8, 3, 3, 1, 0, 4, 4, 1, 0])
    const sites = [1, 3, 4]
    let seed = 20261125
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return Math.floor(seed / 2147483648 * n)
    }
    const calls = [0, 0, 0]
    // Each add site has its own listeners: the one that runs names the site that registered it.
    const bySite: EventListenerOrEventListenerObject[][] = [0, 1, 2].map(site => [() => { calls[site]!++ }, { handleEvent: () => { calls[site]!++ } }])
    const listeners = bySite.flat()
    const types = ['ping', 'pong', 'click']
    let controllers = [new AbortController(), new AbortController()]
    const NONE = {}
    const addOptions = (): unknown => {
      const signal = controllers[random(2)]!.signal
      return [NONE, true, false, { capture: true }, { once: true }, { capture: true, once: true }, { signal }, { once: true, signal }, { passive: true }, { capture: true, signal }][random(10)]
    }
    const removeOptions = (): unknown => [NONE, true, false, { capture: true }, { capture: false }][random(5)]
    win.targets = [document.createElement('div'), document.createElement('button'), new EventTarget(), document.createElement('span'), new EventTarget()]
    const targets = win.targets as EventTarget[]
    for (let step = 0; step < steps; step++) {
      const target = targets[random(targets.length)]!
      const type = types[random(types.length)]!
      const listener = listeners[random(listeners.length)]!
      const operation = random(20)
      if (operation < 9) {
        const site = random(3)
        const added = bySite[site]![random(2)]!
        const options = addOptions()
        if (options === NONE) h.u(target.addEventListener(type, h.t(sites[site]!, added)))
        else h.u(target.addEventListener(type, added, h.t(sites[site]!, options as AddEventListenerOptions)))
      }
      else if (operation < 16) {
        const options = removeOptions()
        if (options === NONE) h.x(2, target.removeEventListener(type, listener))
        else h.x(2, target.removeEventListener(type, listener, options as EventListenerOptions))
      }
      else if (operation < 19) {
        target.dispatchEvent(new Event(type))
      }
      else {
        const index = random(2)
        controllers[index]!.abort()
        controllers = controllers.map((controller, i) => i === index ? new AbortController() : controller)
      }
    }
    // The independent count: every live registration runs once when its type is dispatched at its
    // target (the targets are detached, the events do not bubble: nothing runs twice).
    win.measure = () => {
      const snapshot = win.__WEIGHBRIDGE__.snapshot()
      calls.fill(0)
      for (const target of win.targets) {
        if (target) for (const type of types) target.dispatchEvent(new Event(type))
      }
      return {
        live: sites.map(site => snapshot.added[site]! - snapshot.released[site]! - snapshot.collected[site]!),
        native: calls.slice(),
        added: sites.map(site => snapshot.added[site]!),
        released: sites.map(site => snapshot.released[site]!),
        collected: sites.map(site => snapshot.collected[site]!),
      }
    }
    return win.measure()
  }, 4000)
  const sum = (values: number[]): number => values.reduce((a, b) => a + b, 0)
  expect(counts.added.every(added => added > 150)).toBe(true)
  expect(sum(counts.released)).toBeGreaterThan(200)
  expect(counts.native.every(native => native >= 2)).toBe(true)
  expect(counts.live).toEqual(counts.native)
  expect(counts.collected).toEqual([0, 0, 0])

  // The final dispatch consumed the `{ once }` registrations: count again, then drop two targets.
  const before = await page.evaluate(() => (window as unknown as { measure: () => Counts }).measure())
  expect(before.live).toEqual(before.native)
  const dropped = await page.evaluate(() => {
    const win = window as unknown as { targets: (EventTarget | null)[], measure: () => Counts }
    const kept = win.targets
    win.targets = [kept[0]!, null, kept[2]!, null, kept[4]!]
    return win.measure().native
  })
  expect(sum(dropped)).toBeLessThan(sum(before.native))
  await collectGarbage(page)
  const after = await page.evaluate(() => (window as unknown as { measure: () => Counts }).measure())
  expect(after.native).toEqual(dropped)
  expect(after.collected).toEqual(before.live.map((live, i) => live - dropped[i]!))
  expect(after.live).toEqual(after.native)
})
