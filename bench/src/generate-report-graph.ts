/**
 * A seeded generator of a large Weighbridge report shaped like a real app build (for the analyses
 * benchmark), and optionally its source tree on disk so that the rules read real importer files.
 *
 * Shape (defaults for 20,000 modules):
 * - ~17,000 package modules in 300 packages with a Zipf size distribution (the biggest ~2,700
 *   modules, the median ~25): an `index.js` barrel, internal trees with long chains, shared
 *   helpers imported from many places, a few back edges (cycles) and imports of other packages.
 *   Some packages are CommonJS (`require` edges), ten ship a second copy at another version
 *   (imported by other packages), `moment` carries 130 locale modules, `lodash` (CommonJS) and its
 *   ES twin `lodash-es` are there.
 * - ~3,000 app modules: two entries (`src/main.tsx`, `src/admin.tsx`), 40 routes (a few static, the
 *   rest `import()`), a feature tree under each route (depth ~10), 150 shared modules imported
 *   across routes, `.tsx` files with JSX (some with imports after the JSX), imports of packages by
 *   name, a namespace import of lodash-es read with computed keys.
 * - Chunks as a bundler makes them: each entry's static closure (modules in both go to a shared
 *   initial chunk), one lazy chunk per `import()` target with its static closure minus the initial
 *   modules, and a shared lazy chunk for modules in several lazy closures.
 */
import type { Chunk, ChunkModule, Entry, ImportKind, Module, Package, Report } from '@weighbridge/core'
import { SCHEMA_VERSION } from '@weighbridge/core'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { Random } from './random'
import { createRandom } from './random'


interface GenModule {
  module: Module
  /** Static / require edges and `import()` targets, as generated (before dedupe). */
  edges: { target: GenModule, kind: ImportKind }[]
  /** Bytes as they would ship (before compression). */
  rawBytes: number
  cjs: boolean
  /** App module written as .tsx with JSX. */
  jsx: boolean
  /** An app module that uses its first import at the top level (so it is not a lazy-load candidate). */
  topLevelUse: boolean
  /** An app module reading a namespace import with computed keys. */
  computedNamespace: boolean
}

interface GenPackage {
  pkg: Package
  modules: GenModule[]
  entry: GenModule
  cjs: boolean
}

function pad(i: number): string {
  return String(i).padStart(5, '0')
}

function createModule(id: string, pkg: GenPackage | null, random: Random, cjs: boolean): GenModule {
  const originalBytes = 300 + Math.floor(random.next() ** 2 * 12_000)
  return {
    module: { id, package: pkg?.pkg.id ?? null, originalBytes, format: cjs ? 'cjs' : 'esm', exports: cjs ? null : ['a', 'b', 'c'], sideEffects: null, isEntry: false, imports: [], importers: [], dynamicImporters: [] },
    edges: [],
    rawBytes: Math.round(originalBytes * 0.45),
    cjs,
    jsx: false,
    topLevelUse: false,
    computedNamespace: false,
  }
}

function link(from: GenModule, target: GenModule, kind: ImportKind): void {
  if (from === target) return
  from.edges.push({ target, kind })
}

