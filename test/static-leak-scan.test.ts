/**
 * The static leak scan that runs after the build (packages/weighbridge/src/runtime/static-leak-scan.ts):
 *
 * - on the runtime fixture's modules it finds what the former transform-hook path found (cross-check:
 *   esbuild strips the types with a source map, Rollup's parser reads the result, the scan maps
 *   offsets back through the map: another parser, another TypeScript stripper);
 * - its pre-check never rules out a module that holds a pattern (fast-check over modules mixing
 *   module-level caches with strings, templates, regular expressions and comments full of braces);
 * - the cache: a second scanner reads the disk cache and parses nothing, a corrupt cache file is
 *   ignored and rewritten, an edited file (same size) is parsed again, a watch rebuild of the same
 *   scanner parses nothing, `cache: false` writes nothing, packages and files outside the root are skipped.
 */
import type { EstreeNode, LeakPattern } from '@weighbridge/core'
import fs from 'node:fs'
import path from 'node:path'
import { scanLeakPatterns } from '@weighbridge/core'
import * as esbuild from 'esbuild'
import fc from 'fast-check'
import { parseAst } from 'rollup/parseAst'
import { afterAll, describe, expect, it } from 'vitest'
import { createOriginalLocator } from '../packages/weighbridge/src/runtime/original-position'
import { createStaticLeakScanner, mayHoldLeakPattern, moduleLevelText, scanSourceForLeaks, STATIC_LEAK_CACHE_FILE } from '../packages/weighbridge/src/runtime/static-leak-scan'

const RUNTIME_FIXTURE = path.resolve(__dirname, 'fixtures/runtime-app')
const tmp = path.resolve(__dirname, `.tmp/static-leak-scan-${process.pid}-${Date.now()}`)

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

const describePatterns = (patterns: readonly LeakPattern[]) => patterns.map(p => `${p.rule} ${p.file}:${p.line}`).sort()

/** The former path: types stripped by esbuild (with a map), parsed by Rollup, offsets mapped back. */
function scanLikeTheTransformDid(file: string, source: string): LeakPattern[] {
  const { code, map } = esbuild.transformSync(source, { loader: file.endsWith('.ts') ? 'ts' : 'js', sourcemap: 'external', format: 'esm' })
  return scanLeakPatterns(parseAst(code) as unknown as EstreeNode, { file, code, locate: createOriginalLocator(code, JSON.parse(map) as { mappings: string }) })
}

describe('the scan of original files', () => {
  const files = fs.readdirSync(path.join(RUNTIME_FIXTURE, 'src')).map(name => `src/${name}`)

  it('finds, on the runtime fixture, what the transform found after TypeScript was stripped', () => {
    let total = 0
    for (const file of files) {
      const source = fs.readFileSync(path.join(RUNTIME_FIXTURE, file), 'utf8')
      const expected = describePatterns(scanLikeTheTransformDid(file, source))
      expect(describePatterns(scanSourceForLeaks(file, source)), file).toEqual(expected)
      if (expected.length > 0)
        expect(mayHoldLeakPattern(source), file).toBe(true)
      total += expected.length
    }
    // leaky-route, leaky-dialog (two), leaky-cache, clean-page and the hostile / app pages.
    expect(total).toBeGreaterThanOrEqual(5)
  })

  it('reads TypeScript the way the bundled code reads: types, `as` and `!` do not hide a growing cache', () => {
    const source = [
      'const seen = new Map<string, number>()',
      'type Seen = typeof seen',
      'export interface Holder { seen: Seen }',
      'const rows = [] as string[]',
      'export function remember(key: string): Seen {',
      '  seen!.set(key, 1)',
      '  ;(rows as string[]).push(key)',
      '  return seen as Seen',
      '}',
    ].join('\n')
    // `return seen` hands the map out (someone else may clear it); `rows` only grows.
    expect(describePatterns(scanSourceForLeaks('src/typed.ts', source))).toEqual(['WB-LK004 src/typed.ts:4'])
    expect(describePatterns(scanSourceForLeaks('src/typed.ts', source))).toEqual(describePatterns(scanLikeTheTransformDid('src/typed.ts', source)))
  })

  it('reads JSX, in .jsx and in .js files', () => {
    const source = [
      'const opened = []',
      'export function Dialog({ name }) {',
      '  opened.push(name)',
      '  window.addEventListener(\'resize\', () => {})',
      '  return <p className="x">Don\'t close {name}</p>',
      '}',
    ].join('\n')
    for (const file of ['src/dialog.jsx', 'src/dialog.js'])
      expect(describePatterns(scanSourceForLeaks(file, source)), file).toEqual([`WB-LK001 ${file}:4`, `WB-LK004 ${file}:1`])
  })
})

