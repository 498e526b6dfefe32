/**
 * The report's module graph indexed once per findings run, so that rules walk small integers and
 * typed arrays instead of id strings and maps: id ↔ index, each module's package, import edges and
 * importer lists in CSR form (`targets[offsets[v]..offsets[v + 1])`), the static import graph with
 * a spare node for a virtual root, and a reusable visit mark.
 */
import type { ImportKind, Report } from '../model'

/** Edge kinds as stored in `importKinds`. */
export const edgeKinds: readonly ImportKind[] = ['static', 'dynamic', 'require', 'css']
const kindCode: Record<ImportKind, number> = { static: 0, dynamic: 1, require: 2, css: 3 }
export const STATIC_EDGE = 0
export const DYNAMIC_EDGE = 1
export const REQUIRE_EDGE = 2
export const CSS_EDGE = 3

export interface ModuleGraphIndex {
  /** Module ids in report order; index = position. */
  ids: string[]
  indexOf: Map<string, number>
  /** Package ids in report order. */
  packageIds: string[]
  packageIndexOf: Map<string, number>
  /** Each module's package (index into `packageIds`); -1 for the app's own code and unknown packages. */
  packageOf: Int32Array
  /** Module indexes of each package, in report order (sorted by id). */
  modulesOfPackage: Int32Array[]
  /** 1 for the app's own modules (no package, not virtual, not under node_modules). */
  isApp: Uint8Array
  /** 1 for modules with bytes in at least one chunk. */
  shipped: Uint8Array
  /** `module.imports` to modules of the report: targets and kinds (codes of `edgeKinds`). */
  importOffsets: Int32Array
  importTargets: Int32Array
  importKinds: Uint8Array
  /** `module.importers` then `module.dynamicImporters`, as indexes (unknown ids dropped). */
  importerOffsets: Int32Array
  importerSources: Int32Array
  /**
   * The static import graph (static, require and css edges) over `ids.length + 1` nodes: the last
   * node is a spare root with no edges yet (see `withRootEdges`). `staticKinds` parallels targets.
   */
  staticOffsets: Int32Array
  staticTargets: Int32Array
  staticKinds: Uint8Array
  /** Reverse of the static graph (without the root): who imports each module statically. */
  staticPredOffsets: Int32Array
  staticPredSources: Int32Array
  staticPredKinds: Uint8Array
  /**
   * A visit mark shared by the walks: `nextMark()` returns a fresh stamp, and `marks[v] === stamp`
   * means visited in that walk (no clearing, no allocation per walk).
   */
  marks: Int32Array
  nextMark: () => number
}

/** Offsets from per-node counts (prefix sums), `count + 1` long. */
function toOffsets(counts: Int32Array): Int32Array {
  const offsets = new Int32Array(counts.length + 1)
  for (let v = 0; v < counts.length; v++) offsets[v + 1] = offsets[v]! + counts[v]!
  return offsets
}

