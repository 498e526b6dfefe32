/**
 * The split planner on small reports built in the test (a pure analysis: no bundler needed):
 * which loads need which module, the groups and their names, vendor tiers from baselines, the
 * goals, predictions that add up, determinism, and every bad input with its message.
 */
import { describe, expect, it } from 'vitest'
import type { Chunk, Module, Report } from '@weighbridge/core'
import { computeModuleNeeds, planSplit, SCHEMA_VERSION, SplitPlanError } from '@weighbridge/core'

interface ModuleSpec { id: string, bytes: number, imports?: string[], dynamic?: string[], pkg?: string }
interface ChunkSpec { file: string, entry?: string, route?: string, modules: string[], imports?: string[] }

/** A report as a Rollup build of these modules into these chunks would give (gzip = 40 % of raw). */
function createReport(moduleSpecs: ModuleSpec[], chunkSpecs: ChunkSpec[], packages: { id: string, name: string, version: string }[] = []): Report {
  const byId = new Map(moduleSpecs.map(spec => [spec.id, spec]))
  const modules: Module[] = moduleSpecs.map(spec => ({
    id: spec.id,
    package: spec.pkg ?? null,
    originalBytes: spec.bytes,
    format: 'esm',
    exports: null,
    sideEffects: null,
    isEntry: chunkSpecs.some(chunk => chunk.entry === spec.id),
    imports: [...(spec.imports ?? []).map(id => ({ id, kind: 'static' as const })), ...(spec.dynamic ?? []).map(id => ({ id, kind: 'dynamic' as const }))].sort((a, b) => (a.id < b.id ? -1 : 1)),
    importers: moduleSpecs.filter(other => other.imports?.includes(spec.id)).map(other => other.id).sort(),
    dynamicImporters: moduleSpecs.filter(other => other.dynamic?.includes(spec.id)).map(other => other.id).sort(),
  }))
  const glue = { rawBytes: 50, gzipBytes: 30, brotliBytes: 25 }
  const chunks: Chunk[] = chunkSpecs.map(spec => ({
    file: spec.file,
    kind: 'js',
    name: spec.file.replace(/^dist\/|\.js$/g, ''),
    isEntry: spec.entry !== undefined,
    isDynamicEntry: spec.route !== undefined,
    entryModule: spec.entry ?? spec.route ?? null,
    imports: spec.imports ?? [],
    dynamicImports: [],
    css: [],
    assets: [],
    modules: spec.modules.map(id => ({ id, rawBytes: byId.get(id)!.bytes, gzipBytes: Math.round(byId.get(id)!.bytes * 0.4), brotliBytes: null, renderedBytes: null, renderedExports: null })),
    glue,
    attribution: 'exact',
  }))
  const outputs = chunks.map(chunk => ({
    file: chunk.file,
    kind: 'js' as const,
    rawBytes: chunk.modules.reduce((sum, part) => sum + part.rawBytes, glue.rawBytes),
    gzipBytes: chunk.modules.reduce((sum, part) => sum + part.gzipBytes!, glue.gzipBytes),
    brotliBytes: null,
  }))
  const closure = (file: string): string[] => {
    const seen = new Set<string>([file])
    for (const next of chunkSpecs.find(chunk => chunk.file === file)!.imports ?? []) for (const item of closure(next)) seen.add(item)
    return [...seen].sort()
  }
  const entries = chunks.filter(chunk => chunk.isEntry).map((chunk) => {
    const files = closure(chunk.file)
    const sum = (key: 'rawBytes' | 'gzipBytes') => files.reduce((total, file) => total + outputs.find(output => output.file === file)![key]!, 0)
    return { name: chunk.name, kind: 'chunk' as const, file: chunk.file, chunks: [chunk.file], initialLoad: { files, rawBytes: sum('rawBytes'), gzipBytes: sum('gzipBytes'), brotliBytes: null }, lazyLoad: { files: [], rawBytes: 0, gzipBytes: 0, brotliBytes: null } }
  })
  return {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'weighbridge', version: 'test' },
    bundler: { name: 'rollup', version: '4.68.8' },
    compression: { gzipLevel: 9, brotliQuality: null },
    outputs,
    chunks,
    modules,
    packages: packages.map(pkg => ({ ...pkg, sideEffects: null, hasEsmBuild: true })),
    entries,
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
}

