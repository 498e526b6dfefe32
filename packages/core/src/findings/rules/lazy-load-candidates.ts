/**
 * WB-LL001 / WB-LL002: lazy-load candidates. For each entry, the static import graph from its
 * entry module(s) and its dominator tree: a module retains the modules every static path to them
 * passes through it. Make the edges into it dynamic and its retained bytes leave the initial load.
 * WB-LL001 ranks single modules, WB-LL002 whole packages (all edges into the package cut at once).
 */
import { formatBytes } from '../../budgets/limits'
import type { Entry, ImportKind, Report } from '../../model'
import { computeDominators, computeReachable, computeRetainedWeights, createIndexGraph } from '../../graph/dominators'
import type { FindingsContext, Savings } from '../context'
import { compareStrings } from '../../sort-report'
import { rankingBytes } from '../context'
import type { ImportStatement } from '../import-scan'
import { isUsedOnlyInFunctions } from '../import-scan'
import { formatLocation } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

const staticKinds = new Set<ImportKind>(['static', 'require', 'css'])
/** Files whose imports a person can rewrite as `import()` (not HTML pages, not CSS). */
const scriptFile = /\.(?:[cm]?[jt]sx?|vue|svelte|astro)$/
/** An inner candidate retaining at least this share of an outer one it sits under is not repeated. */
const nestedShare = 0.9
/** At most this many module candidates per entry. */
const maxCandidatesPerEntry = 10

interface EntryGraph {
  ids: string[]
  indexById: Map<string, number>
  /** Static edges (from, to) between reachable modules; node 0 is a virtual root over the entry modules. */
  edges: [number, number][]
  kinds: ImportKind[]
  entryIndexes: number[]
  weights: { raw: Float64Array, gzip: Float64Array, brotli: Float64Array }
  gzipKnown: boolean
  brotliKnown: boolean
}

function buildEntryGraph(report: Report, ctx: FindingsContext, entry: Entry): EntryGraph | null {
  const chunkEntryModules = [...new Set(entry.chunks.map(file => ctx.chunkByFile.get(file)?.entryModule).filter((id): id is string => !!id && ctx.moduleById.has(id)))]
  // An HTML module as entry (Vite): the scripts it loads are where the app starts.
  const entryModules = [...new Set(chunkEntryModules.flatMap(id => /\.html?$/.test(id)
    ? [id, ...(ctx.moduleById.get(id)?.imports ?? []).filter(edge => edge.kind !== 'dynamic' && ctx.moduleById.has(edge.id)).map(edge => edge.id)]
    : [id]))]
  if (entryModules.length === 0) return null
  const ids: string[] = ['']
  const indexById = new Map<string, number>()
  const stack: string[] = []
  for (const id of entryModules) {
    indexById.set(id, ids.length)
    ids.push(id)
    stack.push(id)
  }
  const edges: [number, number][] = entryModules.map(id => [0, indexById.get(id)!])
  const kinds: ImportKind[] = entryModules.map(() => 'static')
  while (stack.length > 0) {
    const id = stack.pop()!
    const from = indexById.get(id)!
    for (const edge of ctx.moduleById.get(id)?.imports ?? []) {
      if (!staticKinds.has(edge.kind) || !ctx.moduleById.has(edge.id)) continue
      let to = indexById.get(edge.id)
      if (to === undefined) {
        to = ids.length
        indexById.set(edge.id, to)
        ids.push(edge.id)
        stack.push(edge.id)
      }
      edges.push([from, to])
      kinds.push(edge.kind)
    }
  }
  const initial = new Set(entry.initialLoad.files)
  const raw = new Float64Array(ids.length)
  const gzip = new Float64Array(ids.length)
  const brotli = new Float64Array(ids.length)
  let gzipKnown = true
  let brotliKnown = true
  for (const file of initial) {
    const chunk = ctx.chunkByFile.get(file)
    if (!chunk) continue
    for (const part of chunk.modules) {
      const index = indexById.get(part.id)
      if (index === undefined) continue
      raw[index]! += part.rawBytes
      if (part.gzipBytes === null) gzipKnown = false
      else gzip[index]! += part.gzipBytes
      if (part.brotliBytes === null) brotliKnown = false
      else brotli[index]! += part.brotliBytes
    }
  }
  return { ids, indexById, edges, kinds, entryIndexes: entryModules.map(id => indexById.get(id)!), weights: { raw, gzip, brotli }, gzipKnown, brotliKnown }
}

