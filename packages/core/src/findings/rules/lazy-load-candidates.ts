/**
 * WB-LL001 / WB-LL002: lazy-load candidates. For each entry, the static import graph from its
 * entry module(s) and its dominator tree: a module retains the modules every static path to them
 * passes through it. Make the edges into it dynamic and its retained bytes leave the initial load.
 * WB-LL001 ranks single modules, WB-LL002 whole packages (all edges into the package cut at once).
 */
import { formatBytes } from '../../budgets/limits'
import type { Entry, ImportKind, Report } from '../../model'
import { computeDominators, computeRemovalBySet, computeRetainedWeights, findCommonDominator, listDominated } from '../../graph/dominators'
import type { FindingsContext, Savings } from '../context'
import { compareStrings } from '../../sort-report'
import { rankingBytes } from '../context'
import { edgeKinds, withRootEdges } from '../graph-index'
import type { ImportStatement } from '../import-scan'
import { isUsedOnlyInFunctions } from '../import-scan'
import { formatLocation } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

/** Files whose imports a person can rewrite as `import()` (not HTML pages, not CSS). */
const scriptFile = /\.(?:[cm]?[jt]sx?|vue|svelte|astro)$/
/** An inner candidate retaining at least this share of an outer one it sits under is not repeated. */
const nestedShare = 0.9
/** At most this many module candidates per entry. */
const maxCandidatesPerEntry = 10

/** Weights of the modules in an entry's initial files, per module index (node `ids.length` is the virtual root). */
interface EntryWeights {
  raw: Float64Array
  gzip: Float64Array
  brotli: Float64Array
  gzipKnown: boolean
  brotliKnown: boolean
}

/** The module ids an entry starts from: its entry chunks' entry modules, and for an HTML module the scripts it loads. */
function findEntryModules(ctx: FindingsContext, entry: Entry): string[] {
  const chunkEntryModules = [...new Set(entry.chunks.map(file => ctx.chunkByFile.get(file)?.entryModule).filter((id): id is string => !!id && ctx.moduleById.has(id)))]
  // An HTML module as entry (Vite): the scripts it loads are where the app starts.
  return [...new Set(chunkEntryModules.flatMap(id => /\.html?$/.test(id)
    ? [id, ...(ctx.moduleById.get(id)?.imports ?? []).filter(edge => edge.kind !== 'dynamic' && ctx.moduleById.has(edge.id)).map(edge => edge.id)]
    : [id]))]
}

