/**
 * A synthetic `Report` shaped like a real Vite 8 build of a large app (modelled on the report of the
 * generated 20,000-module app in bench/report-vs-peers.ts: 3,882 chunks, 563 lazy routes):
 * - one entry chunk with the app shell, lazy routes (`page-<hash>.js`, dynamic entries, some nested:
 *   a route imports further routes with import()), each with its own modules and CSS chunk;
 * - every module shared by several routes in a small chunk of its own (as Rollup splits them),
 *   npm modules in small chunks per package, so there are thousands of hashed chunk files;
 * - long pnpm paths (`node_modules/.pnpm/@scope+name@1.2.3_react@18.3.1/node_modules/@scope/name/…`),
 *   a few packages installed twice;
 * - CSS modules present in their route's JS chunk (an empty stub) and in its CSS chunk;
 * - entries from the chunk graph: the initial load, and a lazy load listing thousands of files.
 * Deterministic for a given seed; sizes add up like real reports do (sum of modules + glue = file,
 * a load = the sum of its files).
 */
import type { Chunk, ChunkModule, Entry, ImportKind, Module, Output, Package, Report, Sizes } from '@weighbridge/core'
import { compareStrings, sortReport } from '@weighbridge/core'

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
const ADJECTIVES = ['daily', 'detailed', 'archived', 'local', 'shared', 'draft', 'recent', 'primary', 'global', 'pending', 'compact', 'active', 'custom', 'weekly']
const VERBS = ['render', 'format', 'collect', 'validate', 'resolve', 'merge', 'describe', 'filter', 'create', 'use']
const ROUTE_PARTS = ['widgets', 'panels', 'parts', 'model', 'hooks']
const HASH_CHARS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_'

export interface GenerateReportOptions {
  modules: number
  seed?: number
}

type Role = 'main' | 'route' | 'private' | 'shared' | 'npm' | 'css'

interface Draft {
  id: string
  role: Role
  route: number
  pkg: Package | null
  exports: string[] | null
  edges: Map<number, ImportKind>
}

function capitalize(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1)
}

