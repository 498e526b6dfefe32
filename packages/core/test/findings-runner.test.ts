/**
 * The findings runner and the lazy-load rule on a hand-made report (no bundler): retained sizes
 * equal brute-force reachability, ids and severities are stamped, silencing and option validation
 * work, and the result is sorted by gzip savings. Sources are real files in a temp dir.
 */
import type { Chunk, Module, Report } from '@weighbridge/core'
import { computeFindings, formatFindingsLines, resolveFindingsOptions, SCHEMA_VERSION } from '@weighbridge/core'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const root = path.resolve(import.meta.dirname, '../../../test/.tmp', `findings-runner-${process.pid}-${Date.now()}`)

/** id → [imports (static), gzip bytes in the entry chunk, source] */
const graph: Record<string, { imports: string[], gzip: number, source: string }> = {
  'src/main.js': { imports: ['src/a.js', 'src/b.js', 'src/shared.js'], gzip: 100, source: 'import { a } from \'./a.js\'\nimport { b } from \'./b.js\'\nimport { s } from \'./shared.js\'\ns()\nbutton.onclick = () => {\n  a()\n  b()\n}\n' },
  'src/a.js': { imports: ['src/a-heavy.js', 'src/shared.js'], gzip: 500, source: 'import { heavy } from \'./a-heavy.js\'\nimport { s } from \'./shared.js\'\nexport function a() { heavy(); s() }\n' },
  'src/a-heavy.js': { imports: ['src/a.js'], gzip: 4000, source: 'import { a } from \'./a.js\'\nexport function heavy() { return a }\n' },
  'src/b.js': { imports: ['src/shared.js'], gzip: 1500, source: 'import { s } from \'./shared.js\'\nexport function b() { s() }\n' },
  'src/shared.js': { imports: [], gzip: 3000, source: 'export function s() {}\n' },
}

function makeReport(): Report {
  const ids = Object.keys(graph).sort()
  const modules: Module[] = ids.map(id => ({
    id,
    package: null,
    originalBytes: graph[id]!.source.length,
    format: 'esm',
    exports: null,
    sideEffects: null,
    isEntry: id === 'src/main.js',
    imports: graph[id]!.imports.map(target => ({ id: target, kind: 'static' as const })).sort((x, y) => x.id < y.id ? -1 : 1),
    importers: ids.filter(other => graph[other]!.imports.includes(id)),
    dynamicImporters: [],
  }))
  const chunk: Chunk = {
    file: 'dist/index.js',
    kind: 'js',
    name: 'index',
    isEntry: true,
    isDynamicEntry: false,
    entryModule: 'src/main.js',
    imports: [],
    dynamicImports: [],
    css: [],
    assets: [],
    modules: ids.map(id => ({ id, rawBytes: graph[id]!.gzip * 3, gzipBytes: graph[id]!.gzip, brotliBytes: null, renderedBytes: null, renderedExports: null })),
    glue: { rawBytes: 0, gzipBytes: 0, brotliBytes: null },
    attribution: 'exact',
  }
  const total = ids.reduce((sum, id) => sum + graph[id]!.gzip, 0)
  return {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'weighbridge', version: 'test' },
    bundler: { name: 'unknown', version: null },
    compression: { gzipLevel: 9, brotliQuality: null },
    outputs: [{ file: 'dist/index.js', kind: 'js', rawBytes: total * 3, gzipBytes: total, brotliBytes: null }],
    chunks: [chunk],
    modules,
    packages: [],
    entries: [{ name: 'index', kind: 'chunk', file: 'dist/index.js', chunks: ['dist/index.js'], initialLoad: { files: ['dist/index.js'], rawBytes: total * 3, gzipBytes: total, brotliBytes: null }, lazyLoad: { files: [], rawBytes: 0, gzipBytes: 0, brotliBytes: null } }],
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
}

/** Brute force: gzip of what the entry no longer reaches when `cut` is removed from the graph. */
function bruteForceSavings(cut: string): number {
  const seen = new Set<string>()
  const stack = ['src/main.js']
  while (stack.length > 0) {
    const id = stack.pop()!
    if (seen.has(id) || id === cut) continue
    seen.add(id)
    stack.push(...graph[id]!.imports)
  }
  return Object.keys(graph).filter(id => !seen.has(id)).reduce((sum, id) => sum + graph[id]!.gzip, 0)
}