function weighInitialLoad(ctx: FindingsContext, entry: Entry, isReachable: (v: number) => boolean): EntryWeights {
  const count = ctx.index.ids.length + 1
  const weights: EntryWeights = { raw: new Float64Array(count), gzip: new Float64Array(count), brotli: new Float64Array(count), gzipKnown: true, brotliKnown: true }
  for (const file of new Set(entry.initialLoad.files)) {
    const chunk = ctx.chunkByFile.get(file)
    if (!chunk) continue
    for (const part of chunk.modules) {
      const v = ctx.index.indexOf.get(part.id)
      if (v === undefined || !isReachable(v)) continue
      weights.raw[v]! += part.rawBytes
      if (part.gzipBytes === null) weights.gzipKnown = false
      else weights.gzip[v]! += part.gzipBytes
      if (part.brotliBytes === null) weights.brotliKnown = false
      else weights.brotli[v]! += part.brotliBytes
    }
  }
  return weights
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

function toSavings(weights: EntryWeights, raw: number, gzip: number, brotli: number): Savings {
  return { rawBytes: Math.round(raw), gzipBytes: weights.gzipKnown ? Math.round(gzip) : null, brotliBytes: weights.brotliKnown ? Math.round(brotli) : null }
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
  const { index } = ctx
  const { ids, marks, staticPredOffsets, staticPredSources, staticPredKinds } = index
  const root = ids.length
  // An HTML page and its entry chunk are two entries with one graph: analyse it once (page first).
  const seenGraphs = new Set<string>()
  const entries = [...report.entries].sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'html' ? -1 : 1) || compareStrings(a.name, b.name))
  for (const entry of entries) {
    const entryModules = findEntryModules(ctx, entry)
    if (entryModules.length === 0) continue
    const graphKey = `${[...entryModules].sort().join('\0')}\n${entry.initialLoad.files.filter(file => ctx.chunkByFile.has(file)).sort().join('\0')}`
    if (seenGraphs.has(graphKey)) continue
    seenGraphs.add(graphKey)
    const entryIndexes = entryModules.map(id => index.indexOf.get(id)!)
    // The static graph from a virtual root over the entry modules; its dominator tree.
    const graph = withRootEdges(index, entryIndexes)
    const dominators = computeDominators(graph, root)
    const { idom } = dominators
    const isReachable = (v: number): boolean => idom[v] !== -1
    const weights = weighInitialLoad(ctx, entry, isReachable)
    const retainedRaw = computeRetainedWeights(dominators, weights.raw)
    const retainedGzip = computeRetainedWeights(dominators, weights.gzip)
    const retainedBrotli = computeRetainedWeights(dominators, weights.brotli)
    const rank = weights.gzipKnown ? retainedGzip : retainedRaw
    const initialTotal = weights.gzipKnown ? entry.initialLoad.gzipBytes ?? rank[root]! : entry.initialLoad.rawBytes
    const isEntryNode = new Uint8Array(root + 1)
    isEntryNode[root] = 1
    for (const v of entryIndexes) isEntryNode[v] = 1
    const kindOf = (e: number): ImportKind => edgeKinds[staticPredKinds[e]!]!

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
    for (let v = 0; v < root; v++) {
      if (isReachable(v) && isEntryNode[v] === 0 && rank[v]! >= minBytes) candidates.push(v)
    }
    candidates.sort((a, b) => rank[b]! - rank[a]! || compareStrings(ids[a]!, ids[b]!))
    const selected: number[] = []
    for (const v of candidates) {
      if (selected.length >= maxCandidatesPerEntry) break
      if (selected.some(s => dominators.dominates(s, v) && rank[v]! >= nestedShare * rank[s]!)) continue
      const cut: CutEdge[] = []
      for (let e = staticPredOffsets[v]!; e < staticPredOffsets[v + 1]!; e++) {
        const from = staticPredSources[e]!
        if (isReachable(from) && !dominators.dominates(v, from)) cut.push({ importer: ids[from]!, target: ids[v]!, kind: kindOf(e) })
      }
      const uniqueCut = [...new Map(cut.map(edge => [edge.importer, edge])).values()].sort((a, b) => compareStrings(a.importer, b.importer))
      if (!isActionable(uniqueCut)) continue
      selected.push(v)
      const moduleIds = Array.from(listDominated(dominators, v)).filter(w => weights.raw[w]! > 0).map(w => ids[w]!).sort(compareStrings)
      const packages = [...new Set(moduleIds.map(id => ctx.moduleById.get(id)?.package).filter((id): id is string => !!id))].sort()
      const savings = toSavings(weights, retainedRaw[v]!, retainedGzip[v]!, retainedBrotli[v]!)
      const { location, snippet, text } = describeCut(uniqueCut)
      const id = ids[v]!
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
    const packageOrder = index.packageIds.map((_, p) => p).sort((a, b) => compareStrings(index.packageIds[a]!, index.packageIds[b]!))
    for (const p of packageOrder) {
      const nodes = Array.from(index.modulesOfPackage[p]!).filter(isReachable)
      if (nodes.length === 0 || nodes.some(v => isEntryNode[v] === 1)) continue
      // What cutting the package removes is dominated by its modules' common dominator: when that
      // retains too little, so does the package (no walk needed).
      if (rank[nodes.reduce((a, b) => findCommonDominator(dominators, a, b))]! < minBytes) continue
      const inPackage = index.nextMark()
      for (const v of nodes) marks[v] = inPackage
      const { removed, staysReachable } = computeRemovalBySet(graph, dominators, nodes)
      let raw = 0
      let gzip = 0
      let brotli = 0
      for (const v of removed) {
        raw += weights.raw[v]!
        gzip += weights.gzip[v]!
        brotli += weights.brotli[v]!
      }
      const savings = toSavings(weights, raw, gzip, brotli)
      if (rankingBytes(savings) < minBytes) continue
      const cut: CutEdge[] = []
      for (const v of nodes) {
        for (let e = staticPredOffsets[v]!; e < staticPredOffsets[v + 1]!; e++) {
          const from = staticPredSources[e]!
          if (marks[from] !== inPackage && staysReachable(from)) cut.push({ importer: ids[from]!, target: ids[v]!, kind: kindOf(e) })
        }
      }
      const uniqueCut = [...new Map(cut.map(edge => [`${edge.importer}\0${edge.target}`, edge])).values()].sort((a, b) => compareStrings(a.importer, b.importer))
      if (!isActionable(uniqueCut)) continue
      // Already said by a module candidate that takes the same modules out?
      if (selected.some(s => nodes.every(v => dominators.dominates(s, v)) && rank[s]! <= (1 / nestedShare) * rankingBytes(savings))) continue
      const pkgId = index.packageIds[p]!
      const name = ctx.packageById.get(pkgId)?.name ?? pkgId
      const { location, snippet, text } = describeCut(uniqueCut)
      const moduleIds = removed.filter(v => weights.raw[v]! > 0).map(v => ids[v]!).sort(compareStrings)
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
