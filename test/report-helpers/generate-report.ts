/**
 * A synthetic but realistically shaped `Report` for scale tests: a few hundred npm packages (some
 * installed twice), app code in nested folders, one entry chunk, a vendor chunk, route chunks loaded
 * with import(), CSS, assets. Deterministic for a given seed; sizes add up like real reports do
 * (sum of modules + glue = file).
 */
import type { Chunk, ChunkModule, Entry, Module, Output, Package, Report, Sizes } from '@weighbridge/core'

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

const WORDS = ['core', 'utils', 'button', 'chart', 'data', 'table', 'grid', 'form', 'input', 'router', 'store', 'hooks', 'icons', 'date', 'format', 'parse', 'schema', 'client', 'server', 'cache', 'stream', 'color', 'layout', 'modal', 'menu', 'tooltip', 'theme', 'i18n', 'locale', 'auth', 'query', 'state', 'effect', 'graph', 'node', 'edge', 'path', 'math', 'vector', 'matrix']

export interface GenerateReportOptions {
  modules: number
  seed?: number
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

export function generateReport({ modules: moduleCount, seed = 1 }: GenerateReportOptions): Report {
  const random = createRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const logNormalBytes = (median: number): number => Math.max(20, Math.round(median * Math.exp((random() + random() + random() - 1.5) * 1.6)))

  const packageCount = Math.max(3, Math.round(moduleCount / 60))
  const packages: Package[] = []
  for (let index = 0; index < packageCount; index++) {
    const name = index % 7 === 0 ? `@${pick(WORDS)}/${pick(WORDS)}-${index}` : `${pick(WORDS)}-${pick(WORDS)}-${index}`
    const version = `${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`
    packages.push({ id: `node_modules/.pnpm/${name.replace('/', '+')}@${version}/node_modules/${name}`, name, version, sideEffects: random() < 0.5 ? false : null, hasEsmBuild: random() < 0.8 })
  }
  // A few packages installed twice, at another version.
  for (let index = 0; index < Math.max(1, Math.round(packageCount / 40)); index++) {
    const original = packages[index * 3]!
    const version = `0.${index + 1}.0`
    packages.push({ ...original, id: `node_modules/.pnpm/${original.name.replace('/', '+')}@${version}/node_modules/${original.name}`, version })
  }

  const appCount = Math.round(moduleCount * 0.15)
  const moduleIds: string[] = []
  const moduleOwner: (Package | null)[] = []
  for (let index = 0; index < moduleCount; index++) {
    if (index < appCount) {
      const depth = 1 + Math.floor(random() * 3)
      const folders = Array.from({ length: depth }, () => pick(WORDS))
      moduleIds.push(`src/${folders.join('/')}/${pick(WORDS)}-${index}.${random() < 0.6 ? 'tsx' : 'ts'}`)
      moduleOwner.push(null)
    }
    else {
      const pkg = packages[Math.floor(Math.pow(random(), 1.7) * packages.length)]!
      const depth = Math.floor(random() * 3)
      const folders = ['dist', ...Array.from({ length: depth }, () => pick(WORDS))]
      moduleIds.push(`${pkg.id}/${folders.join('/')}/${pick(WORDS)}-${index}.js`)
      moduleOwner.push(pkg)
    }
  }
  moduleIds[0] = 'src/main.tsx'
  moduleOwner[0] = null

  const routeCount = Math.max(2, Math.min(40, Math.round(moduleCount / 500)))
  const chunkOf: number[] = moduleIds.map((_, index) => {
    if (index === 0) return 0
    if (moduleOwner[index]) return random() < 0.55 ? 1 : 2 + Math.floor(random() * routeCount)
    return random() < 0.3 ? 0 : 2 + Math.floor(random() * routeCount)
  })
  const chunkFiles = ['dist/assets/index-a1b2c3.js', 'dist/assets/vendor-d4e5f6.js', ...Array.from({ length: routeCount }, (_, index) => `dist/assets/route-${index}-${(index * 7919).toString(36)}.js`)]

  const modules: Module[] = moduleIds.map((id, index) => {
    const exportsCount = Math.floor(random() * 6)
    return {
      id,
      package: moduleOwner[index]?.id ?? null,
      originalBytes: logNormalBytes(2500),
      format: moduleOwner[index] && random() < 0.2 ? 'cjs' : 'esm',
      exports: Array.from(new Set(Array.from({ length: exportsCount }, () => (random() < 0.3 ? 'default' : pick(WORDS))))).sort(compare),
      sideEffects: random() < 0.7 ? false : null,
      isEntry: index === 0,
      imports: [],
      importers: [],
      dynamicImporters: [],
    }
  })
  // Import edges: every module but the entry is imported by an earlier one (a tree plus cross edges).
  const edges = new Map<number, Map<number, 'static' | 'dynamic'>>()
  const addEdge = (from: number, to: number, kind: 'static' | 'dynamic'): void => {
    if (from === to) return
    let targets = edges.get(from)
    if (!targets) edges.set(from, targets = new Map())
    if (!targets.has(to)) targets.set(to, kind)
  }
  for (let index = 1; index < moduleCount; index++) {
    const from = Math.floor(random() * index)
    const isRouteRoot = chunkOf[index]! >= 2 && chunkOf[from] !== chunkOf[index] && random() < 0.1
    addEdge(from, index, isRouteRoot ? 'dynamic' : 'static')
    if (random() < 0.8) addEdge(Math.floor(random() * moduleCount), index, 'static')
  }
  for (const [from, targets] of edges) {
    const module = modules[from]!
    module.imports = [...targets].map(([to, kind]) => ({ id: moduleIds[to]!, kind })).sort((a, b) => compare(a.id, b.id) || compare(a.kind, b.kind))
    for (const [to, kind] of targets) (kind === 'dynamic' ? modules[to]!.dynamicImporters : modules[to]!.importers).push(moduleIds[from]!)
  }
  for (const module of modules) {
    module.importers = [...new Set(module.importers)].sort(compare)
    module.dynamicImporters = [...new Set(module.dynamicImporters)].sort(compare)
  }

  const sumSizes = (list: Sizes[]): Sizes => ({
    rawBytes: list.reduce((sum, sizes) => sum + sizes.rawBytes, 0),
    gzipBytes: list.reduce((sum, sizes) => sum + (sizes.gzipBytes ?? 0), 0),
    brotliBytes: list.reduce((sum, sizes) => sum + (sizes.brotliBytes ?? 0), 0),
  })
  const chunks: Chunk[] = chunkFiles.map((file, chunkIndex) => {
    const parts: ChunkModule[] = []
    moduleIds.forEach((id, index) => {
      if (chunkOf[index] !== chunkIndex) return
      const rawBytes = Math.round(modules[index]!.originalBytes! * (0.3 + random() * 0.4))
      const gzipBytes = Math.max(1, Math.round(rawBytes * (0.25 + random() * 0.15)))
      parts.push({
        id,
        rawBytes,
        gzipBytes,
        brotliBytes: Math.max(1, Math.round(gzipBytes * 0.87)),
        renderedBytes: Math.round(rawBytes * 1.8),
        renderedExports: random() < 0.7 ? [...(modules[index]!.exports ?? [])] : (modules[index]!.exports ?? []).slice(0, 1),
      })
    })
    parts.sort((a, b) => compare(a.id, b.id))
    return {
      file,
      kind: 'js',
      name: chunkIndex === 0 ? 'index' : chunkIndex === 1 ? 'vendor' : `route-${chunkIndex - 2}`,
      isEntry: chunkIndex === 0,
      isDynamicEntry: chunkIndex >= 2,
      entryModule: chunkIndex === 0 ? 'src/main.tsx' : null,
      imports: chunkIndex === 0 ? [chunkFiles[1]!] : chunkIndex >= 2 ? [chunkFiles[0]!, chunkFiles[1]!].sort(compare) : [],
      dynamicImports: chunkIndex === 0 ? chunkFiles.slice(2).sort(compare) : [],
      css: chunkIndex === 0 ? ['dist/assets/index-77aa.css'] : [],
      assets: [],
      modules: parts,
      glue: { rawBytes: 300 + Math.floor(random() * 2000), gzipBytes: 120 + Math.floor(random() * 600), brotliBytes: 100 + Math.floor(random() * 500) },
      attribution: 'sourcemap',
    }
  })
  const outputs: Output[] = chunks.map(chunk => ({ file: chunk.file, kind: 'js', ...sumSizes([...chunk.modules, chunk.glue]) }))
  outputs.push(
    { file: 'dist/assets/index-77aa.css', kind: 'css', rawBytes: 48_211, gzipBytes: 9_102, brotliBytes: 7_950 },
    { file: 'dist/assets/logo-99ff.svg', kind: 'image', rawBytes: 12_408, gzipBytes: 4_120, brotliBytes: 3_650 },
    { file: 'dist/index.html', kind: 'html', rawBytes: 1_204, gzipBytes: 540, brotliBytes: 430 },
  )
  outputs.sort((a, b) => compare(a.file, b.file))
  const outputByFile = new Map(outputs.map(output => [output.file, output]))
  const load = (files: string[]): Entry['initialLoad'] => ({ files: [...files].sort(compare), ...sumSizes(files.map(file => outputByFile.get(file)!)) })
  const initialFiles = ['dist/index.html', chunkFiles[0]!, chunkFiles[1]!, 'dist/assets/index-77aa.css']
  const lazyFiles = chunkFiles.slice(2)
  const entries: Entry[] = [
    { name: 'index', kind: 'chunk', file: chunkFiles[0]!, chunks: [chunkFiles[0]!], initialLoad: load(initialFiles.slice(1)), lazyLoad: load(lazyFiles) },
    { name: 'index.html', kind: 'html', file: 'dist/index.html', chunks: [chunkFiles[0]!], initialLoad: load(initialFiles), lazyLoad: load(lazyFiles) },
  ]
  return {
    schemaVersion: 1,
    generator: { name: 'weighbridge', version: '0.0.0-generated' },
    bundler: { name: 'vite', version: '8.3.8' },
    compression: { gzipLevel: 9, brotliQuality: 11 },
    outputs,
    chunks: chunks.sort((a, b) => compare(a.file, b.file)),
    modules: modules.sort((a, b) => compare(a.id, b.id)),
    packages: packages.sort((a, b) => compare(a.id, b.id)),
    entries,
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
}