/** `./heavy.js` as written, or a path from the importer to the module. */
function readSpecifier(statement: ImportStatement | null, importerId: string, targetId: string): string {
  if (statement) return statement.specifier
  const from = importerId.split('/').slice(0, -1)
  const to = targetId.split('/')
  let common = 0
  while (common < from.length && from[common] === to[common]) common++
  const up = from.length - common
  return `${up === 0 ? './' : '../'.repeat(up)}${to.slice(common).join('/')}`
}

/** The `import()` form of a static import statement, written for a person to paste. */
export function writeLazySnippet(statement: ImportStatement | null, importerId: string, targetId: string): string {
  const specifier = readSpecifier(statement, importerId, targetId)
  const where = `// ${importerId}${statement ? `:${statement.line}` : ''}`
  if (!statement) return `${where}: load it where it is needed\nconst module = await import('${specifier}')`
  const replace = `${where}: instead of \`${statement.text.replace(/\s+/g, ' ')}\``
  const isComponentFile = /\.[jt]sx$/.test(importerId)
  if (statement.defaultName && /^[A-Z]/.test(statement.defaultName) && isComponentFile && statement.named.length === 0 && statement.namespaceName === null) {
    return `${replace}\nimport { lazy, Suspense } from 'react'\nconst ${statement.defaultName} = lazy(() => import('${specifier}'))\n// render it inside <Suspense fallback={…}>`
  }
  if (statement.namespaceName) return `${replace} (inside an async function or event handler)\nconst ${statement.namespaceName} = await import('${specifier}')`
  const bindings = [
    ...(statement.defaultName ? [`default: ${statement.defaultName}`] : []),
    ...statement.named.map(binding => binding.imported === binding.local ? binding.local : `${/^[\w$]+$/.test(binding.imported) ? binding.imported : `'${binding.imported}'`}: ${binding.local}`),
  ]
  if (bindings.length === 0) return `${replace}\nimport('${specifier}')`
  return `${replace} (inside an async function or event handler)\nconst { ${bindings.join(', ')} } = await import('${specifier}')`
}

function toSavings(graph: EntryGraph, raw: number, gzip: number, brotli: number): Savings {
  return { rawBytes: Math.round(raw), gzipBytes: graph.gzipKnown ? Math.round(gzip) : null, brotliBytes: graph.brotliKnown ? Math.round(brotli) : null }
}

function describe(savings: Savings): string {
  return savings.gzipBytes === null ? formatBytes(savings.rawBytes) : `${formatBytes(savings.gzipBytes)} gzip`
}

interface CutEdge {
  importer: string
  target: string
  kind: ImportKind
}

