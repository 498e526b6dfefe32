/**
 * Static leak patterns and the instrumenting transform on small real modules parsed by Rollup's
 * parser: what is reported (and what is not: { once }, { signal }, removed listeners, kept interval
 * handles, disconnected observers, bounded caches), and that the instrumented code still parses,
 * keeps every original line in place and behaves the same.
 */
import type { EstreeNode } from '@weighbridge/core'
import { createOffsetLocator, scanLeakPatterns } from '@weighbridge/core'
import { parseAst } from 'rollup/parseAst'
import { describe, expect, it } from 'vitest'
import { instrumentModule } from '../packages/weighbridge/src/runtime/instrument'

function scan(code: string) {
  return scanLeakPatterns(parseAst(code) as unknown as EstreeNode, { file: 'src/m.js', code, locate: createOffsetLocator(code) })
    .map(p => `${p.rule}@${p.line}:${p.confidence}`)
}

describe('static leak patterns', () => {
  it('reports listeners never removed, and not self-releasing or removed ones', () => {
    expect(scan([
      'export function mount(el, signal) {',
      '  window.addEventListener("resize", onResize)',
      '  window.addEventListener("scroll", f, { once: true })',
      '  document.addEventListener("keydown", f, { signal })',
      '  window.addEventListener("focus", f)',
      '  el.addEventListener("click", () => {})',
      '  return () => window.removeEventListener("focus", f)',
      '}',
    ].join('\n'))).toEqual(['WB-LK001@2:high', 'WB-LK001@6:low'])
  })

  it('reports a removal that can never match (two inline functions)', () => {
    expect(scan('window.addEventListener("x", () => 1)\nwindow.removeEventListener("x", () => 1)')).toEqual(['WB-LK001@1:high'])
  })

  it('reports discarded interval handles only', () => {
    expect(scan('function a() {\n  setInterval(tick, 10)\n}\nconst t = setInterval(tick, 10)\nfunction b() { return setInterval(tick, 5) }\nwindow.setInterval(tick, 1)')).toEqual(['WB-LK002@2:high', 'WB-LK002@6:high'])
  })

  it('reports observers only in modules that never disconnect', () => {
    expect(scan('export const o = new ResizeObserver(cb)\no.observe(document.body)')).toEqual(['WB-LK003@1:medium'])
    expect(scan('const o = new MutationObserver(cb)\nexport const stop = () => o.disconnect()')).toEqual([])
  })

  it('reports module-level caches that only grow from functions', () => {
    expect(scan([
      'const seen = new Map()',
      'const bounded = new Set()',
      'const log = []',
      'const registry = new Map()',
      'registry.set("a", 1)',
      'const shared = new Map()',
      'export { shared }',
      'export function remember(k, v) { seen.set(k, v); bounded.add(k); log.push(k); shared.set(k, v); return seen.get(k) }',
      'export function forget(k) { bounded.delete(k); log.length = 0 }',
    ].join('\n'))).toEqual(['WB-LK004@1:medium'])
  })
})

describe('instrumentModule', () => {
  const code = [
    'const log = []',
    'export function run(target, maybe) {',
    '  target.addEventListener("x", () => log.push("x"), { once: true })',
    '  maybe?.addEventListener("y", () => {})',
    '  const id = setTimeout((a) => log.push(a), 0, "t")',
    '  clearTimeout(id)',
    '  const o = new ResizeObserver(() => {})',
    '  o.observe(...[target])',
    '  o.disconnect()',
    '  target.dispatchEvent(new Event("x"))',
    '  return log.join()',
    '}',
  ].join('\n')
  const ids = new Map<string, number>()
  const result = instrumentModule(code, parseAst(code) as unknown as EstreeNode, {
    file: 'src/m.js',
    locate: createOffsetLocator(code),
    assignSiteId: (file, line, column, api) => {
      const key = `${line}:${column}:${api}`
      if (!ids.has(key)) ids.set(key, ids.size + 1)
      return ids.get(key)!
    },
  })

  it('tags every site at its line and column', () => {
    expect(result.sites.map(s => `${s.api}@${s.line}:${s.column}`)).toEqual([
      'addEventListener@3:10', 'addEventListener@4:10', 'setTimeout@5:14', 'clearTimeout@6:3',
      'new ResizeObserver@7:13', 'observe@8:5', 'disconnect@9:5',
    ])
  })

  it('inserts only: every original line is still on its line, and the code still parses', () => {
    const lines = result.code.split('\n')
    const original = code.split('\n')
    expect(lines.length).toBe(original.length + 1)
    for (let i = 0; i < original.length; i++) {
      // Removing the inserted text gives back the original line.
      const stripped = lines[i]!.replace(/^import\{h as __wb\$\}from"[^"]+";__wb\$\.r\([^;]*\);__wb\$\.s\([^)]*\);/, '')
        .replace(/__wb\$\.[tnx]\(\d+,/g, '').replace(/__wb\$\.u\(/g, '')
      expect(stripped.replace(/\)/g, '')).toBe(original[i]!.replace(/\)/g, ''))
    }
    expect(() => parseAst(result.code)).not.toThrow()
    // An optional call ending its chain: the whole chain is wrapped, so `maybe == null` still short-circuits.
    expect(result.code).toContain('__wb$.u(maybe?.addEventListener("y", __wb$.t(2,() => {})))')
    expect(result.code).toContain('__wb$.u(setTimeout((a) => log.push(a), 0, __wb$.t(3,"t")))')
  })

  it('behaves the same with identity hooks', async () => {
    const hooks = { r() {}, s() {}, e() {}, t: (_: number, v: unknown) => v, u: (v: unknown) => v, n: (_: number, v: unknown) => v, x: (_: number, v: unknown) => v }
    const toFunction = (source: string, withHooks: boolean) => {
      const body = source.replace(/^import\{h as __wb\$\}from"[^"]+";/, '').replace('export function run', 'function run')
      // eslint-disable-next-line no-new-func
      return new Function('__wb$', 'ResizeObserver', 'Event', `${body}\nreturn run`)(withHooks ? hooks : undefined, class { observe() {} disconnect() {} }, Event)
    }
    const target = new EventTarget()
    const plain = toFunction(code, false)(target, null)
    const hooked = toFunction(result.code, true)(new EventTarget(), null)
    expect(hooked).toBe(plain)
    expect(plain).toBe('x')
  })
})