/** A package: barrel + internal tree (long chains, shared helpers, a few cycles). */
function createPackage(name: string, version: string, size: number, random: Random, options: { cjs: boolean, hasEsmBuild: boolean, sideEffects: boolean | null, all: GenModule[] }): GenPackage {
  const pkg: Package = { id: `node_modules/.pnpm/${name}@${version}/node_modules/${name}`, name, version, sideEffects: options.sideEffects, hasEsmBuild: options.hasEsmBuild }
  const gen: GenPackage = { pkg, modules: [], entry: null as unknown as GenModule, cjs: options.cjs }
  const kind: ImportKind = options.cjs ? 'require' : 'static'
  for (let i = 0; i < size; i++) {
    const file = i === 0 ? 'index.js' : `lib/m${pad(options.all.length)}.js`
    const module = createModule(`${pkg.id}/${file}`, gen, random, options.cjs)
    gen.modules.push(module)
    options.all.push(module)
  }
  gen.entry = gen.modules[0]!
  const helpers = gen.modules.slice(1, Math.max(2, Math.ceil(size * 0.04)))
  for (let i = 1; i < size; i++) {
    const module = gen.modules[i]!
    // The parent: mostly a recent module (long chains), sometimes any earlier one (a wide tree).
    const parent = random.chance(0.6) ? gen.modules[Math.max(0, i - 1 - random.int(0, 6))]! : gen.modules[random.int(0, i - 1)]!
    link(parent, module, kind)
    // Public API: the barrel re-exports a share of the modules directly.
    if (i <= 40 || random.chance(0.08)) link(gen.entry, module, kind)
    // Shared helpers and siblings: most modules import a few other modules of their package.
    for (let h = random.int(0, 2); h > 0 && helpers.length > 0; h--) link(module, random.pick(helpers), kind)
    if (random.chance(0.5)) link(module, gen.modules[random.int(i, Math.min(size - 1, i + 30))]!, kind)
    if (random.chance(0.02)) link(module, gen.modules[random.int(1, i)]!, kind) // back edge: a cycle
  }
  return gen
}

export interface GeneratedGraph {
  report: Report
  /** Source text per module id (only with `withSources`). */
  sources: Map<string, string> | null
  /** Package name → package folder linked from the root's node_modules. */
  rootPackages: Map<string, string>
}

