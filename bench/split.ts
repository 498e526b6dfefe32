/**
 * How long the split planner takes on a generated 20,000-module report (no bundler, no disk):
 *
 *   cd bench && npx tsx --conditions=weighbridge-source split.ts [--modules 20000] [--runs 3]
 *
 * The graph: 15 % app modules, the rest in 300 packages, ~4 static imports per module (with
 * cycles), three entry chunks and 60 lazy routes (each an `import()`ed app module with its own
 * static closure), every module in the chunk of the first root that reaches it; a baseline report
 * where every 10th package changed version, so the vendor tiers are computed too.
 */
import type { Chunk, ChunkModule, Entry, Module, Package, Report } from '@weighbridge/core'
import { planSplit, SCHEMA_VERSION } from '@weighbridge/core'
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

export function generateSplitReport(moduleCount: number, seed = 1, versionOf: (p: number) => string = () => '2.0.0'): Report {
  const random = createRandom(seed)
  const appCount = Math.round(moduleCount * 0.15)
  const packages: Package[] = Array.from({ length: 300 }, (_, p) => ({ id: `node_modules/.pnpm/pkg-${p}@${versionOf(p)}/node_modules/pkg-${p}`, name: `pkg-${p}`, version: versionOf(p), sideEffects: null, hasEsmBuild: true }))
  const modules: Module[] = []
  for (let i = 0; i < moduleCount; i++) {
    const pkg = i < appCount ? null : packages[(i - appCount) % packages.length]!
    const id = pkg ? `${pkg.id}/lib/m${String(i).padStart(5, '0')}.js` : `src/m${String(i).padStart(5, '0')}.ts`
    modules.push({ id, package: pkg?.id ?? null, originalBytes: 500 + Math.floor(random() * 8000), format: 'esm', exports: null, sideEffects: null, isEntry: i < 3, imports: [], importers: [], dynamicImporters: [] })
  }
  const byPackage = new Map<string, number[]>()
  modules.forEach((module, index) => { if (module.package) (byPackage.get(module.package) ?? byPackage.set(module.package, []).get(module.package)!).push(index) })
  const routeModules = Array.from({ length: 60 }, (_, k) => 3 + k * Math.floor((appCount - 3) / 60))
  for (let i = 0; i < moduleCount; i++) {
    const module = modules[i]!
    const edges = 1 + Math.floor(random() * 6)
    for (let e = 0; e < edges; e++) {
      let target: number
      if (module.package === null) target = random() < 0.6 ? Math.min(appCount - 1, i + 1 + Math.floor(random() * 300)) : byPackage.get(packages[Math.floor(random() * packages.length)]!.id)![0]!
      else {
        const own = byPackage.get(module.package)!
        target = random() < 0.9 ? own[Math.floor(random() * own.length)]! : byPackage.get(packages[Math.floor(random() * packages.length)]!.id)![0]!
      }
      if (target === i || routeModules.includes(target)) continue
      module.imports.push({ id: modules[target]!.id, kind: 'static' })
      modules[target]!.importers.push(module.id)
    }
  }
  // Entries import routes dynamically; routes import a few other routes.
  routeModules.forEach((route, k) => {
    const importer = k < 3 ? k : routeModules[Math.floor(random() * k)]!
    modules[importer === route ? 0 : importer]!.imports.push({ id: modules[route]!.id, kind: 'dynamic' })
    modules[route]!.dynamicImporters.push(modules[importer === route ? 0 : importer]!.id)
  })
  for (const module of modules) {
    module.imports = [...new Map(module.imports.map(edge => [`${edge.id}\0${edge.kind}`, edge])).values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    module.importers = [...new Set(module.importers)].sort()
  }
  // Chunks: each root's static closure, first root wins (like a bundler without shared chunks).
  const roots = [0, 1, 2, ...routeModules]
  const chunkOf = new Int32Array(moduleCount).fill(-1)
  const index = new Map(modules.map((module, i) => [module.id, i]))
  roots.forEach((root, r) => {
    const queue = [root]
    while (queue.length > 0) {
      const current = queue.pop()!
      if (chunkOf[current] !== -1) continue
      chunkOf[current] = r
      for (const edge of modules[current]!.imports) if (edge.kind === 'static') queue.push(index.get(edge.id)!)
    }
  })
  const files = roots.map((root, r) => `dist/assets/${r < 3 ? `entry-${r}` : `route-${r}`}.js`)
  const parts = files.map(() => [] as ChunkModule[])
  modules.forEach((module, i) => {
    if (chunkOf[i] === -1) return
    const rawBytes = Math.floor((module.originalBytes ?? 1000) * 0.4)
    parts[chunkOf[i]!]!.push({ id: module.id, rawBytes, gzipBytes: Math.floor(rawBytes * 0.3), brotliBytes: Math.floor(rawBytes * 0.26), renderedBytes: null, renderedExports: null })
  })
  const chunks: Chunk[] = roots.map((root, r) => ({ file: files[r]!, kind: 'js', name: r < 3 ? `entry-${r}` : `route-${r}`, isEntry: r < 3, isDynamicEntry: r >= 3, entryModule: modules[root]!.id, imports: [], dynamicImports: [], css: [], assets: [], modules: parts[r]!.sort((a, b) => (a.id < b.id ? -1 : 1)), glue: { rawBytes: 100, gzipBytes: 60, brotliBytes: 50 }, attribution: 'exact' }))
  const sizeOf = (file: string) => { const list = parts[files.indexOf(file)]!; const raw = list.reduce((s, m) => s + m.rawBytes, 100); return { rawBytes: raw, gzipBytes: list.reduce((s, m) => s + (m.gzipBytes ?? 0), 60), brotliBytes: list.reduce((s, m) => s + (m.brotliBytes ?? 0), 50) } }
  const entries: Entry[] = [0, 1, 2].map(r => ({ name: `entry-${r}`, kind: 'chunk', file: files[r]!, chunks: [files[r]!], initialLoad: { ...sizeOf(files[r]!), files: [files[r]!] }, lazyLoad: { rawBytes: 0, gzipBytes: 0, brotliBytes: 0, files: [] } }))
  return { schemaVersion: SCHEMA_VERSION, generator: { name: 'weighbridge', version: 'bench' }, bundler: { name: 'rollup', version: null }, compression: { gzipLevel: 9, brotliQuality: 11 }, outputs: files.map(file => ({ file, kind: 'js', ...sizeOf(file) })), chunks, modules, packages, entries, findings: [], budgets: [], diff: null, runtime: null }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { modules: { type: 'string', default: '20000' }, runs: { type: 'string', default: '3' } } })
  const moduleCount = Number(values.modules)
  const report = generateSplitReport(moduleCount)
  const baseline = generateSplitReport(moduleCount, 1, p => (p % 10 === 0 ? '1.9.0' : '2.0.0'))
  console.log(`generated: ${report.modules.length} modules, ${report.modules.reduce((sum, module) => sum + module.imports.length, 0)} edges, ${report.chunks.length} chunks (3 entries, ${report.chunks.length - 3} routes)`)
  for (let run = 1; run <= Number(values.runs); run++) {
    for (const target of ['vite', 'rollup', 'webpack'] as const) {
      const start = performance.now()
      const plan = planSplit(report, { target, baselines: [baseline], goals: { maxInitialRequests: 6 } })
      const durationMs = performance.now() - start
      console.log(`run ${run} ${target}: ${durationMs.toFixed(0)} ms, ${plan.groups.length} groups, ${plan.chunks.today} → ${plan.chunks.predicted} JS chunks`)
    }
  }
}

if (process.argv[1]?.endsWith('/bench/split.ts') || process.argv[1] === 'split.ts') await main()