export function createModuleGraphIndex(report: Report): ModuleGraphIndex {
  const { modules } = report
  const count = modules.length
  const ids: string[] = Array.from({ length: count })
  const indexOf = new Map<string, number>()
  for (let i = 0; i < count; i++) {
    ids[i] = modules[i]!.id
    indexOf.set(ids[i]!, i)
  }
  const packageIds = report.packages.map(pkg => pkg.id)
  const packageIndexOf = new Map<string, number>()
  packageIds.forEach((id, i) => packageIndexOf.set(id, i))

  const packageOf = new Int32Array(count).fill(-1)
  const isApp = new Uint8Array(count)
  const packageSizes = new Int32Array(packageIds.length)
  for (let i = 0; i < count; i++) {
    const module = modules[i]!
    if (module.package !== null) {
      const p = packageIndexOf.get(module.package)
      if (p !== undefined) {
        packageOf[i] = p
        packageSizes[p]!++
      }
    }
    else if (!module.id.startsWith('virtual:') && !module.id.includes('node_modules/')) {
      isApp[i] = 1
    }
  }
  const packageOffsets = toOffsets(packageSizes)
  const packageMembers = new Int32Array(packageOffsets[packageIds.length]!)
  const packageCursor = packageOffsets.slice(0, packageIds.length)
  for (let i = 0; i < count; i++) if (packageOf[i]! !== -1) packageMembers[packageCursor[packageOf[i]!]!++] = i
  const shipped = new Uint8Array(count)
  for (const chunk of report.chunks) {
    for (const part of chunk.modules) {
      const i = indexOf.get(part.id)
      if (i !== undefined) shipped[i] = 1
    }
  }

  // Every edge resolved once, in module order: target index (-1 = not in the report) and kind.
  let edgeTotal = 0
  for (let i = 0; i < count; i++) edgeTotal += modules[i]!.imports.length
  const edgeTarget = new Int32Array(edgeTotal)
  const edgeKind = new Uint8Array(edgeTotal)
  const importCounts = new Int32Array(count)
  const staticCounts = new Int32Array(count + 1)
  const predCounts = new Int32Array(count)
  for (let i = 0, e = 0; i < count; i++) {
    for (const edge of modules[i]!.imports) {
      const target = indexOf.get(edge.id) ?? -1
      const kind = kindCode[edge.kind]
      edgeTarget[e] = target
      edgeKind[e++] = kind
      if (target === -1) continue
      importCounts[i]!++
      if (kind === DYNAMIC_EDGE) continue
      staticCounts[i]!++
      if (target !== i) predCounts[target]!++
    }
  }
  const importOffsets = toOffsets(importCounts)
  const importTargets = new Int32Array(importOffsets[count]!)
  const importKinds = new Uint8Array(importOffsets[count]!)
  const staticOffsets = toOffsets(staticCounts)
  const staticTargets = new Int32Array(staticOffsets[count + 1]!)
  const staticKinds = new Uint8Array(staticOffsets[count + 1]!)
  const staticPredOffsets = toOffsets(predCounts)
  const staticPredSources = new Int32Array(staticPredOffsets[count]!)
  const staticPredKinds = new Uint8Array(staticPredOffsets[count]!)
  const predCursor = staticPredOffsets.slice(0, count)
  for (let i = 0, e = 0; i < count; i++) {
    let importAt = importOffsets[i]!
    let staticAt = staticOffsets[i]!
    const end = e + modules[i]!.imports.length
    for (; e < end; e++) {
      const target = edgeTarget[e]!
      if (target === -1) continue
      const kind = edgeKind[e]!
      importTargets[importAt] = target
      importKinds[importAt++] = kind
      if (kind === DYNAMIC_EDGE) continue
      staticTargets[staticAt] = target
      staticKinds[staticAt++] = kind
      if (target !== i) {
        staticPredSources[predCursor[target]!] = i
        staticPredKinds[predCursor[target]!++] = kind
      }
    }
  }

  // Importers as the report lists them (static, then dynamic).
  let importerTotal = 0
  for (let i = 0; i < count; i++) importerTotal += modules[i]!.importers.length + modules[i]!.dynamicImporters.length
  const importerSourcesAll = new Int32Array(importerTotal)
  const importerOffsets = new Int32Array(count + 1)
  let at = 0
  for (let i = 0; i < count; i++) {
    const module = modules[i]!
    for (const list of [module.importers, module.dynamicImporters]) {
      for (const importer of list) {
        const from = indexOf.get(importer)
        if (from !== undefined) importerSourcesAll[at++] = from
      }
    }
    importerOffsets[i + 1] = at
  }
  const importerSources = importerSourcesAll.subarray(0, at)

  const marks = new Int32Array(count + 1)
  let stamp = 0
  const nextMark = (): number => {
    if (stamp === 0x7FFFFFFF) {
      marks.fill(0)
      stamp = 0
    }
    return ++stamp
  }

  return {
    ids,
    indexOf,
    packageIds,
    packageIndexOf,
    packageOf,
    modulesOfPackage: packageIds.map((_, p) => packageMembers.subarray(packageOffsets[p]!, packageOffsets[p + 1]!)),
    isApp,
    shipped,
    importOffsets,
    importTargets,
    importKinds,
    importerOffsets,
    importerSources,
    staticOffsets,
    staticTargets,
    staticKinds,
    staticPredOffsets,
    staticPredSources,
    staticPredKinds,
    marks,
    nextMark,
  }
}

/**
 * The static graph with edges from its spare root (node `ids.length`) to `rootTargets`: an
 * `IndexGraph` for the dominator functions, without copying per-module data structures.
 */
export function withRootEdges(index: ModuleGraphIndex, rootTargets: readonly number[]): { nodeCount: number, offsets: Int32Array, targets: Int32Array, root: number } {
  const root = index.ids.length
  const offsets = new Int32Array(root + 2)
  offsets.set(index.staticOffsets.subarray(0, root + 1))
  offsets[root + 1] = offsets[root]! + rootTargets.length
  const targets = new Int32Array(index.staticTargets.length + rootTargets.length)
  targets.set(index.staticTargets)
  targets.set(rootTargets, index.staticTargets.length)
  return { nodeCount: root + 1, offsets, targets, root }
}