function check(report: Report, ctx: FindingsContext): FindingDraft[] {
  const drafts: FindingDraft[] = []
  const minBytes = ctx.options.minLazyGzipBytes
  // An HTML page and its entry chunk are two entries with one graph: analyse it once (page first).
  const seenGraphs = new Set<string>()
  const entries = [...report.entries].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'html' ? -1 : 1) || compareStrings(a.name, b.name))
  for (const entry of entries) {
    const graph = buildEntryGraph(report, ctx, entry)
    if (!graph) continue
    const graphKey = `${graph.entryIndexes.map(i => graph.ids[i]).sort().join('\0')}\n${entry.initialLoad.files.filter(file => ctx.chunkByFile.has(file)).sort().join('\0')}`
    if (seenGraphs.has(graphKey)) continue
    seenGraphs.add(graphKey)
    const indexGraph = createIndexGraph(graph.ids.length, graph.edges)
    const dominators = computeDominators(indexGraph, 0)
    const retainedRaw = computeRetainedWeights(dominators, graph.weights.raw)
    const retainedGzip = computeRetainedWeights(dominators, graph.weights.gzip)
    const retainedBrotli = computeRetainedWeights(dominators, graph.weights.brotli)
    const rank = graph.gzipKnown ? retainedGzip : retainedRaw
    const initialTotal = graph.gzipKnown ? entry.initialLoad.gzipBytes ?? rank[0]! : entry.initialLoad.rawBytes
    const entrySet = new Set([0, ...graph.entryIndexes])

    // Incoming static edges per node.
    const incoming: { from: number, kind: ImportKind }[][] = graph.ids.map(() => [])
    graph.edges.forEach(([from, to], i) => {
      if (from !== to) incoming[to]!.push({ from, kind: graph.kinds[i]! })
    })
    // Actionable: every edge to cut is a static import in the app's own script whose bindings are
    // used only inside functions (a top-level use needs the module at startup anyway).
    const isActionable = (cut: CutEdge[]): boolean => cut.length > 0
      && !/\.(?:css|scss|sass|less|styl)$/.test(cut[0]!.target)
      && cut.every((edge) => {
        if (edge.kind !== 'static' || !ctx.isAppModule(edge.importer) || !scriptFile.test(edge.importer.replace(/\?.*$/, ''))) return false
        const source = ctx.readSource(edge.importer)
        const statement = ctx.findImportStatement(edge.importer, edge.target)
        return source === null || statement === null || isUsedOnlyInFunctions(source, statement)
      })

    const describeCut = (cut: CutEdge[]): { location: FindingDraft['location'], snippet: string, text: string } => {
      const statements = cut.map(edge => ({ edge, statement: ctx.findImportStatement(edge.importer, edge.target) }))
      const first = statements[0]!
      return {
        location: { file: first.edge.importer, line: first.statement?.line ?? null, column: first.statement?.column ?? null },
        snippet: statements.map(({ edge, statement }) => writeLazySnippet(statement, edge.importer, edge.target)).join('\n\n'),
        text: statements.map(({ edge, statement }) => `${formatLocation({ file: edge.importer, line: statement?.line ?? null, column: null })} → ${ctx.displayModule(edge.target)}`).join(', '),
      }
    }

    // WB-LL001: single modules, outermost first.
    const candidates: number[] = []
    for (let v = 1; v < graph.ids.length; v++) {
      if (!entrySet.has(v) && rank[v]! >= minBytes) candidates.push(v)
    }
    candidates.sort((a, b) => rank[b]! - rank[a]! || compareStrings(graph.ids[a]!, graph.ids[b]!))
    const selected: number[] = []
    for (const v of candidates) {
      if (selected.length >= maxCandidatesPerEntry) break
      if (selected.some(s => dominators.dominates(s, v) && rank[v]! >= nestedShare * rank[s]!)) continue
      const cut: CutEdge[] = incoming[v]!
        .filter(edge => !dominators.dominates(v, edge.from) && dominators.idom[edge.from] !== -1)
        .map(edge => ({ importer: graph.ids[edge.from]!, target: graph.ids[v]!, kind: edge.kind }))
      const uniqueCut = [...new Map(cut.map(edge => [edge.importer, edge])).values()]
      if (!isActionable(uniqueCut)) continue
      selected.push(v)
      const dominated = Array.from(dominators.order).filter(w => w !== 0 && dominators.dominates(v, w) && graph.weights.raw[w]! > 0)
      const moduleIds = dominated.map(w => graph.ids[w]!).sort()
      const packages = [...new Set(moduleIds.map(id => ctx.moduleById.get(id)?.package).filter((id): id is string => !!id))].sort()
      const savings = toSavings(graph, retainedRaw[v]!, retainedGzip[v]!, retainedBrotli[v]!)
      const { location, snippet, text } = describeCut(uniqueCut)
      const id = graph.ids[v]!
      const shown = ctx.displayModule(id)
      const share = initialTotal > 0 ? Math.round((rankingBytes(savings) / initialTotal) * 100) : 0
      drafts.push({
        subject: `${entry.name}>${id}`,
        title: `Load ${shown} lazily: ${entry.name} initial load −${describe(savings)}`,
        message: `${shown}${moduleIds.length > 1 ? ` and ${moduleIds.length - 1} module${moduleIds.length === 2 ? '' : 's'} only it pulls in` : ''} (${packages.length > 0 ? `incl. ${packages.map(pkg => ctx.packageById.get(pkg)?.name ?? pkg).slice(0, 3).join(', ')}` : 'app code'}) make ${describe(savings)} of the initial load of ${entry.name} (${share}%). Make the static import${uniqueCut.length === 1 ? '' : 's'} ${text} dynamic and the initial load drops by that much.`,
        modules: moduleIds,
        packages,
        savings,
        load: 'initial',
        confidence: uniqueCut.every(edge => ctx.findImportStatement(edge.importer, edge.target) !== null) ? 'high' : 'medium',
        location,
        fix: `Load ${shown} when it is needed (a route, a click, after first render) with \`import()\` instead of importing it statically${uniqueCut.length === 2 ? ' — in both places' : uniqueCut.length > 2 ? ` — in all ${uniqueCut.length} places` : ''}.`,
        snippet,
      })
    }

    // WB-LL002: whole packages (every edge into the package cut at once).
    const reachable = computeReachable(indexGraph, [0])
    const nodesByPackage = new Map<string, number[]>()
    for (let v = 1; v < graph.ids.length; v++) {
      const pkg = ctx.moduleById.get(graph.ids[v]!)?.package
      if (!pkg) continue
      const list = nodesByPackage.get(pkg)
      if (list) list.push(v)
      else nodesByPackage.set(pkg, [v])
    }
    // Depth in the dominator tree, for the common dominator of a package's modules.
    const depth = new Int32Array(graph.ids.length)
    for (const v of dominators.order) if (v !== 0) depth[v] = depth[dominators.idom[v]!]! + 1
    const commonDominator = (a: number, b: number): number => {
      while (a !== b) {
        if (depth[a]! >= depth[b]!) a = dominators.idom[a]!
        else b = dominators.idom[b]!
      }
      return a
    }
    const inPackageMark = new Uint8Array(graph.ids.length)
    for (const [pkgId, nodes] of [...nodesByPackage].sort((a, b) => compareStrings(a[0], b[0]))) {
      if (nodes.some(v => entrySet.has(v))) continue
      // Everything cutting the package removes is dominated by its modules' common dominator: when
      // that retains too little, so does the package (skips the reachability walk).
      const reached = nodes.filter(v => dominators.idom[v] !== -1)
      if (reached.length === 0 || rank[reached.reduce(commonDominator)]! < minBytes) continue
      const inPackage = new Set(nodes)
      for (const v of nodes) inPackageMark[v] = 1
      const after = computeReachable(indexGraph, [0], v => inPackageMark[v] === 1)
      for (const v of nodes) inPackageMark[v] = 0
      let raw = 0
      let gzip = 0
      let brotli = 0
      const removed: number[] = []
      for (let v = 1; v < graph.ids.length; v++) {
        if (reachable[v] === 1 && after[v] === 0) {
          removed.push(v)
          raw += graph.weights.raw[v]!
          gzip += graph.weights.gzip[v]!
          brotli += graph.weights.brotli[v]!
        }
      }
      const savings = toSavings(graph, raw, gzip, brotli)
      if (rankingBytes(savings) < minBytes) continue
      const cut: CutEdge[] = []
      for (const v of nodes) {
        for (const edge of incoming[v]!) {
          if (after[edge.from] === 1 && !inPackage.has(edge.from)) cut.push({ importer: graph.ids[edge.from]!, target: graph.ids[v]!, kind: edge.kind })
        }
      }
      const uniqueCut = [...new Map(cut.map(edge => [`${edge.importer}\0${edge.target}`, edge])).values()].sort((a, b) => compareStrings(a.importer, b.importer))
      if (!isActionable(uniqueCut)) continue
      // Already said by a module candidate that takes the same modules out?
      if (selected.some(s => nodes.every(v => dominators.dominates(s, v)) && rank[s]! <= (1 / nestedShare) * rankingBytes(savings))) continue
      const name = ctx.packageById.get(pkgId)?.name ?? pkgId
      const { location, snippet, text } = describeCut(uniqueCut)
      const moduleIds = removed.filter(v => graph.weights.raw[v]! > 0).map(v => graph.ids[v]!).sort()
      const share = initialTotal > 0 ? Math.round((rankingBytes(savings) / initialTotal) * 100) : 0
      drafts.push({
        rule: 'WB-LL002',
        subject: `${entry.name}>${pkgId}`,
        title: `Load ${name} lazily: ${entry.name} initial load −${describe(savings)}`,
        message: `${name} (${nodes.length} module${nodes.length === 1 ? '' : 's'}) and what only it pulls in make ${describe(savings)} of the initial load of ${entry.name} (${share}%). It is imported statically at ${text}; make ${uniqueCut.length === 1 ? 'that import' : `all ${uniqueCut.length} imports`} dynamic and the initial load drops by that much.`,
        modules: moduleIds,
        packages: [pkgId],
        savings,
        load: 'initial',
        confidence: 'medium',
        location,
        fix: `Import ${name} with \`import()\` where it is used${uniqueCut.length > 1 ? ` (all ${uniqueCut.length} static imports must go, or it stays in the initial load)` : ''}.`,
        snippet,
      })
    }
  }
  return drafts
}

export const lazyLoadCandidates: FindingsRule = {
  meta: {
    code: 'WB-LL001',
    title: 'Lazy-load candidate',
    severity: 'info',
    docs: 'From each entry module, the static import graph and its dominator tree: a module dominates the modules every static import path to them passes through. Making the static imports of a dominating module dynamic (`import()`, `React.lazy`) takes it and everything it dominates out of the initial load. Savings are the gzip bytes, in the entry\'s initial files, of the dominated modules. Only imports in the app\'s own code are suggested; a candidate nested in a bigger one that retains nearly as much is not repeated.',
  },
  check,
}

export const lazyLoadPackages: FindingsRule = {
  meta: {
    code: 'WB-LL002',
    title: 'Lazy-load candidate (package)',
    severity: 'info',
    docs: 'Like WB-LL001, for a whole package: what leaves the initial load when every static import of the package from outside it is made dynamic. Reported when not already covered by a single-module candidate.',
  },
  check: () => [],
}