export function generateReport({ modules: moduleCount, seed = 1 }: GenerateReportOptions): Report {
  const random = createRandom(seed)
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!
  const between = (low: number, high: number): number => low + Math.floor(random() * (high - low + 1))
  const logNormalBytes = (median: number): number => Math.max(20, Math.round(median * Math.exp((random() + random() + random() - 1.5) * 1.6)))
  const hash = (): string => Array.from({ length: 8 }, () => pick([...HASH_CHARS])).join('')

  // Packages: pnpm folders, some with peer suffixes, a few installed twice at another version.
  const packageCount = Math.max(3, Math.round(moduleCount / 130))
  const packages: Package[] = []
  const packageFolder = (name: string, version: string): string => {
    const peers = random() < 0.3 ? `_react@18.3.1${random() < 0.5 ? '_react-dom@18.3.1' : ''}` : ''
    return `node_modules/.pnpm/${name.replace('/', '+')}@${version}${peers}/node_modules/${name}`
  }
  for (let index = 0; index < packageCount; index++) {
    const name = index % 5 === 0 ? `@${pick(WORDS)}/${pick(WORDS)}-${index}` : `${pick(WORDS)}-${pick(WORDS)}-${index}`
    const version = `${1 + Math.floor(random() * 9)}.${Math.floor(random() * 20)}.${Math.floor(random() * 10)}`
    packages.push({ id: packageFolder(name, version), name, version, sideEffects: random() < 0.5 ? false : null, hasEsmBuild: random() < 0.8 })
  }
  for (let index = 0; index < Math.max(1, Math.round(packageCount / 40)); index++) {
    const original = packages[index * 3]!
    const version = `0.${index + 1}.0`
    packages.push({ ...original, id: packageFolder(original.name, version), version })
  }

  // Modules by role: the shell, route roots, route-private modules, shared modules, npm, CSS.
  const routeCount = Math.max(2, Math.round(moduleCount / 36))
  const routeNames = Array.from({ length: routeCount }, (_, route) => `${pick(WORDS)}-${route}`)
  const npmCount = Math.round(moduleCount * 0.2)
  const cssCount = Math.round(moduleCount * 0.05)
  const sharedCount = Math.round((moduleCount - npmCount - cssCount - routeCount - 1) * 0.3)
  const privateCount = moduleCount - 1 - routeCount - sharedCount - npmCount - cssCount
  const drafts: Draft[] = []
  const appExports = (id: number): string[] => {
    const base = `${pick(VERBS)}${capitalize(pick(ADJECTIVES))}${capitalize(pick(WORDS))}${id}`
    const names = [base]
    if (random() < 0.6) names.push(`${base}Meta`)
    for (let extra = between(0, 2); extra > 0; extra--) names.push(`${pick(VERBS)}${capitalize(pick(WORDS))}${id}${extra}`)
    if (random() < 0.15) names.push('default')
    return names.sort(compareStrings)
  }
  const add = (role: Role, id: string, route: number, pkg: Package | null, exports: string[] | null): void => {
    drafts.push({ id, role, route, pkg, exports, edges: new Map() })
  }
  add('main', 'src/main.tsx', -1, null, [])
  for (let route = 0; route < routeCount; route++) add('route', `src/routes/${routeNames[route]}/page.tsx`, route, null, ['default'])
  // Routes differ in size (a few large pages, many small ones).
  const routeOf = (): number => Math.floor(Math.pow(random(), 1.5) * routeCount)
  for (let index = 0; index < privateCount; index++) {
    const route = routeOf()
    const id = drafts.length
    add('private', `src/routes/${routeNames[route]}/${pick(ROUTE_PARTS)}/${pick(ADJECTIVES)}-${pick(WORDS)}-${id}.${random() < 0.6 ? 'tsx' : 'ts'}`, route, null, appExports(id))
  }
  for (let index = 0; index < sharedCount; index++) {
    const id = drafts.length
    const folder = random() < 0.5 ? `src/components/${pick(WORDS)}` : `src/shared/${pick(WORDS)}`
    add('shared', `${folder}/${pick(ADJECTIVES)}-${pick(WORDS)}-${id}.${folder.startsWith('src/components') ? 'tsx' : 'ts'}`, -1, null, appExports(id))
  }
  // Each package's index.js re-exports much of it (a barrel: tens to hundreds of exports).
  const barrels = new Set<string>()
  for (let index = 0; index < npmCount; index++) {
    const pkg = packages[Math.floor(Math.pow(random(), 1.7) * packages.length)]!
    if (!barrels.has(pkg.id)) {
      barrels.add(pkg.id)
      const names = new Set(Array.from({ length: between(10, 300) }, (_, position) => `${pick(VERBS)}${capitalize(pick(WORDS))}${position}`))
      add('npm', `${pkg.id}/dist/index.js`, -1, pkg, [...names, 'default'].sort(compareStrings))
      continue
    }
    const folders = [pick(['dist', 'es', 'esm', 'lib']), ...Array.from({ length: Math.floor(random() * 3) }, () => pick(WORDS))]
    const name = `${random() < 0.3 ? '_' : ''}${pick(WORDS)}${capitalize(pick(WORDS))}-${drafts.length}`
    add('npm', `${pkg.id}/${folders.join('/')}/${name}.js`, -1, pkg, random() < 0.5 ? ['default'] : [name.replace(/[-_]/g, ''), `${pick(WORDS)}${drafts.length}`].sort(compareStrings))
  }
  const styledRoutes = Array.from({ length: routeCount }, (_, route) => route).filter(() => random() < 0.5)
  for (let index = 0; index < cssCount; index++) {
    const route = styledRoutes.length > 0 ? pick(styledRoutes) : 0
    add('css', `src/routes/${routeNames[route]}/${pick(ROUTE_PARTS)}/${pick(ADJECTIVES)}-${pick(WORDS)}-${drafts.length}.css`, route, null, [])
  }
  const byRole = (role: Role): number[] => drafts.flatMap((draft, index) => (draft.role === role ? [index] : []))
  const routeRoots = byRole('route')
  const privates = byRole('private')
  const shared = byRole('shared')
  const npm = byRole('npm')
  const css = byRole('css')

  // Import edges: shell → a few shared modules and the top-level routes (import()); a route → its
  // own modules, its CSS, shared and npm modules, maybe deeper routes (import()).
  const addEdge = (from: number, to: number, kind: ImportKind): void => {
    if (from !== to && !drafts[from]!.edges.has(to)) drafts[from]!.edges.set(to, kind)
  }
  const shellShared = shared.slice(0, Math.min(12, shared.length))
  for (const target of shellShared) addEdge(0, target, 'static')
  for (let route = 0; route < routeCount; route++) {
    // A third of the routes load from the shell; the others from an earlier route.
    const parent = route < Math.max(1, Math.round(routeCount / 3)) ? 0 : routeRoots[between(0, route - 1)]!
    addEdge(parent, routeRoots[route]!, 'dynamic')
  }
  const privatesOfRoute = new Map<number, number[]>()
  for (const index of privates) {
    const list = privatesOfRoute.get(drafts[index]!.route) ?? []
    list.push(index)
    privatesOfRoute.set(drafts[index]!.route, list)
  }
  for (const index of css) {
    const owners = privatesOfRoute.get(drafts[index]!.route)
    addEdge(owners ? pick(owners) : routeRoots[drafts[index]!.route]!, index, 'css')
  }
  for (let route = 0; route < routeCount; route++) {
    const root = routeRoots[route]!
    for (const index of privatesOfRoute.get(route) ?? []) addEdge(root, index, 'static')
    for (let count = between(2, 8); count > 0 && shared.length > 0; count--) addEdge(root, pick(shared), 'static')
  }
  for (const index of privates) {
    for (let count = between(1, 4); count > 0 && shared.length > 0; count--) addEdge(index, pick(shared), 'static')
    for (let count = between(0, 2); count > 0 && npm.length > 0; count--) addEdge(index, pick(npm), 'static')
    const siblings = privatesOfRoute.get(drafts[index]!.route)!
    if (random() < 0.3) addEdge(index, pick(siblings), 'static')
  }
  shared.forEach((index, position) => {
    for (let count = between(0, 3); count > 0 && position > 0; count--) addEdge(index, shared[between(0, position - 1)]!, 'static')
    for (let count = between(0, 2); count > 0 && npm.length > 0; count--) addEdge(index, pick(npm), 'static')
  })
  const npmByPackage = new Map<string, number[]>()
  for (const index of npm) {
    const list = npmByPackage.get(drafts[index]!.pkg!.id) ?? []
    list.push(index)
    npmByPackage.set(drafts[index]!.pkg!.id, list)
  }
  for (const list of npmByPackage.values()) {
    list.forEach((index, position) => {
      for (let count = between(0, 3); count > 0 && position > 0; count--) addEdge(index, list[between(0, position - 1)]!, 'static')
    })
  }

  // Chunks: the shell, one per route (+ its CSS), small chunks for shared and npm modules.
  interface ChunkDraft { file: string, name: string, kind: 'js' | 'css', members: number[], route: number }
  const chunkDrafts: ChunkDraft[] = []
  const jsChunkOf = new Map<number, number>()
  const newChunk = (name: string, kind: 'js' | 'css', members: number[], route = -1): number => {
    chunkDrafts.push({ file: `dist/assets/${name}-${hash()}.${kind}`, name, kind, members, route })
    return chunkDrafts.length - 1
  }
  const place = (chunk: number, members: number[]): void => {
    for (const member of members) jsChunkOf.set(member, chunk)
  }
  place(newChunk('index', 'js', [0, ...shellShared]), [0, ...shellShared])
  const cssChunkOfRoute = new Map<number, number>()
  for (let route = 0; route < routeCount; route++) {
    const routeCss = css.filter(index => drafts[index]!.route === route)
    const members = [routeRoots[route]!, ...(privatesOfRoute.get(route) ?? []), ...routeCss]
    place(newChunk('page', 'js', members, route), members)
    if (routeCss.length > 0) cssChunkOfRoute.set(route, newChunk('page', 'css', routeCss, route))
  }
  for (let position = shellShared.length; position < shared.length;) {
    const members = shared.slice(position, position + (random() < 0.6 ? 1 : 2))
    const first = drafts[members[0]!]!.id
    place(newChunk(first.slice(first.lastIndexOf('/') + 1).replace(/\.[^.]+$/, ''), 'js', members), members)
    position += members.length
  }
  for (const list of npmByPackage.values()) {
    for (let position = 0; position < list.length;) {
      const members = list.slice(position, position + between(1, 6))
      const first = drafts[members[0]!]!.id
      place(newChunk(first.slice(first.lastIndexOf('/') + 1).replace(/\.[^.]+$/, ''), 'js', members), members)
      position += members.length
    }
  }

  const modules: Module[] = drafts.map((draft, index) => {
    const isCss = draft.role === 'css'
    return {
      id: draft.id,
      package: draft.pkg?.id ?? null,
      originalBytes: logNormalBytes(isCss ? 600 : draft.role === 'npm' ? 1800 : 2300),
      format: isCss ? null : draft.role === 'npm' && random() < 0.15 ? 'cjs' : 'esm',
      exports: draft.exports,
      sideEffects: isCss ? true : draft.role === 'npm' && draft.pkg!.sideEffects === false ? false : null,
      isEntry: index === 0,
      imports: [...draft.edges].map(([to, kind]) => ({ id: drafts[to]!.id, kind })),
      importers: [],
      dynamicImporters: [],
    }
  })
  drafts.forEach((draft) => {
    for (const [to, kind] of draft.edges) (kind === 'dynamic' ? modules[to]!.dynamicImporters : modules[to]!.importers).push(draft.id)
  })

  const sumSizes = (list: Sizes[]): Sizes => ({
    rawBytes: list.reduce((sum, sizes) => sum + sizes.rawBytes, 0),
    gzipBytes: list.reduce((sum, sizes) => sum + (sizes.gzipBytes ?? 0), 0),
    brotliBytes: list.reduce((sum, sizes) => sum + (sizes.brotliBytes ?? 0), 0),
  })
  const chunks: Chunk[] = chunkDrafts.map((draft, chunkIndex) => {
    const parts: ChunkModule[] = draft.members.map((member) => {
      const module = modules[member]!
      // A CSS module's stub in its JS chunk is empty; its code is in the CSS chunk.
      if (drafts[member]!.role === 'css' && draft.kind === 'js') return { id: module.id, rawBytes: 0, gzipBytes: 0, brotliBytes: 0, renderedBytes: 0, renderedExports: [] }
      const rawBytes = Math.round(module.originalBytes! * (0.3 + random() * 0.4))
      const gzipBytes = Math.max(1, Math.round(rawBytes * (0.25 + random() * 0.15)))
      const brotliBytes = Math.max(1, Math.round(gzipBytes * (0.8 + random() * 0.12)))
      if (draft.kind === 'css') return { id: module.id, rawBytes, gzipBytes, brotliBytes, renderedBytes: null, renderedExports: null }
      const declared = module.exports ?? []
      return {
        id: module.id,
        rawBytes,
        gzipBytes,
        brotliBytes,
        renderedBytes: Math.round(rawBytes * (1.8 + random())),
        renderedExports: random() < 0.3 ? [...declared] : declared.filter((_, position) => position === 0 || random() < 0.3),
      }
    })
    const imports = new Set<string>()
    const dynamicImports = new Set<string>()
    const cssFiles = new Set<string>()
    for (const member of draft.kind === 'js' ? draft.members : []) {
      for (const [to, kind] of drafts[member]!.edges) {
        const target = jsChunkOf.get(to)!
        if (kind === 'css') {
          const cssChunk = cssChunkOfRoute.get(drafts[to]!.route)
          if (cssChunk !== undefined) cssFiles.add(chunkDrafts[cssChunk]!.file)
        }
        else if (target !== chunkIndex) {
          (kind === 'dynamic' ? dynamicImports : imports).add(chunkDrafts[target]!.file)
        }
      }
    }
    const isRoute = draft.kind === 'js' && draft.route >= 0
    return {
      file: draft.file,
      kind: draft.kind,
      name: draft.name,
      isEntry: chunkIndex === 0,
      isDynamicEntry: isRoute,
      entryModule: chunkIndex === 0 ? 'src/main.tsx' : isRoute ? modules[routeRoots[draft.route]!]!.id : null,
      imports: [...imports],
      dynamicImports: [...dynamicImports],
      css: [...cssFiles],
      assets: chunkIndex === 0 ? ['dist/assets/logo-Cx81fQ2a.svg'] : [],
      modules: parts,
      glue: draft.kind === 'css'
        ? { rawBytes: between(0, 4), gzipBytes: between(15, 25), brotliBytes: between(10, 20) }
        : { rawBytes: 60 + between(0, 400), gzipBytes: 60 + between(0, 120), brotliBytes: 50 + between(0, 100) },
      attribution: draft.kind === 'css' ? 'estimated' : 'sourcemap',
    }
  })
  const outputs: Output[] = chunks.map(chunk => ({ file: chunk.file, kind: chunk.kind, ...sumSizes([...chunk.modules, chunk.glue]) }))
  outputs.push(
    { file: 'dist/assets/logo-Cx81fQ2a.svg', kind: 'image', rawBytes: 12_408, gzipBytes: 4_120, brotliBytes: 3_650 },
    { file: 'dist/index.html', kind: 'html', rawBytes: 352, gzipBytes: 239, brotliBytes: 148 },
  )

  // Loads as core's compute-loads finds them: the static closure of the entry chunk with its CSS;
  // lazy = what import() reaches from there, minus the initial load.
  const chunkByFile = new Map(chunks.map(chunk => [chunk.file, chunk]))
  const outputByFile = new Map(outputs.map(output => [output.file, output]))
  const withCss = (files: Set<string>): Set<string> => {
    for (const file of [...files]) for (const cssFile of chunkByFile.get(file)?.css ?? []) files.add(cssFile)
    return files
  }
  const initialChunks = new Set<string>()
  const pending = [chunks[0]!.file]
  while (pending.length > 0) {
    const file = pending.pop()!
    if (initialChunks.has(file)) continue
    initialChunks.add(file)
    pending.push(...chunkByFile.get(file)!.imports)
  }
  const lazyChunks = new Set<string>()
  pending.push(...[...initialChunks].flatMap(file => chunkByFile.get(file)!.dynamicImports))
  while (pending.length > 0) {
    const file = pending.pop()!
    if (lazyChunks.has(file) || initialChunks.has(file)) continue
    lazyChunks.add(file)
    pending.push(...chunkByFile.get(file)!.imports, ...chunkByFile.get(file)!.dynamicImports)
  }
  const load = (files: Set<string>): Entry['initialLoad'] => {
    const sorted = [...files].sort(compareStrings)
    return { files: sorted, ...sumSizes(sorted.map(file => outputByFile.get(file)!)) }
  }
  const initialFiles = withCss(new Set(initialChunks))
  const lazyFiles = withCss(new Set(lazyChunks))
  for (const file of initialFiles) lazyFiles.delete(file)
  const entries: Entry[] = [
    { name: 'index', kind: 'chunk', file: chunks[0]!.file, chunks: [chunks[0]!.file], initialLoad: load(initialFiles), lazyLoad: load(lazyFiles) },
    { name: 'index.html', kind: 'html', file: 'dist/index.html', chunks: [chunks[0]!.file], initialLoad: load(new Set([...initialFiles, 'dist/index.html'])), lazyLoad: load(lazyFiles) },
  ]
  return sortReport({
    schemaVersion: 1,
    generator: { name: 'weighbridge', version: '0.0.0-generated' },
    bundler: { name: 'vite', version: '8.3.8' },
    compression: { gzipLevel: 9, brotliQuality: 11 },
    outputs,
    chunks,
    modules,
    packages,
    entries,
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  })
}
