/**
 * Small walks over the report's module graph shared by the rules: static closures and the app's
 * own modules that pull a set of modules in.
 */
import path from 'node:path'
import type { ImportKind } from '../model'
import type { FindingsContext } from './context'
import { compareStrings } from '../sort-report'

const loadingKinds = new Set<ImportKind>(['static', 'require'])

/** Modules reachable from `startIds` over static and require edges, staying where `within(id)` holds. */
export function collectStaticClosure(ctx: FindingsContext, startIds: Iterable<string>, within: (id: string) => boolean = () => true): Set<string> {
  const seen = new Set<string>()
  const stack: string[] = []
  for (const id of startIds) {
    if (!seen.has(id) && within(id)) {
      seen.add(id)
      stack.push(id)
    }
  }
  while (stack.length > 0) {
    const module = ctx.moduleById.get(stack.pop()!)
    if (!module) continue
    for (const edge of module.imports) {
      if (!loadingKinds.has(edge.kind) || seen.has(edge.id) || !within(edge.id)) continue
      seen.add(edge.id)
      stack.push(edge.id)
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

/**
 * The app modules whose imports lead into `moduleIds`: walk importers (static and dynamic) up from
 * the set, through package code, until the app's own code. Sorted by importer, then imported.
 */
export function findAppImportEdges(ctx: FindingsContext, moduleIds: Set<string>): AppImportEdge[] {
  const edges = new Map<string, AppImportEdge>()
  const visited = new Set<string>(moduleIds)
  const stack = [...moduleIds]
  const visit = (id: string, importer: string): void => {
    if (moduleIds.has(importer)) return
    if (ctx.isAppModule(importer)) {
      const key = `${importer}\0${id}`
      if (!edges.has(key)) edges.set(key, { importer, imported: id, indirect: !moduleIds.has(id) })
      return
    }
    if (visited.has(importer)) return
    visited.add(importer)
    stack.push(importer)
  }
  while (stack.length > 0) {
    const id = stack.pop()!
    const module = ctx.moduleById.get(id)
    if (!module) continue
    for (const importer of module.importers) visit(id, importer)
    for (const importer of module.dynamicImporters) visit(id, importer)
  }
  return [...edges.values()].sort((a, b) => compareStrings(a.importer, b.importer) || compareStrings(a.imported, b.imported))
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
  const byStem = new Map<string, string>()
  for (const id of ctx.moduleById.keys()) {
    const stem = id.replace(/\?.*$/, '').replace(/\.[cm]?[jt]sx?$/, '')
    if (!byStem.has(stem)) byStem.set(stem, id)
  }
  return (fromId, specifier) => {
    if (!specifier.startsWith('.')) return null
    const target = path.posix.normalize(path.posix.join(path.posix.dirname(fromId.replace(/\?.*$/, '')), specifier))
    if (ctx.moduleById.has(target)) return target
    const stem = target.replace(/\.[cm]?[jt]sx?$/, '')
    return byStem.get(stem) ?? byStem.get(`${stem}/index`) ?? null
  }
}
