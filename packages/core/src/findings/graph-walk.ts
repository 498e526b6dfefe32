/**
 * Small walks over the report's module graph shared by the rules: static closures and the app's
 * own modules that pull a set of modules in. They run on the run's `ModuleGraphIndex` (integers,
 * typed arrays, one shared visit mark), so a walk costs O(modules + edges it touches).
 */
import path from 'node:path'
import type { FindingsContext } from './context'
import { DYNAMIC_EDGE, CSS_EDGE } from './graph-index'
import { compareStrings } from '../sort-report'

/**
 * Modules reachable from `startIds` over static and require edges; with `packageId`, the walk
 * stays inside that package (start modules outside it are skipped).
 */
export function collectStaticClosure(ctx: FindingsContext, startIds: Iterable<string>, packageId?: string): Set<string> {
  return new Set(collectStaticClosureIndexes(ctx, startIds, packageId).map(v => ctx.index.ids[v]!))
}

/** `collectStaticClosure` as module indexes, in visit order. */
export function collectStaticClosureIndexes(ctx: FindingsContext, startIds: Iterable<string>, packageId?: string): number[] {
  const { index } = ctx
  const packageIndex = packageId === undefined ? -1 : index.packageIndexOf.get(packageId) ?? -2
  const within = (v: number): boolean => packageIndex === -1 || index.packageOf[v] === packageIndex
  const mark = index.nextMark()
  const { marks, importOffsets, importTargets, importKinds } = index
  const stack: number[] = []
  const seen: number[] = []
  for (const id of startIds) {
    const v = index.indexOf.get(id)
    if (v === undefined || marks[v] === mark || !within(v)) continue
    marks[v] = mark
    stack.push(v)
    seen.push(v)
  }
  while (stack.length > 0) {
    const v = stack.pop()!
    for (let e = importOffsets[v]!; e < importOffsets[v + 1]!; e++) {
      const kind = importKinds[e]!
      if (kind === DYNAMIC_EDGE || kind === CSS_EDGE) continue
      const w = importTargets[e]!
      if (marks[w] === mark || !within(w)) continue
      marks[w] = mark
      stack.push(w)
      seen.push(w)
    }
  }
  return seen
}

export interface AppImportEdge {
  /** The app's own module that (directly or through packages) pulls the set in. */
  importer: string
  /** The module it imports on that path. */
  imported: string
  /** Whether the set is reached only through other packages from here (`imported` is not in the set). */
  indirect: boolean
}

const appEdgeCache = new WeakMap<FindingsContext, Map<string, AppImportEdge[]>>()

/**
 * The app modules whose imports lead into `moduleIds`: walk importers (static and dynamic) up from
 * the set, through package code, until the app's own code. Sorted by importer, then imported.
 * With `cacheKey` (e.g. `package:<id>`), the answer is computed once per run and shared: do not
 * change the returned array.
 */
export function findAppImportEdges(ctx: FindingsContext, moduleIds: Iterable<string>, cacheKey?: string): AppImportEdge[] {
  let cache = appEdgeCache.get(ctx)
  if (cacheKey !== undefined) {
    const cached = cache?.get(cacheKey)
    if (cached) return cached
  }
  const { index } = ctx
  const { marks, importerOffsets, importerSources, isApp, ids } = index
  const inSet = index.nextMark()
  const visited = index.nextMark()
  const stack: number[] = []
  for (const id of moduleIds) {
    const v = index.indexOf.get(id)
    if (v === undefined || marks[v] === inSet) continue
    marks[v] = inSet
    stack.push(v)
  }
  const edges = new Map<string, AppImportEdge>()
  while (stack.length > 0) {
    const v = stack.pop()!
    for (let e = importerOffsets[v]!; e < importerOffsets[v + 1]!; e++) {
      const importer = importerSources[e]!
      const mark = marks[importer]
      if (mark === inSet) continue
      if (isApp[importer] === 1) {
        const key = `${ids[importer]}\0${ids[v]}`
        if (!edges.has(key)) edges.set(key, { importer: ids[importer]!, imported: ids[v]!, indirect: marks[v] !== inSet })
        continue
      }
      if (mark === visited) continue
      marks[importer] = visited
      stack.push(importer)
    }
  }
  const result = [...edges.values()].sort((a, b) => compareStrings(a.importer, b.importer) || compareStrings(a.imported, b.imported))
  if (cacheKey !== undefined) {
    if (!cache) appEdgeCache.set(ctx, cache = new Map())
    cache.set(cacheKey, result)
  }
  return result
}

/** The modules of `packageId` that modules outside the package import directly. */
export function findPackageEntryModules(ctx: FindingsContext, packageId: string): string[] {
  const modules = ctx.modulesByPackage.get(packageId) ?? []
  return modules
    .filter(module => module.isEntry || [...module.importers, ...module.dynamicImporters].some(importer => ctx.moduleById.get(importer)?.package !== packageId))
    .map(module => module.id)
}

/** Finds the module a relative specifier in `fromId` points at (extension and `/index` optional). */
export function createRelativeResolver(ctx: FindingsContext): (fromId: string, specifier: string) => string | null {
  // Module ids by extension-less stem, built on the first specifier that is not a module id as written.
  let byStem: Map<string, string> | null = null
  return (fromId, specifier) => {
    if (!specifier.startsWith('.')) return null
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromId.replace(/\?.*$/, '')), specifier))
    if (ctx.moduleById.has(target)) return target
    if (byStem === null) {
      byStem = new Map()
      for (const id of ctx.moduleById.keys()) {
        const stem = id.replace(/\?.*$/, '').replace(/\.[cm]?[jt]sx?$/, '')
        if (!byStem.has(stem)) byStem.set(stem, id)
      }
    }
    const stem = target.replace(/\.[cm]?[jt]sx?$/, '')
    return byStem.get(stem) ?? byStem.get(`${stem}/index`) ?? null
  }
}