describe('the pre-check', () => {
  it('keeps the module-level code only, outside strings, templates, regular expressions and comments', () => {
    expect(moduleLevelText([
      'const a = new Map()',
      'const s = \'{\' + "}" + `${ { x: [] } }{`',
      'const r = /[}{]\\/}/g',
      '// {',
      '/* } */',
      'function f() { const local = new Set(); return 4 / 2 / 1 }',
      'export const b = []',
    ].join('\n'))).toBe([
      'const a = new Map()',
      'const s =   +   +   ',
      'const r =  g',
      ' ',
      ' ',
      'function f() {}',
      'export const b = []',
    ].join('\n'))
    expect(moduleLevelText('const a = 1 }')).toBeNull()
    expect(mayHoldLeakPattern('export function f() { const parts: string[] = []; const m = new Map(); m.set(1, parts) }')).toBe(false)
    expect(mayHoldLeakPattern('export const list: string[] = computeList()')).toBe(false)
    expect(mayHoldLeakPattern('const list: string[] = []')).toBe(true)
    expect(mayHoldLeakPattern('el.addEventListener("x", f)')).toBe(true)
  })

  it('never rules out a module whose scan finds a pattern', () => {
    const noise = [
      'const s1 = \'}{\'',
      'const s2 = "{\'"',
      'const t1 = `a${ { k: 1 }.k }b{`',
      'const r1 = /[{}]\\/{/g',
      '// } {',
      '/* { */',
      'const d1 = 4 / 2 / 1',
      'const o1 = { a: [], b: new Map() }',
      'function g1(a) { return a / 2 }',
      'if (Math.random()) { const inner = new Set(); inner.add(1) }',
      'const re2 = x => /}/.test(x)',
      'let q1 = (1) / 2',
      'const tpl = `${`${"}"}`}`',
      'const div = [1][0] / 2',
      'class C { items = []; add(x) { this.items.push(x) } }',
      'for (const x of [1]) { const ok = x }',
    ]
    const cache = (name: string, kind: number) => {
      const init = ['new Map()', 'new Set()', '[]', 'new globalThis.Map()'][kind]!
      const grow = ['set(k, 1)', 'add(k)', 'push(k)', 'set(k, 2)'][kind]!
      return [`const ${name} = ${init}`, `export function grow_${name}(k) { ${name}.${grow} }`]
    }
    const program = fc.tuple(
      fc.array(fc.constantFrom(...noise), { maxLength: 8 }),
      fc.array(fc.constantFrom(...noise), { maxLength: 8 }),
      fc.integer({ min: 0, max: 3 }),
      fc.boolean(),
    ).map(([before, after, kind, nested]) => {
      const lines = cache('cache', kind)
      return [...before, ...(nested ? ['{', ...lines, '}'] : lines), ...after].join('\n')
    })
    let withPattern = 0
    fc.assert(fc.property(program, (code) => {
      const patterns = scanSourceForLeaks('src/m.js', code)
      if (patterns.length > 0) {
        withPattern++
        expect(mayHoldLeakPattern(code), code).toBe(true)
      }
    }), { numRuns: 300, seed: 20260101 })
    expect(withPattern).toBeGreaterThan(50)
  })
})