export function generateReportGraph(moduleCount: number, seed = 1, withSources = false): GeneratedGraph {
  const random = createRandom(seed)
  const all: GenModule[] = []
  const appCount = Math.round(moduleCount * 0.15)
  const packageModuleCount = moduleCount - appCount

  // Packages: special ones first, then Zipf-sized generic ones filling the rest.
  const packages: GenPackage[] = []
  const scale = packageModuleCount / 20_000
  const lodash = createPackage('lodash', '4.18.1', Math.max(20, Math.round(640 * scale)), random, { cjs: true, hasEsmBuild: false, sideEffects: null, all })
  const lodashEs = createPackage('lodash-es', '4.18.1', Math.max(20, Math.round(640 * scale)), random, { cjs: false, hasEsmBuild: true, sideEffects: false, all })
  const moment = createPackage('moment', '2.31.0', 1, random, { cjs: true, hasEsmBuild: false, sideEffects: null, all })
  for (let l = 0; l < 130; l++) {
    const locale = createModule(`${moment.pkg.id}/locale/l${pad(l)}.js`, moment, random, true)
    moment.modules.push(locale)
    all.push(locale)
    link(moment.entry, locale, 'require')
  }
  packages.push(lodash, lodashEs, moment)
  const genericCount = 300
  let remaining = packageModuleCount - all.length
  const weights = Array.from({ length: genericCount }, (_, k) => 1 / (k + 1))
  const weightSum = weights.reduce((sum, w) => sum + w, 0)
  const duplicates: GenPackage[] = []
  for (let k = 0; k < genericCount && remaining > 0; k++) {
    const size = k === genericCount - 1 ? remaining : Math.max(3, Math.min(remaining, Math.round((weights[k]! / weightSum) * (packageModuleCount - 800))))
    const cjs = k % 7 === 3
    const gen = createPackage(`pkg-${k}`, '2.0.0', size, random, { cjs, hasEsmBuild: cjs ? k % 2 === 1 : true, sideEffects: k % 3 === 0 ? false : null, all })
    packages.push(gen)
    remaining -= size
    // Ten mid-sized packages also ship an old copy, pulled in by another package.
    if (k >= 10 && k < 60 && k % 5 === 0 && remaining > size) {
      const old = createPackage(`pkg-${k}`, '1.4.0', size, random, { cjs, hasEsmBuild: !cjs, sideEffects: null, all })
      packages.push(old)
      duplicates.push(old)
      remaining -= size
    }
  }
  // Package → package imports (mostly towards smaller packages: a DAG with a few cycles).
  const generic = packages.slice(3)
  for (let p = 0; p < generic.length; p++) {
    const gen = generic[p]!
    if (duplicates.includes(gen)) continue
    const depCount = random.int(0, 3)
    for (let d = 0; d < depCount; d++) {
      const dep = generic[Math.min(generic.length - 1, p + 1 + random.int(0, 40))]!
      if (dep === gen || duplicates.includes(dep)) continue
      link(random.pick(gen.modules), dep.entry, gen.cjs ? 'require' : 'static')
    }
  }
  for (const old of duplicates) link(random.pick(generic.filter(gen => !duplicates.includes(gen) && gen.pkg.name !== old.pkg.name)).entry, old.entry, 'static')
  const directDeps = generic.filter(gen => !duplicates.includes(gen)).slice(0, 150)

  // App: entries, routes with feature trees, shared modules.
  const app: GenModule[] = []
  const appModule = (id: string, jsx: boolean): GenModule => {
    const module = createModule(id, null, random, false)
    module.jsx = jsx
    module.module.exports = ['run']
    app.push(module)
    all.push(module)
    return module
  }
  const main = appModule('src/main.tsx', true)
  const admin = appModule('src/admin.tsx', true)
  main.module.isEntry = true
  admin.module.isEntry = true
  const shared: GenModule[] = []
  for (let s = 0; s < 150; s++) shared.push(appModule(`src/shared/s${pad(s)}.ts`, false))
  for (const [s, module] of shared.entries()) {
    if (s > 0 && random.chance(0.5)) link(module, shared[random.int(0, s - 1)]!, 'static')
    if (random.chance(0.4)) link(module, random.pick(directDeps).entry, 'static')
  }
  const routeCount = 40
  const featureSize = Math.max(5, Math.floor((appCount - app.length - routeCount) / routeCount))
  const routes: GenModule[] = []
  for (let r = 0; r < routeCount; r++) {
    const route = appModule(`src/routes/r${pad(r)}.tsx`, true)
    routes.push(route)
    const tree: GenModule[] = [route]
    for (let f = 0; f < featureSize && app.length < appCount; f++) {
      const jsx = random.chance(0.4)
      const module = appModule(`src/features/r${pad(r)}/f${pad(app.length)}.${jsx ? 'tsx' : 'ts'}`, jsx)
      link(tree[Math.max(0, tree.length - 1 - random.int(0, 8))]!, module, 'static')
      if (random.chance(0.05)) link(module, tree[random.int(0, tree.length - 1)]!, 'static') // cycle
      for (let s = random.int(0, 2); s > 0; s--) link(module, random.pick(shared), 'static')
      for (let d = random.int(0, 1); d > 0; d--) link(module, random.pick(directDeps).entry, 'static')
      if (random.chance(0.03)) link(module, random.pick(tree), 'dynamic') // a lazy dialog
      module.topLevelUse = random.chance(0.3)
      tree.push(module)
    }
  }
  while (app.length < appCount) link(random.pick(shared), appModule(`src/shared/x${pad(app.length)}.ts`, false), 'static')
  // Entries: a few routes static (lazy-load candidates), the rest import(); lodash (CJS), moment, lodash-es.
  for (const [r, route] of routes.entries()) {
    if (r < 4) link(main, route, 'static')
    else if (r < 30) link(main, route, 'dynamic')
    if (r >= 30 && r < 32) link(admin, route, 'static')
    else if (r >= 25) link(admin, route, 'dynamic')
  }
  link(main, shared[0]!, 'static')
  link(admin, shared[0]!, 'static')
  link(shared[1]!, lodash.entry, 'static')
  link(routes[1]!, moment.entry, 'static')
  const computed = random.pick(routes.slice(0, 4))
  link(computed, lodashEs.entry, 'static')
  computed.computedNamespace = true
  for (const gen of lodash.modules.slice(1)) link(lodash.entry, gen, 'require')

  // Deduplicated, sorted edges and importer lists.
  for (const gen of all) {
    const seen = new Set<string>()
    for (const { target, kind } of gen.edges) {
      const key = `${target.module.id}\0${kind}`
      if (seen.has(key)) continue
      seen.add(key)
      gen.module.imports.push({ id: target.module.id, kind })
      if (kind === 'dynamic') target.module.dynamicImporters.push(gen.module.id)
      else target.module.importers.push(gen.module.id)
    }
  }
  const byId = (a: { id: string }, b: { id: string }): number => a.id < b.id ? -1 : a.id > b.id ? 1 : 0
  for (const gen of all) {
    gen.module.imports.sort((a, b) => byId(a, b) || (a.kind < b.kind ? -1 : 1))
    gen.module.importers = [...new Set(gen.module.importers)].sort()
    gen.module.dynamicImporters = [...new Set(gen.module.dynamicImporters)].sort()
  }

  const { chunks, entries } = createChunks([main, admin], all, random)
  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'weighbridge', version: 'bench' },
    bundler: { name: 'unknown', version: null },
    compression: { gzipLevel: 9, brotliQuality: 11 },
    outputs: chunks.map(chunk => ({ file: chunk.file, kind: 'js' as const, ...sumSizes(chunk.modules, chunk.glue) })).sort(byFile),
    chunks,
    modules: all.map(gen => gen.module).sort(byId),
    packages: packages.map(gen => gen.pkg).sort(byId),
    entries,
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
  const rootPackages = new Map(directDeps.concat(lodash, lodashEs, moment).map(gen => [gen.pkg.name, gen.pkg.id]))
  return { report, sources: withSources ? writeSources(all) : null, rootPackages }
}

