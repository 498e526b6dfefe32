/**
 * How long the findings analyses take on a generated 20,000-module report (no bundler, no disk):
 *
 *   cd bench && npx tsx --conditions=weighbridge-source analyses.ts [--modules 20000] [--runs 3]
 *
 * The graph: ~3,000 app modules and ~17,000 package modules in 300 packages (some CommonJS, some at
 * two versions), ~4 static imports per module with back edges (cycles), one HTML entry whose
 * initial load is the entry chunk plus two shared chunks, and 40 lazy chunks.
 */
import type { Chunk, ChunkModule, Entry, Module, Package, Report } from '@weighbridge/core'
import { computeDominators, computeFindings, computeRetainedWeights, createIndexGraph, SCHEMA_VERSION } from '@weighbridge/core'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'

function createRandom(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6D2B79F5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export function generateReport(moduleCount: number, seed = 1): Report {
  const random = createRandom(seed)
  const pick = <T>(items: T[]): T => items[Math.floor(random() * items.length)]!
  const appCount = Math.round(moduleCount * 0.15)
  const packageCount = 300
  const packages: Package[] = []
  for (let p = 0; p < packageCount; p++) {
    const name = p % 25 === 24 ? `pkg-${p - 1}` : `pkg-${p}` // every 25th package: a second version
    const version = p % 25 === 24 ? '1.0.0' : '2.0.0'
    packages.push({ id: `node_modules/.pnpm/${name}@${version}/node_modules/${name}`, name, version, sideEffects: p % 3 === 0 ? false : null, hasEsmBuild: p % 4 !== 0 })
  }
  const modules: Module[] = []
  for (let i = 0; i < moduleCount; i++) {
    const isApp = i < appCount
    const pkg = isApp ? null : packages[(i - appCount) % packageCount]!
    const id = isApp ? `src/m${String(i).padStart(5, '0')}.ts` : `${pkg!.id}/lib/m${String(i).padStart(5, '0')}.js`
    modules.push({ id, package: pkg?.id ?? null, originalBytes: 500 + Math.floor(random() * 8000), format: pkg && packages.indexOf(pkg) % 4 === 0 ? 'cjs' : 'esm', exports: ['a', 'b', 'c'], sideEffects: null, isEntry: i === 0, imports: [], importers: [], dynamicImporters: [] })
  }
  // Edges: app modules import app modules and package entry modules; package modules import within
  // their package and a few other packages. Mostly forward (a DAG) with ~5% back edges (cycles).
  const byPackage = new Map<string, Module[]>()
  for (const module of modules) if (module.package) (byPackage.get(module.package) ?? byPackage.set(module.package, []).get(module.package)!).push(module)
  for (let i = 0; i < moduleCount; i++) {
    const module = modules[i]!
    const edgeCount = 1 + Math.floor(random() * 7)
    for (let e = 0; e < edgeCount; e++) {
      let target: Module
      if (module.package === null) {
        target = random() < 0.6 ? modules[Math.min(appCount - 1, i + 1 + Math.floor(random() * 200))]! : byPackage.get(pick(packages).id)![0]!
        if (random() < 0.05) target = modules[Math.floor(random() * appCount)]!
      }
      else {
        const own = byPackage.get(module.package)!
        target = random() < 0.85 ? pick(own) : byPackage.get(pick(packages).id)![0]!
      }
      if (target === module) continue
      const kind = module.package === null && random() < 0.08 ? 'dynamic' as const : 'static' as const
      module.imports.push({ id: target.id, kind })
      if (kind === 'dynamic') target.dynamicImporters.push(module.id)
      else target.importers.push(module.id)
    }
  }
  for (const module of modules) {
    module.imports = [...new Map(module.imports.map(edge => [`${edge.id}\0${edge.kind}`, edge])).values()].sort((a, b) => a.id.localeCompare(b.id))
    module.importers = [...new Set(module.importers)].sort()
    module.dynamicImporters = [...new Set(module.dynamicImporters)].sort()
  }
  // Chunks: 60% of modules in the entry chunk, 10% in two shared initial chunks, the rest in 40 lazy chunks.
  const chunkFiles = ['dist/assets/index.js', 'dist/assets/shared-a.js', 'dist/assets/shared-b.js', ...Array.from({ length: 40 }, (_, k) => `dist/assets/lazy-${k}.js`)]
  const parts = new Map<string, ChunkModule[]>(chunkFiles.map(file => [file, []]))
  for (const module of modules) {
    const roll = random()
    const file = roll < 0.6 ? chunkFiles[0]! : roll < 0.7 ? chunkFiles[1 + Math.floor(random() * 2)]! : chunkFiles[3 + Math.floor(random() * 40)]!
    const rawBytes = Math.floor((module.originalBytes ?? 1000) * 0.4)
    parts.get(file)!.push({ id: module.id, rawBytes, gzipBytes: Math.floor(rawBytes * 0.3), brotliBytes: Math.floor(rawBytes * 0.26), renderedBytes: module.originalBytes, renderedExports: random() < 0.1 ? [] : ['a'] })
  }
  const chunks: Chunk[] = chunkFiles.map((file, k) => ({
    file,
    kind: 'js',
    name: file.slice(12, -3),
    isEntry: k === 0,
    isDynamicEntry: k >= 3,
    entryModule: k === 0 ? modules[0]!.id : null,
    imports: k === 0 ? [chunkFiles[1]!, chunkFiles[2]!] : [],
    dynamicImports: k === 0 ? chunkFiles.slice(3) : [],
    css: [],
    assets: [],
    modules: parts.get(file)!.sort((a, b) => a.id.localeCompare(b.id)),
    glue: { rawBytes: 100, gzipBytes: 60, brotliBytes: 50 },
    attribution: 'exact',
  }))
  const sum = (files: string[]) => {
    const all = files.flatMap(file => parts.get(file)!)
    return { rawBytes: all.reduce((s, m) => s + m.rawBytes, 0), gzipBytes: all.reduce((s, m) => s + (m.gzipBytes ?? 0), 0), brotliBytes: all.reduce((s, m) => s + (m.brotliBytes ?? 0), 0) }
  }
  const initialFiles = chunkFiles.slice(0, 3)
  const entries: Entry[] = [{ name: 'index', kind: 'chunk', file: chunkFiles[0]!, chunks: [chunkFiles[0]!], initialLoad: { ...sum(initialFiles), files: initialFiles }, lazyLoad: { ...sum(chunkFiles.slice(3)), files: chunkFiles.slice(3) } }]
  return {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'weighbridge', version: 'bench' },
    bundler: { name: 'unknown', version: null },
    compression: { gzipLevel: 9, brotliQuality: 11 },
    outputs: chunkFiles.map(file => ({ file, kind: 'js', ...sum([file]) })),
    chunks,
    modules,
    packages,
    entries,
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { modules: { type: 'string', default: '20000' }, runs: { type: 'string', default: '3' } } })
  const moduleCount = Number(values.modules)
  const runs = Number(values.runs)
  const report = generateReport(moduleCount)
  const edgeCount = report.modules.reduce((sum, module) => sum + module.imports.length, 0)
  console.log(`generated: ${report.modules.length} modules, ${edgeCount} edges, ${report.packages.length} packages, ${report.chunks.length} chunks`)

  // The dominator step alone, on the whole static graph.
  const index = new Map(report.modules.map((module, i) => [module.id, i]))
  const edges: [number, number][] = []
  for (const module of report.modules) for (const edge of module.imports) if (edge.kind === 'static') edges.push([index.get(module.id)!, index.get(edge.id)!])
  const weights = report.modules.map(() => 1)
  let start = performance.now()
  const dominators = computeDominators(createIndexGraph(report.modules.length, edges), 0)
  computeRetainedWeights(dominators, weights)
  console.log(`dominators + retained sizes: ${(performance.now() - start).toFixed(1)} ms (${dominators.order.length} reachable)`)

  for (let run = 1; run <= runs; run++) {
    start = performance.now()
    const findings = await computeFindings(report, { root: null })
    const durationMs = performance.now() - start
    const byRule = new Map<string, number>()
    for (const finding of findings) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1)
    console.log(`run ${run}: all findings rules ${durationMs.toFixed(0)} ms, ${findings.length} findings (${[...byRule].map(([rule, count]) => `${rule} ${count}`).join(', ')})`)
  }
}

if (process.argv[1]?.endsWith("analyses.ts")) await main()