describe('the cache', () => {
  const root = path.join(tmp, 'app')
  const cacheDir = path.join(root, 'node_modules/.cache/weighbridge')
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true })
    fs.writeFileSync(path.join(root, file), text)
  }
  write('src/route.ts', 'export function mount(): void {\n  window.addEventListener(\'resize\', () => {})\n}\n')
  write('src/cache.js', 'const rows = new Map()\nexport function remember(k) { rows.set(k, 1) }\n')
  write('src/clean.ts', 'export function sum(values: number[]): number {\n  const out: number[] = []\n  for (const v of values) out.push(v)\n  return out.length\n}\n')
  write('node_modules/lib/index.js', 'window.addEventListener(\'x\', () => {})\n')
  write('../outside.js', 'window.addEventListener(\'x\', () => {})\n')
  const modules = [
    { id: 'src/route.ts', package: null },
    { id: 'src/cache.js', package: null },
    { id: 'src/clean.ts', package: null },
    { id: 'src/style.css', package: null },
    { id: 'src/route.ts?worker', package: null },
    { id: 'virtual:helper.js', package: null },
    { id: 'node_modules/lib/index.js', package: 'node_modules/lib' },
    { id: '../outside.js', package: null },
    { id: 'src/missing.js', package: null },
  ]
  const cacheFile = path.join(cacheDir, STATIC_LEAK_CACHE_FILE)

  it('parses only the candidates, then nothing with the disk cache or in a watch rebuild', async () => {
    const first = createStaticLeakScanner()
    const cold = await first.scan(modules, root, cacheDir)
    expect(describePatterns(cold.patterns)).toEqual(['WB-LK001 src/route.ts:2', 'WB-LK004 src/cache.js:1'])
    expect(cold).toMatchObject({ files: 3, candidates: 2, parsed: 2 })
    const onDisk = JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: Record<string, unknown> }
    expect(Object.keys(onDisk.entries).map(key => key.replace(/^[0-9a-f]{40} /, '')).sort()).toEqual(['src/cache.js', 'src/route.ts'])
    const rebuild = await first.scan(modules, root, cacheDir)
    expect(rebuild).toMatchObject({ files: 3, candidates: 2, parsed: 0 })
    expect(describePatterns(rebuild.patterns)).toEqual(describePatterns(cold.patterns))
    const warm = await createStaticLeakScanner().scan(modules, root, cacheDir)
    expect(warm).toMatchObject({ files: 3, candidates: 2, parsed: 0 })
    expect(describePatterns(warm.patterns)).toEqual(describePatterns(cold.patterns))
  })

  it('parses an edited file again, even at the same size', async () => {
    const scanner = createStaticLeakScanner()
    await scanner.scan(modules, root, cacheDir)
    const before = fs.readFileSync(path.join(root, 'src/route.ts'), 'utf8')
    const edited = before.replace('resize', 'scroll')
    expect(edited.length).toBe(before.length)
    fs.writeFileSync(path.join(root, 'src/route.ts'), edited)
    const result = await scanner.scan(modules, root, cacheDir)
    expect(result.parsed).toBe(1)
    expect(result.patterns.find(p => p.file === 'src/route.ts')!.message).toContain('"scroll"')
  })

  it('ignores a corrupt cache file and writes a valid one', async () => {
    for (const corrupt of ['{"format":', JSON.stringify({ format: 'other', entries: {} }), JSON.stringify({ format: JSON.parse(fs.readFileSync(cacheFile, 'utf8')).format, entries: { [`${'0'.repeat(40)} src/cache.js`]: [{ rule: 'WB-LK999' }] } })]) {
      fs.writeFileSync(cacheFile, corrupt)
      const result = await createStaticLeakScanner().scan(modules, root, cacheDir)
      expect(result.parsed, corrupt).toBe(2)
      expect(describePatterns(result.patterns)).toEqual(['WB-LK001 src/route.ts:2', 'WB-LK004 src/cache.js:1'])
      expect(Object.keys((JSON.parse(fs.readFileSync(cacheFile, 'utf8')) as { entries: object }).entries)).toHaveLength(2)
    }
    expect(fs.readdirSync(cacheDir).filter(name => name.endsWith('.tmp'))).toEqual([])
  })

  it('keeps everything in memory with `cache: false`', async () => {
    fs.rmSync(cacheDir, { recursive: true, force: true })
    const scanner = createStaticLeakScanner()
    expect((await scanner.scan(modules, root, null)).parsed).toBe(2)
    expect((await scanner.scan(modules, root, null)).parsed).toBe(0)
    expect(fs.existsSync(cacheDir)).toBe(false)
  })
})