describe('findings runner on a hand-made report', () => {
  beforeAll(() => {
    for (const [id, { source }] of Object.entries(graph)) {
      mkdirSync(path.dirname(path.join(root, id)), { recursive: true })
      writeFileSync(path.join(root, id), source)
    }
  })
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('lazy-load candidates: savings equal brute force, shared and top-level-used modules are not suggested', async () => {
    const findings = await computeFindings(makeReport(), { root })
    const lazy = findings.filter(finding => finding.rule === 'WB-LL001')
    // a.js retains itself and a-heavy.js (a cycle back to a.js), not shared.js (also imported by main and b);
    // a-heavy.js, imported inside a function of a.js, is a candidate of its own.
    expect(lazy.map(finding => finding.id)).toEqual(['WB-LL001:index>src/a.js', 'WB-LL001:index>src/a-heavy.js', 'WB-LL001:index>src/b.js'])
    expect(lazy[0]!.savings.gzipBytes).toBe(bruteForceSavings('src/a.js'))
    expect(lazy[0]!.savings.gzipBytes).toBe(4500)
    expect(lazy[1]!.savings.gzipBytes).toBe(bruteForceSavings('src/a-heavy.js'))
    expect(lazy[1]!.location).toEqual({ file: 'src/a.js', line: 1, column: 1 })
    expect(lazy[2]!.savings.gzipBytes).toBe(bruteForceSavings('src/b.js'))
    expect(lazy[0]!.modules).toEqual(['src/a-heavy.js', 'src/a.js'])
    expect(lazy[0]!.location).toEqual({ file: 'src/main.js', line: 1, column: 1 })
    expect(lazy[0]!.snippet).toContain('const { a } = await import(\'./a.js\')')
    expect(lazy[0]!.severity).toBe('info')
    // shared.js is used at main.js's top level (`s()`): lazy-loading it would not help startup.
    expect(findings.some(finding => finding.modules.includes('src/shared.js') && finding.rule === 'WB-LL001')).toBe(false)
  })

  it('minLazyGzipBytes drops small candidates; rules can be re-graded, turned off or silenced by glob', async () => {
    const report = makeReport()
    expect((await computeFindings(report, { root, options: { minLazyGzipBytes: 4200 } })).map(f => f.id)).toEqual(['WB-LL001:index>src/a.js'])
    const graded = await computeFindings(report, { root, options: { rules: { 'WB-LL001': 'error' } } })
    expect(graded.every(finding => finding.severity === 'error')).toBe(true)
    expect(await computeFindings(report, { root, options: { rules: { 'WB-LL001': 'off' } } })).toEqual([])
    expect((await computeFindings(report, { root, options: { ignore: ['src/a*.js'] } })).map(f => f.id)).toEqual(['WB-LL001:index>src/b.js'])
    expect((await computeFindings(report, { root, options: { ignore: [{ rule: 'WB-DP001', modules: 'src/**' }] } })).length).toBe(3)
    expect(await computeFindings(report, { root, options: false })).toEqual([])
  })

  it('findings are sorted by gzip savings and printed as the top lines', async () => {
    const findings = await computeFindings(makeReport(), { root })
    const lines = formatFindingsLines(findings, { limit: 1 })
    expect(lines[0]).toBe('Findings: 3 (top 1 by gzip savings; all in the report)')
    expect(lines[1]).toContain('WB-LL001')
    expect(lines[1]).toContain('−4.5 kB gzip (initial)')
    expect(lines[1]).toContain('src/main.js:1')
  })

  it('option mistakes are collected as one readable line each', () => {
    const { errors } = resolveFindingsOptions({ rules: { 'WB-TS009': 'off', 'WB-TS001': 'loud' as never }, minLazyGzipBytes: -1, ignore: [42 as never] })
    expect(errors).toEqual([
      expect.stringMatching(/^findings\.rules\.WB-TS009: unknown rule code; known codes: WB-TS001, /),
      'findings.rules.WB-TS001: got "loud", expected \'off\', \'info\', \'warn\' or \'error\'',
      'findings.ignore[0]: got 42, expected a glob or { rule?: \'WB-TS001\', modules: \'src/legacy/**\' }',
      'findings.minLazyGzipBytes: got -1, expected a number ≥ 0',
    ])
  })
})