const LIB = 'node_modules/lib'
const UTIL = 'node_modules/util'

/**
 * Two pages: a and b share `ui` and import `lib` (an npm package); a's route `chart` and b's route
 * `table` share `common` (lazy only); `table` is also reachable from a. `tiny` is shared by both
 * routes and small. `table` uses `util` (another package).
 */
function createAppReport(libVersion = '1.0.0', libBytes = 30_000): Report {
  return createReport([
    { id: 'src/a.js', bytes: 3000, imports: ['src/ui.js', `${LIB}/index.js`], dynamic: ['src/chart.js', 'src/table.js'] },
    { id: 'src/b.js', bytes: 2000, imports: ['src/ui.js', `${LIB}/index.js`], dynamic: ['src/table.js'] },
    { id: 'src/ui.js', bytes: 8000 },
    { id: `${LIB}/index.js`, bytes: libBytes, pkg: LIB },
    { id: 'src/chart.js', bytes: 6000, imports: ['src/common.js', 'src/tiny.js'] },
    { id: 'src/table.js', bytes: 5000, imports: ['src/common.js', 'src/tiny.js', `${UTIL}/index.js`] },
    { id: 'src/common.js', bytes: 9000 },
    { id: 'src/tiny.js', bytes: 300 },
    { id: `${UTIL}/index.js`, bytes: 4000, pkg: UTIL },
  ], [
    { file: 'dist/a.js', entry: 'src/a.js', modules: ['src/a.js'], imports: ['dist/shared.js'] },
    { file: 'dist/b.js', entry: 'src/b.js', modules: ['src/b.js'], imports: ['dist/shared.js'] },
    { file: 'dist/shared.js', modules: ['src/ui.js', `${LIB}/index.js`] },
    { file: 'dist/chart.js', route: 'src/chart.js', modules: ['src/chart.js'], imports: ['dist/common.js', 'dist/tiny.js'] },
    { file: 'dist/table.js', route: 'src/table.js', modules: ['src/table.js', `${UTIL}/index.js`], imports: ['dist/common.js', 'dist/tiny.js'] },
    { file: 'dist/common.js', modules: ['src/common.js'] },
    { file: 'dist/tiny.js', modules: ['src/tiny.js'] },
  ], [{ id: LIB, name: 'lib', version: libVersion }, { id: UTIL, name: 'util', version: '2.0.0' }])
}