function byFile(a: { file: string }, b: { file: string }): number {
  return a.file < b.file ? -1 : a.file > b.file ? 1 : 0
}

function sumSizes(parts: ChunkModule[], glue: { rawBytes: number, gzipBytes: number | null, brotliBytes: number | null }) {
  return {
    rawBytes: parts.reduce((s, m) => s + m.rawBytes, glue.rawBytes),
    gzipBytes: parts.reduce((s, m) => s + (m.gzipBytes ?? 0), glue.gzipBytes ?? 0),
    brotliBytes: parts.reduce((s, m) => s + (m.brotliBytes ?? 0), glue.brotliBytes ?? 0),
  }
}

function staticClosure(start: GenModule[], stop?: Set<GenModule>): Set<GenModule> {
  const seen = new Set<GenModule>()
  const stack = [...start]
  while (stack.length > 0) {
    const gen = stack.pop()!
    if (seen.has(gen) || stop?.has(gen)) continue
    seen.add(gen)
    for (const { target, kind } of gen.edges) if (kind !== 'dynamic') stack.push(target)
  }
  return seen
}

/** Chunks the way a bundler splits: initial closures per entry (shared part apart), one chunk per `import()` target, a shared lazy chunk. */
function createChunks(entryModules: GenModule[], all: GenModule[], random: Random): { chunks: Chunk[], entries: Entry[] } {
  const names = ['index', 'admin']
  const initial = entryModules.map(entry => staticClosure([entry]))
  const initialAll = new Set(initial.flatMap(set => [...set]))
  const chunkOf = new Map<GenModule, string>()
  for (const gen of initialAll) {
    const inAll = initial.filter(set => set.has(gen)).length
    chunkOf.set(gen, inAll > 1 ? 'dist/assets/shared.js' : `dist/assets/${names[initial.findIndex(set => set.has(gen))]}.js`)
  }
  const dynamicTargets = [...new Set(all.flatMap(gen => gen.edges.filter(edge => edge.kind === 'dynamic').map(edge => edge.target)))].filter(gen => !initialAll.has(gen))
  const lazyClosures = new Map(dynamicTargets.map(target => [target, staticClosure([target], initialAll)]))
  const lazyCount = new Map<GenModule, number>()
  for (const closure of lazyClosures.values()) for (const gen of closure) lazyCount.set(gen, (lazyCount.get(gen) ?? 0) + 1)
  const fileOfTarget = new Map(dynamicTargets.map((target, k) => [target, `dist/assets/lazy-${pad(k)}.js`]))
  for (const [target, closure] of lazyClosures) {
    for (const gen of closure) if (!chunkOf.has(gen)) chunkOf.set(gen, lazyCount.get(gen)! > 1 ? 'dist/assets/lazy-shared.js' : fileOfTarget.get(target)!)
  }
  const parts = new Map<string, ChunkModule[]>()
  for (const [gen, file] of chunkOf) {
    const raw = gen.rawBytes
    const renderedExports = gen.cjs ? null : gen.module.package === null ? ['run'] : random.chance(0.1) ? [] : ['a']
    const list = parts.get(file) ?? parts.set(file, []).get(file)!
    list.push({ id: gen.module.id, rawBytes: raw, gzipBytes: Math.round(raw * 0.31), brotliBytes: Math.round(raw * 0.27), renderedBytes: gen.module.originalBytes, renderedExports })
  }
  const glue = { rawBytes: 120, gzipBytes: 90, brotliBytes: 80 }
  const chunks: Chunk[] = [...parts].map(([file, modules]) => {
    const target = dynamicTargets.find(gen => fileOfTarget.get(gen) === file)
    const entryIndex = names.findIndex(name => file === `dist/assets/${name}.js`)
    const modulesHere = new Set(modules.map(part => part.id))
    const dynamicImports = [...new Set(all.filter(gen => modulesHere.has(gen.module.id)).flatMap(gen => gen.edges.filter(edge => edge.kind === 'dynamic').map(edge => chunkOf.get(edge.target))).filter((f): f is string => !!f && f !== file))].sort()
    return {
      file,
      kind: 'js' as const,
      name: path.posix.basename(file, '.js'),
      isEntry: entryIndex !== -1,
      isDynamicEntry: target !== undefined,
      entryModule: entryIndex !== -1 ? entryModules[entryIndex]!.module.id : target?.module.id ?? null,
      imports: entryIndex !== -1 && parts.has('dist/assets/shared.js') ? ['dist/assets/shared.js'] : target && parts.has('dist/assets/lazy-shared.js') ? ['dist/assets/lazy-shared.js'] : [],
      dynamicImports,
      css: [],
      assets: [],
      modules: modules.sort((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
      glue,
      attribution: 'exact' as const,
    }
  }).sort(byFile)
  const sizesOf = (files: string[]) => {
    const selected = chunks.filter(chunk => files.includes(chunk.file))
    return sumSizes(selected.flatMap(chunk => chunk.modules), { rawBytes: glue.rawBytes * selected.length, gzipBytes: glue.gzipBytes * selected.length, brotliBytes: glue.brotliBytes * selected.length })
  }
  const lazyFiles = chunks.filter(chunk => !chunk.isEntry && chunk.file !== 'dist/assets/shared.js').map(chunk => chunk.file)
  const entries: Entry[] = names.map((name) => {
    const file = `dist/assets/${name}.js`
    const initialFiles = [file, ...(parts.has('dist/assets/shared.js') ? ['dist/assets/shared.js'] : [])].sort()
    return { name, kind: 'chunk' as const, file, chunks: [file], initialLoad: { ...sizesOf(initialFiles), files: initialFiles }, lazyLoad: { ...sizesOf(lazyFiles), files: lazyFiles } }
  })
  return { chunks, entries }
}

/** Source text for every module: imports as the edges say, uses inside functions (or at the top level), JSX in .tsx files. */
function writeSources(all: GenModule[]): Map<string, string> {
  const sources = new Map<string, string>()
  const packageSpecifier = (from: GenModule, target: GenModule): string => {
    const pkg = target.module.package!
    const name = pkg.slice(pkg.lastIndexOf('node_modules/') + 'node_modules/'.length)
    if (from.module.package === pkg) return `./${path.posix.relative(path.posix.dirname(from.module.id), target.module.id)}`.replace(/^\.\/\.\.\//, '../')
    return target.module.id.endsWith('/index.js') ? name : `${name}/${target.module.id.slice(pkg.length + 1)}`
  }
  const specifierOf = (from: GenModule, target: GenModule): string => {
    if (target.module.package !== null) return packageSpecifier(from, target)
    const relative = path.posix.relative(path.posix.dirname(from.module.id), target.module.id.replace(/\.tsx?$/, ''))
    return relative.startsWith('.') ? relative : `./${relative}`
  }
  for (const gen of all) {
    const { module } = gen
    const lines: string[] = []
    const calls: string[] = []
    const lazy: string[] = []
    if (gen.cjs) {
      for (const [e, edge] of gen.edges.entries()) lines.push(`const d${e} = require('${specifierOf(gen, edge.target)}')`)
      lines.push(`module.exports = { a: function () { return [${gen.edges.map((_, e) => `d${e}`).join(', ')}] }, b: 2, c: 3 }`)
      sources.set(module.id, `${lines.join('\n')}\n`)
      continue
    }
    const afterJsx: string[] = []
    for (const [e, edge] of gen.edges.entries()) {
      const specifier = specifierOf(gen, edge.target)
      if (edge.kind === 'dynamic') {
        lazy.push(`  const lazy${e} = await import('${specifier}')`)
        continue
      }
      const isBarrel = module.id.endsWith('/index.js') && module.package !== null
      let statement: string
      if (isBarrel) statement = edge.target.module.package === module.package ? `export * from '${specifier}'` : `export { a as a${e} } from '${specifier}'`
      else if (gen.computedNamespace && edge.target.module.package !== null) {
        statement = `import * as ns${e} from '${specifier}'`
        calls.push(`ns${e}[name]()`)
      }
      else {
        const imported = edge.target.module.package === null ? 'run' : edge.target.cjs ? 'default' : 'a'
        statement = imported === 'default' ? `import d${e} from '${specifier}'` : `import { ${imported} as d${e} } from '${specifier}'`
        calls.push(imported === 'default' ? `d${e}.a()` : `d${e}()`)
      }
      // Some .tsx files import after their JSX (legal: imports are hoisted).
      if (gen.jsx && e % 4 === 3) afterJsx.push(statement)
      else lines.push(statement)
    }
    if (gen.topLevelUse && calls.length > 0) lines.push(`${calls[0]}`)
    if (gen.jsx) {
      lines.push(`export const View = (props: { title: string }) => (\n  <section className="card">\n    <h2>{props.title}</h2>\n    <p>Don't / won't: {"x"} {\`${module.id}\`}</p>\n  </section>\n)`)
      lines.push(...afterJsx)
    }
    lines.push(`export ${lazy.length > 0 ? 'async ' : ''}function ${module.package === null ? 'run' : 'a'}(name${module.id.endsWith('.js') ? '' : ': string'}) {\n  ${calls.join('\n  ')}\n${lazy.join('\n')}\n  return name\n}`)
    if (module.package !== null) lines.push('export const b = 2\nexport const c = 3')
    sources.set(module.id, `${lines.join('\n')}\n`)
  }
  return sources
}

/**
 * Writes the generated sources under `root` (module ids are relative to it) with `node_modules/<name>`
 * links for the app's direct dependencies; kept while the generated content is the same.
 */
export function writeSourceTree(root: string, graph: GeneratedGraph): void {
  const hash = createHash('sha1')
  for (const [id, text] of graph.sources ?? []) hash.update(`${id}\0${text}\0`)
  for (const [name, folder] of graph.rootPackages) hash.update(`${name}\0${folder}\0`)
  const marker = path.join(root, `.generated-${hash.digest('hex').slice(0, 12)}`)
  if (existsSync(marker)) return
  rmSync(root, { recursive: true, force: true })
  const dirs = new Set<string>()
  for (const [id, text] of graph.sources ?? []) {
    const file = path.join(root, id)
    const dir = path.dirname(file)
    if (!dirs.has(dir)) {
      mkdirSync(dir, { recursive: true })
      dirs.add(dir)
    }
    writeFileSync(file, text)
  }
  for (const pkg of graph.report.packages) {
    mkdirSync(path.join(root, pkg.id), { recursive: true })
    writeFileSync(path.join(root, pkg.id, 'package.json'), JSON.stringify({ name: pkg.name, version: pkg.version }))
  }
  for (const [name, folder] of graph.rootPackages) symlinkSync(path.join(root, folder), path.join(root, 'node_modules', name))
  writeFileSync(marker, '')
}