describe('planSplit', () => {
  it('finds which loads need each module (routes reached from both pages need what only one page loaded)', () => {
    const needs = computeModuleNeeds(createAppReport())
    const loadsOf = (id: string): string[] => needs.signatures[needs.ids.indexOf(id)]!.map(root => needs.roots[root]!.name).sort()
    expect(loadsOf('src/ui.js')).toEqual(['a', 'b'])
    expect(loadsOf('src/common.js')).toEqual(['chart', 'table'])
    expect(loadsOf('src/a.js')).toEqual(['a'])
    expect(needs.entriesReaching[needs.roots.findIndex(root => root.name === 'table')]!.map(root => needs.roots[root]!.name)).toEqual(['a', 'b'])
  })

  it('groups shared code by the loads that need it, merges the small lazy group, and predicts loads that add up', () => {
    const report = createAppReport()
    const plan = planSplit(report, { target: 'rollup', goals: { minChunkBytes: 1000 } })
    const groupOf = (id: string) => plan.groups.find(group => group.modules.includes(id) || group.packages.some(folder => id.startsWith(`${folder}/`)))
    expect(groupOf('src/ui.js')!.loadedBy).toEqual(['a', 'b'])
    expect(groupOf(`${LIB}/index.js`)).toBe(groupOf('src/ui.js'))
    // tiny (300 B) joins common: both are needed by exactly the two routes, so no load grows.
    expect(groupOf('src/tiny.js')).toBe(groupOf('src/common.js'))
    expect(groupOf('src/common.js')!.reason).toBe('lazy-shared')
    expect(groupOf('src/common.js')!.name).toBe('common')
    expect(groupOf('src/a.js')).toBeUndefined()
    // Predictions: a's initial load = its own chunk (module + today's glue) + the shared group + new-chunk glue.
    const a = plan.entries.find(entry => entry.name === 'a')!
    expect(a.today.gzipBytes).toBe(report.entries.find(entry => entry.name === 'a')!.initialLoad.gzipBytes)
    expect(a.predicted.gzipBytes).toBe(Math.round(3000 * 0.4) + 30 + Math.round(8000 * 0.4) + Math.round(30_000 * 0.4) + 30)
    expect(a.predicted.requests).toBe(2)
    const table = plan.routes.find(route => route.name === 'table')!
    expect(table.today.requests).toBe(3)
    expect(table.predicted.requests).toBe(2)
    expect(plan.chunks).toEqual({ today: 7, predicted: 6 })
  })

  it('is deterministic: the same report (in any chunk order) gives the same plan', () => {
    const report = createAppReport()
    const shuffled = { ...report, chunks: [...report.chunks].reverse(), modules: [...report.modules].reverse() }
    expect(JSON.stringify(planSplit(shuffled, { target: 'vite' }))).toBe(JSON.stringify(planSplit(report, { target: 'vite' })))
  })

  it('splits packages into long-lived and changing chunks only with baselines', () => {
    const withoutBaseline = planSplit(createAppReport(), { target: 'vite', goals: { minChunkBytes: 1000 } })
    expect(withoutBaseline.groups.some(group => group.reason.startsWith('vendor'))).toBe(false)
    expect(withoutBaseline.notes.join(' ')).toContain('No baseline given')
    // lib changed version since the baseline; util did not.
    const plan = planSplit(createAppReport('1.1.0'), { target: 'vite', goals: { minChunkBytes: 1000 }, baselines: [createAppReport('1.0.0')] })
    const lib = plan.groups.find(group => group.packages.includes(LIB))!
    expect(lib.reason).toBe('vendor-changing')
    expect(lib.changes).toBe(1)
    expect(lib.name).toBe('lib-changing')
    expect(lib.loadedBy).toEqual(['a', 'b'])
    expect(plan.groups.find(group => group.modules.includes('src/ui.js'))!.reason).toBe('shared')
    expect(plan.comparedReports).toBe(1)
  })

  it('keeps webpack\'s duplication of code several pages share (no initial load grows)', () => {
    const plan = planSplit(createAppReport(), { target: 'webpack' })
    expect(plan.groups.some(group => group.modules.includes('src/ui.js'))).toBe(false)
    for (const entry of plan.entries) expect(entry.predicted.gzipBytes).toBeLessThanOrEqual(entry.today.gzipBytes)
    expect(plan.notes.join(' ')).toContain('duplicates it')
  })

  it('meets maxInitialRequests by merging, and refuses goals that conflict with one message', () => {
    const report = createAppReport()
    expect(planSplit(report, { target: 'rollup', goals: { maxInitialRequests: 2 } }).entries.every(entry => entry.predicted.requests <= 2)).toBe(true)
    const attempt = () => planSplit(report, { target: 'rollup', goals: { maxInitialRequests: 1, minChunkBytes: 50_000 } })
    expect(attempt).toThrow(SplitPlanError)
    expect(attempt).toThrow(/^the goals conflict \(maxInitialRequests 1, minChunkBytes 50000\): maxInitialRequests 1 cannot be met: entry a needs at least 2 requests .*set maxInitialRequests to 2 or more/)
  })

  it('refuses bad input with one readable message', () => {
    const report = createAppReport()
    expect(() => planSplit(report, { target: 'esbuild' })).toThrow(/esbuild has no manual chunking/)
    expect(() => planSplit({ ...report, chunks: [], modules: [], outputs: [], entries: [] }, { target: 'vite' })).toThrow(/no modules in its chunks/)
    const single = createReport([{ id: 'src/main.js', bytes: 100 }], [{ file: 'dist/main.js', entry: 'src/main.js', modules: ['src/main.js'] }])
    expect(() => planSplit(single, { target: 'rollup' })).toThrow(/a single module \(src\/main\.js\)/)
    expect(() => planSplit({ ...report, compression: { gzipLevel: null, brotliQuality: null } }, { target: 'vite' })).toThrow(/no gzip sizes/)
    expect(() => planSplit(report, { target: 'vite', goals: { maxInitialRequests: 0, colour: 'red' } as never })).toThrow(/goals\.colour: unknown goal.*goals\.maxInitialRequests: got 0/)
    expect(() => planSplit(report, { target: 'rollup', isResolvable: id => id.startsWith('node_modules/') })).toThrow(/module ids do not resolve to files rollup can match .*e\.g\. "src\//)
  })
})
