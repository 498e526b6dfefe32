/**
 * The split planner: a pure function of a report (and optional baselines) that decides which
 * modules share a chunk, and predicts what every page and lazy route will then fetch.
 *
 * 1. Signatures (`module-needs.ts`): the loads that need each module. Modules with one signature
 *    form a class; a class needed by one load stays in that load's own chunk (the bundler's
 *    default), a class needed by several becomes a group: no load fetches code it does not use.
 * 2. Long-lived vendor groups: within a class, npm packages split from app code by how often they
 *    changed (`package-stability.ts`); an entry's own vendor code too, when it reaches `minChunkBytes`.
 * 3. `minChunkBytes`: a smaller group merges with the group that adds the fewest weighted gzip
 *    bytes to the loads (initial bytes weigh `initialWeight`, lazy bytes 1; lazy-only code never
 *    enters an initial load while `lazySharedOutOfInitial`). webpack/rspack may instead leave it
 *    to be duplicated into its users (no cache group), which adds nothing to any load.
 * 4. `maxInitialRequests`: while an entry fetches too many files, the cheapest merge (or undo of a
 *    vendor split, or duplication for webpack/rspack) among its groups is applied.
 * 5. Groups that import each other in a cycle are merged (bundlers need an order), and groups are
 *    ordered dependencies first (the priority of Rolldown groups and webpack cache groups).
 *
 * Prediction: a planned file's gzip size is the sum of its modules' attributed gzip bytes (the
 * measurement attributes every compressed byte of a file to a module or to glue, so these sum to
 * the files measured today) plus glue: a root's own chunk keeps today's glue, a new group chunk
 * gets the median glue of today's shared chunks (import/export statements, gzip container). The
 * error is the change of compression context when modules change neighbours: small for chunks of a
 * few kB and more, larger for tiny chunks.
 */
import type { BundlerName, Report } from '../model'
import type { ResolvedSplitGoals, SplitGoals, SplitTarget } from './goals'
import type { SplitEntryPrediction, SplitGroup, SplitGroupReason, SplitLoadFigures, SplitPlan, SplitRoutePrediction } from './plan-types'
import type { VendorTier } from './package-stability'
import { formatBytes } from '../budgets/limits'
import { resolveSplitGoals, SplitPlanError } from './goals'
import { computeModuleNeeds } from './module-needs'
import { classifyVendorTier, computePackageStability } from './package-stability'

export interface PlanSplitOptions {
  target: SplitTarget
  goals?: SplitGoals | ResolvedSplitGoals
  /** Earlier reports of the same app, oldest first: how often each package changed. */
  baselines?: readonly Report[]
  /**
   * Whether a module id (report path, relative to the project root) is a file the target bundler can
   * match. When given, a report is refused when under 90 % of its planned (non-virtual) bytes resolve.
   */
  isResolvable?: (id: string) => boolean
}

type Tier = 'app' | VendorTier | 'mixed'

interface WorkingGroup {
  modules: number[]
  roots: Set<number>
  tier: Tier
  alive: boolean
  /** webpack/rspack: no cache group; its modules are duplicated into the chunks of its roots. */
  dissolved: boolean
  rawBytes: number
  gzipBytes: number
}

const ROLLUP_FAMILY: readonly SplitTarget[] = ['vite', 'rollup', 'rolldown']

/**
 * What saving one request is worth, in weighted gzip bytes added to loads: under the default
 * minChunkBytes a small chunk is merged only when that adds no more than this (about what a request
 * costs in headers and a round trip on HTTP/2).
 */
export const REQUEST_WORTH_GZIP_BYTES = 1_000

/** Weighted cost of each extra copy of a duplicated group (webpack/rspack), per gzip byte. */
const DUPLICATE_COST_FACTOR = 0.5

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function median(values: number[], fallback: number): number {
  if (values.length === 0)
    return fallback
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor((sorted.length - 1) / 2)]!
}

function isResolved(goals: SplitGoals | ResolvedSplitGoals | undefined): goals is ResolvedSplitGoals {
  return goals !== undefined && 'explicit' in goals
}

/** Plans the chunk groups for `options.target` from a measured report. Throws `SplitPlanError`. */
export function planSplit(report: Report, options: PlanSplitOptions): SplitPlan {
  let goals: ResolvedSplitGoals
  if (isResolved(options.goals)) {
    goals = options.goals
  }
  else {
    const resolved = resolveSplitGoals(options.goals)
    if (resolved.problems.length > 0)
      throw new SplitPlanError(resolved.problems.join('; '), 'goals')
    goals = resolved.goals
  }
  const target = options.target
  if (target === 'esbuild')
    throw new SplitPlanError('esbuild has no manual chunking, so there is no configuration to write; build with `splitting: true` and `format: \'esm\'` to share code between entry points, and add entry points for code you want in its own file')
  if (report.compression.gzipLevel === null)
    throw new SplitPlanError('the report has no gzip sizes (measured with gzip: false); split plans predict gzip loads, so rebuild or re-analyze with gzip on')

  const needs = computeModuleNeeds(report)
  const { ids, figures, roots, signatures } = needs
  const bundledJs = ids.filter((_, index) => !figures[index]!.isStyle)
  if (ids.length === 0 || report.chunks.length === 0)
    throw new SplitPlanError('the report has no modules in its chunks (an empty build): there is nothing to split; build the app with its entry points, then plan again')
  if (bundledJs.length <= 1)
    throw new SplitPlanError(`the report has a single module (${bundledJs[0] ?? ids[0]}): there is nothing to split, one chunk is already the smallest initial load; a split plan needs an app with several modules`)
  if (roots.length === 0)
    throw new SplitPlanError('the report has no entry chunk (no chunk is marked as an entry): the plan cannot tell initial from lazy code; analyze a build with its entry chunks')

  const canDuplicate = target === 'webpack' || target === 'rspack'
  const stability = computePackageStability(report, options.baselines ?? [])
  const rootIsEntry = roots.map(root => root.kind === 'entry')
  const notes: string[] = []

  const tierOf = (module: number): Tier => {
    const pkg = needs.packageOf[module] ?? null
    return pkg === null ? 'app' : classifyVendorTier(pkg, stability)
  }
  const bytesOf = (module: number): { raw: number, gzip: number } => {
    const value = figures[module]!
    return { raw: value.jsRawBytes + value.cssRawBytes, gzip: value.jsGzipBytes + value.cssGzipBytes }
  }

  // 1–2. Classes and groups.
  const groups: WorkingGroup[] = []
  const owner = new Int32Array(ids.length).fill(-1) // >= 0: group; -1: own chunk of its root; -2: unplanned
  const createGroup = (modules: number[], rootSet: Set<number>, tier: Tier): WorkingGroup => {
    let rawBytes = 0
    let gzipBytes = 0
    for (const module of modules) {
      const bytes = bytesOf(module)
      rawBytes += bytes.raw
      gzipBytes += bytes.gzip
    }
    const group: WorkingGroup = { modules, roots: rootSet, tier, alive: true, dissolved: false, rawBytes, gzipBytes }
    for (const module of modules) owner[module] = groups.length
    groups.push(group)
    return group
  }
  const classes = new Map<string, number[]>()
  signatures.forEach((signature, module) => {
    if (signature.length === 0) {
      owner[module] = -2
      return
    }
    const key = signature.join(',')
    const list = classes.get(key)
    if (list)
      list.push(module)
    else
      classes.set(key, [module])
  })
  const unplanned = signatures.filter(signature => signature.length === 0).length
  if (unplanned > 0)
    notes.push(`${unplanned} module${unplanned === 1 ? '' : 's'} no entry or route loads (per the report's graph) stay where the bundler puts them and are not predicted.`)
  // Long-lived vendor chunks pay an extra request (and a little gzip) on every visit for cache hits
  // across deploys: worth it where baselines show code that changes apart from code that does not.
  const splitVendors = goals.vendorGroups && stability.comparedReports > 0
  if (goals.vendorGroups && !splitVendors)
    notes.push('No baseline given: npm packages stay with the code that loads with them (a long-lived vendor chunk costs a request on every visit; give baselines to weigh it against how often the app and its packages change).')
  const classKeys = [...classes.keys()].sort(compareStrings)
  for (const key of classKeys) {
    const modules = classes.get(key)!
    const signature = signatures[modules[0]!]!
    const rootSet = new Set(signature)
    const byTier = new Map<Tier, number[]>()
    for (const module of modules) {
      const tier = splitVendors ? tierOf(module) : 'app'
      const list = byTier.get(tier)
      if (list)
        list.push(module)
      else
        byTier.set(tier, [module])
    }
    // A vendor part gets a chunk of its own (long-lived) when it is worth a request: at least
    // minChunkBytes. Smaller vendor parts stay with the class's other code.
    const worthSplitting = (part: number[]): boolean => part.reduce((sum, module) => sum + bytesOf(module).raw, 0) >= Math.max(goals.minChunkBytes, 1)
    for (const tier of ['vendor-stable', 'vendor-changing'] as const) {
      const part = byTier.get(tier)
      if (part && !worthSplitting(part)) {
        byTier.delete(tier)
        const rest = byTier.get('app')
        if (rest)
          rest.push(...part)
        else
          byTier.set('app', part)
      }
    }
    if (signature.length === 1) {
      // A root's own code stays in its own chunk; an entry's vendor code may get a long-lived one.
      if (!rootIsEntry[signature[0]!])
        continue
      for (const tier of ['vendor-stable', 'vendor-changing'] as const) {
        const part = byTier.get(tier)
        if (part)
          createGroup(part, new Set(rootSet), tier)
      }
      continue
    }
    for (const tier of ['vendor-stable', 'vendor-changing', 'app'] as const) {
      const part = byTier.get(tier)
      if (!part)
        continue
      const group = createGroup(part.sort((a, b) => a - b), new Set(rootSet), tier)
      // webpack/rspack duplicate what several entries share into each of them by default: that
      // keeps every initial load as small as it is; only vendor code gets a long-lived group.
      if (canDuplicate && tier === 'app' && signature.every(root => rootIsEntry[root]))
        group.dissolved = true
    }
  }

  // Rollup adds a manual chunk's static dependencies that no other manual chunk claims to that
  // chunk: an entry's own code a shared group depends on would move into the shared chunk (and
  // pull it into the initial load). Such code gets a chunk of its own, loaded by that entry only.
  if (target === 'rollup') {
    const pinnedByRoot = new Map<number, Set<number>>()
    const queue: number[] = []
    for (const group of groups) {
      for (const module of group.modules) queue.push(...needs.staticImports[module]!)
    }
    while (queue.length > 0) {
      const module = queue.pop()!
      if (owner[module] !== -1 || signatures[module]!.length !== 1)
        continue
      const root = signatures[module]![0]!
      const pinned = pinnedByRoot.get(root) ?? new Set<number>()
      if (pinned.has(module))
        continue
      pinned.add(module)
      pinnedByRoot.set(root, pinned)
      queue.push(...needs.staticImports[module]!)
    }
    for (const [root, pinned] of [...pinnedByRoot].sort((a, b) => a[0] - b[0]))
      createGroup([...pinned].sort((a, b) => a - b), new Set([root]), 'app')
  }

  // Costs of changing groups: weighted gzip bytes added to loads.
  const weightOf = (root: number): number => rootIsEntry[root] ? goals.initialWeight : 1
  const hasEntry = (rootSet: Set<number>): boolean => [...rootSet].some(root => rootIsEntry[root])
  /** Whether merging a and b makes some initial load fetch code it does not fetch today. */
  const growsInitial = (a: WorkingGroup, b: WorkingGroup): boolean => {
    for (const root of a.roots) {
      if (rootIsEntry[root] && !b.roots.has(root))
        return true
    }
    for (const root of b.roots) {
      if (rootIsEntry[root] && !a.roots.has(root))
        return true
    }
    return false
  }
  // Default goals never grow an initial load; goals the user set may (at the weighted cost).
  let allowInitialGrowth = false
  const mergeCost = (a: WorkingGroup, b: WorkingGroup): number | null => {
    if (goals.lazySharedOutOfInitial && hasEntry(a.roots) !== hasEntry(b.roots))
      return null
    if (!allowInitialGrowth && growsInitial(a, b))
      return null
    let cost = 0
    for (const root of a.roots) {
      if (!b.roots.has(root))
        cost += b.gzipBytes * weightOf(root)
    }
    for (const root of b.roots) {
      if (!a.roots.has(root))
        cost += a.gzipBytes * weightOf(root)
    }
    // Mixing stable vendor code with code that changes costs its caching: a small tie-breaker.
    if (a.tier !== b.tier) {
      if (a.tier === 'vendor-stable')
        cost += a.gzipBytes * 0.1
      if (b.tier === 'vendor-stable')
        cost += b.gzipBytes * 0.1
    }
    return cost
  }
  const mergeGroups = (into: WorkingGroup, from: WorkingGroup): void => {
    const index = groups.indexOf(into)
    for (const module of from.modules) owner[module] = index
    into.modules.push(...from.modules)
    for (const root of from.roots) into.roots.add(root)
    into.rawBytes += from.rawBytes
    into.gzipBytes += from.gzipBytes
    if (into.tier !== from.tier)
      into.tier = 'mixed'
    from.alive = false
    from.modules = []
  }
  const undoOwnSplit = (group: WorkingGroup): void => {
    for (const module of group.modules) owner[module] = -1
    group.alive = false
    group.modules = []
  }
  const liveGroups = (): WorkingGroup[] => groups.filter(group => group.alive && !group.dissolved)
  type Action = { cost: number, order: string, apply: () => void }
  const groupLabel = (group: WorkingGroup): string => ids[Math.min(...group.modules)]!
  const actionsFor = (group: WorkingGroup, partners: WorkingGroup[]): Action[] => {
    const actions: Action[] = []
    if (group.roots.size === 1 && group.tier !== 'app' && hasEntry(group.roots))
      actions.push({ cost: group.gzipBytes * 0.1, order: `0${groupLabel(group)}`, apply: () => undoOwnSplit(group) })
    // Duplicating a group into its users adds nothing to any one load, but a visitor who opens
    // several of them fetches it again: half its bytes per extra copy.
    if (canDuplicate)
      actions.push({ cost: group.gzipBytes * (group.roots.size - 1) * DUPLICATE_COST_FACTOR, order: `1${groupLabel(group)}`, apply: () => { group.dissolved = true } })
    for (const partner of partners) {
      if (partner === group || !partner.alive || partner.dissolved)
        continue
      const cost = mergeCost(group, partner)
      if (cost !== null) {
        const [into, from] = partner.gzipBytes >= group.gzipBytes ? [partner, group] : [group, partner]
        actions.push({ cost, order: `2${groupLabel(partner)}`, apply: () => mergeGroups(into, from) })
      }
    }
    return actions
  }
  const cheapest = (actions: Action[]): Action | null => {
    let best: Action | null = null
    for (const action of actions) {
      if (!best || action.cost < best.cost || (action.cost === best.cost && action.order < best.order))
        best = action
    }
    return best
  }
  const groupsByRoot = (): Map<number, WorkingGroup[]> => {
    const map = new Map<number, WorkingGroup[]>()
    for (const group of liveGroups()) {
      for (const root of group.roots) {
        const list = map.get(root)
        if (list)
          list.push(group)
        else
          map.set(root, [group])
      }
    }
    return map
  }

  // 3. minChunkBytes.
  allowInitialGrowth = goals.explicit.minChunkBytes
  const stuckSmall = new Set<WorkingGroup>()
  for (;;) {
    const small = liveGroups().filter(group => group.rawBytes < goals.minChunkBytes && !stuckSmall.has(group))
      .sort((a, b) => a.rawBytes - b.rawBytes || compareStrings(groupLabel(a), groupLabel(b)))
    if (small.length === 0)
      break
    const group = small[0]!
    const byRoot = groupsByRoot()
    const neighbours = new Set<WorkingGroup>()
    for (const root of group.roots) {
      for (const other of byRoot.get(root) ?? []) neighbours.add(other)
    }
    let action = cheapest(actionsFor(group, [...neighbours]))
    if (!action)
      action = cheapest(actionsFor(group, liveGroups()))
    // A default goal is best effort: a merge may add at most what a request is worth to the loads.
    if (action && !goals.explicit.minChunkBytes && action.cost > REQUEST_WORTH_GZIP_BYTES)
      action = null
    if (!action) {
      stuckSmall.add(group)
      continue
    }
    action.apply()
  }

  // 4. maxInitialRequests, per report entry (an HTML page may start several entry chunks).
  const entryRoots = report.entries.map(entry => ({
    entry,
    roots: roots.flatMap((root, index) => root.kind === 'entry' && entry.chunks.includes(root.chunkFile) ? [index] : []),
  })).sort((a, b) => compareStrings(a.entry.name, b.entry.name))
  const ownHasCss = (root: number): boolean => {
    for (let module = 0; module < ids.length; module++) {
      if (figures[module]!.cssRawBytes > 0 && ((owner[module] === -1 && signatures[module]!.length === 1 && signatures[module]![0] === root) || (owner[module]! >= 0 && groups[owner[module]!]!.dissolved && groups[owner[module]!]!.roots.has(root))))
        return true
    }
    return false
  }
  const groupFiles = (group: WorkingGroup): number => {
    let js = 0
    let css = 0
    for (const module of group.modules) {
      if (!figures[module]!.isStyle)
        js = 1
      if (figures[module]!.cssRawBytes > 0)
        css = 1
    }
    return js + css
  }
  const countRequests = (rootList: number[]): number => {
    let count = 0
    for (const root of rootList) count += 1 + (ownHasCss(root) ? 1 : 0)
    for (const group of liveGroups()) {
      if (rootList.some(root => group.roots.has(root)))
        count += groupFiles(group)
    }
    return count
  }
  const unmet: string[] = []
  if (goals.maxInitialRequests !== null) {
    allowInitialGrowth = true
    for (const { entry, roots: rootList } of entryRoots) {
      if (rootList.length === 0)
        continue
      let requests = countRequests(rootList)
      while (requests > goals.maxInitialRequests) {
        const mine = liveGroups().filter(group => rootList.some(root => group.roots.has(root)))
        const actions = mine.flatMap(group => actionsFor(group, mine))
        const action = cheapest(actions)
        if (!action)
          break
        action.apply()
        requests = countRequests(rootList)
      }
      if (requests > goals.maxInitialRequests) {
        const sharedWith = [...new Set(liveGroups().filter(group => rootList.some(root => group.roots.has(root))).flatMap(group => [...group.roots]))]
          .filter(root => !rootList.includes(root)).map(root => roots[root]!.name).sort(compareStrings)
        const why = sharedWith.length > 0
          ? `its own chunk, its stylesheets and the chunks it shares with ${sharedWith.slice(0, 3).join(', ')}${sharedWith.length > 3 ? ` and ${sharedWith.length - 3} more` : ''}, which ${ROLLUP_FAMILY.includes(target) ? `${target} cannot duplicate into it` : 'lazy-only code may not join'}`
          : 'its own chunk and its stylesheet'
        unmet.push(`maxInitialRequests ${goals.maxInitialRequests} cannot be met: entry ${entry.name} needs at least ${requests} requests (${why}); set maxInitialRequests to ${requests} or more`)
      }
    }
  }
  for (const group of stuckSmall) {
    if (group.alive && !group.dissolved && group.rawBytes < goals.minChunkBytes)
      unmet.push(`minChunkBytes ${goals.minChunkBytes} cannot be met: the chunk of ${group.modules.length} modules loaded by ${[...group.roots].map(root => roots[root]!.name).sort(compareStrings).join(', ')} holds ${formatBytes(group.rawBytes)} and ${allowInitialGrowth ? 'no merge keeps lazy-only code out of the initial loads' : 'every merge would grow an initial load'}; lower minChunkBytes to ${group.rawBytes}${goals.lazySharedOutOfInitial ? ' or set lazySharedOutOfInitial: false' : ''}`)
  }
  const hardUnmet = unmet.filter(message => (message.startsWith('maxInitialRequests') && goals.explicit.maxInitialRequests) || (message.startsWith('minChunkBytes') && goals.explicit.minChunkBytes))
  if (hardUnmet.length > 0) {
    const both = goals.explicit.maxInitialRequests && goals.explicit.minChunkBytes
    throw new SplitPlanError(`${both ? `the goals conflict (maxInitialRequests ${goals.maxInitialRequests}, minChunkBytes ${goals.minChunkBytes}): ` : ''}${hardUnmet.join('; ')}`, 'goals')
  }
  notes.push(...unmet.map(message => `${message} (a default goal, so the plan goes ahead).`))

  // 5. Cycles between groups become one group; then dependencies first.
  mergeGroupCycles(groups, owner, needs.staticImports, mergeGroups)
  const ordered = orderDependenciesFirst(groups.filter(group => group.alive && !group.dissolved), groups, owner, needs.staticImports)

  // Resolvability: the configuration matches modules by path.
  if (options.isResolvable) {
    let plannedBytes = 0
    let resolvedBytes = 0
    const unresolved: string[] = []
    for (const group of ordered) {
      for (const module of group.modules) {
        if (ids[module]!.startsWith('virtual:'))
          continue
        const bytes = bytesOf(module).raw
        plannedBytes += bytes
        if (options.isResolvable(ids[module]!))
          resolvedBytes += bytes
        else if (unresolved.length < 3)
          unresolved.push(ids[module]!)
      }
    }
    if (plannedBytes > 0 && resolvedBytes < plannedBytes * 0.9)
      throw new SplitPlanError(`the ${report.bundler.name} report's module ids do not resolve to files ${target} can match (${formatBytes(plannedBytes - resolvedBytes)} of ${formatBytes(plannedBytes)} planned, e.g. ${unresolved.map(id => JSON.stringify(id)).join(', ')}); plan from a report of a build of this project (or pass its project root)`)
  }
  const sameFamily = (ROLLUP_FAMILY.includes(target) && ['vite', 'rollup', 'rolldown'].includes(report.bundler.name))
    || (canDuplicate && ['webpack', 'rspack'].includes(report.bundler.name))
  if (!sameFamily)
    notes.push(`Planned from a ${report.bundler.name} report for ${target}: ${target} tree-shakes, wraps and places its runtime differently, so expect the figures to move; rebuild, then plan again from the ${target} report.`)

  return renderPlan({ report, target, goals, needs, groups, ordered, owner, stabilityCompared: stability.comparedReports, notes, tierChanges: stability.changes, canDuplicate, entryRoots })
}

/** Tarjan's SCCs over the group import graph (iterative); each cycle is merged into one group. */
function mergeGroupCycles(groups: WorkingGroup[], owner: Int32Array, staticImports: number[][], merge: (into: WorkingGroup, from: WorkingGroup) => void): void {
  const live = groups.map((group, index) => (group.alive && !group.dissolved ? index : -1)).filter(index => index >= 0)
  const edges = new Map<number, Set<number>>()
  for (const index of live) {
    const targets = new Set<number>()
    for (const module of groups[index]!.modules) {
      for (const next of staticImports[module]!) {
        const target = owner[next]!
        if (target >= 0 && target !== index && groups[target]!.alive && !groups[target]!.dissolved)
          targets.add(target)
      }
    }
    edges.set(index, targets)
  }
  let counter = 0
  const indexOf = new Map<number, number>()
  const low = new Map<number, number>()
  const onStack = new Set<number>()
  const stack: number[] = []
  const components: number[][] = []
  for (const start of live) {
    if (indexOf.has(start))
      continue
    const work: { node: number, iterator: Iterator<number> }[] = [{ node: start, iterator: edges.get(start)![Symbol.iterator]() }]
    indexOf.set(start, counter)
    low.set(start, counter++)
    stack.push(start)
    onStack.add(start)
    while (work.length > 0) {
      const frame = work[work.length - 1]!
      const step = frame.iterator.next()
      if (!step.done) {
        const next = step.value
        if (!indexOf.has(next)) {
          indexOf.set(next, counter)
          low.set(next, counter++)
          stack.push(next)
          onStack.add(next)
          work.push({ node: next, iterator: edges.get(next)![Symbol.iterator]() })
        }
        else if (onStack.has(next)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, indexOf.get(next)!))
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1]!.node
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!))
      }
      if (low.get(frame.node) === indexOf.get(frame.node)) {
        const component: number[] = []
        let member: number
        do {
          member = stack.pop()!
          onStack.delete(member)
          component.push(member)
        } while (member !== frame.node)
        if (component.length > 1)
          components.push(component.sort((a, b) => a - b))
      }
    }
  }
  for (const component of components) {
    const [first, ...rest] = component.map(index => groups[index]!).sort((a, b) => b.gzipBytes - a.gzipBytes)
    for (const group of rest) merge(first!, group)
  }
}

/** Groups ordered so that a group comes after every group it imports (Kahn, ties by first module). */
function orderDependenciesFirst(live: WorkingGroup[], groups: WorkingGroup[], owner: Int32Array, staticImports: number[][]): WorkingGroup[] {
  const position = new Map(live.map((group, index) => [group, index]))
  const dependsOn = live.map(() => new Set<number>())
  const dependents = live.map(() => new Set<number>())
  live.forEach((group, index) => {
    for (const module of group.modules) {
      for (const next of staticImports[module]!) {
        const target = owner[next]!
        if (target < 0)
          continue
        const targetIndex = position.get(groups[target]!)
        if (targetIndex !== undefined && targetIndex !== index) {
          dependsOn[index]!.add(targetIndex)
          dependents[targetIndex]!.add(index)
        }
      }
    }
  })
  const firstModule = live.map(group => Math.min(...group.modules))
  const ready = live.map((_, index) => index).filter(index => dependsOn[index]!.size === 0)
  const order: WorkingGroup[] = []
  const remaining = dependsOn.map(set => set.size)
  while (ready.length > 0) {
    ready.sort((a, b) => firstModule[b]! - firstModule[a]!)
    const next = ready.pop()!
    order.push(live[next]!)
    for (const dependent of dependents[next]!) {
      remaining[dependent]! -= 1
      if (remaining[dependent] === 0)
        ready.push(dependent)
    }
  }
  // Cycles were merged before; anything left (should not happen) keeps its place at the end.
  for (const group of live) {
    if (!order.includes(group))
      order.push(group)
  }
  return order
}

interface RenderInput {
  report: Report
  target: SplitTarget
  goals: ResolvedSplitGoals
  needs: ReturnType<typeof computeModuleNeeds>
  groups: WorkingGroup[]
  ordered: WorkingGroup[]
  owner: Int32Array
  stabilityCompared: number
  tierChanges: Map<string, number>
  notes: string[]
  canDuplicate: boolean
  entryRoots: { entry: Report['entries'][number], roots: number[] }[]
}

function sanitizeName(value: string): string {
  return value.replace(/\.[cm]?[jt]sx?$/, '').replace(/[^\w-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'chunk'
}

/** Names, figures and predictions of a finished grouping. */
function renderPlan(input: RenderInput): SplitPlan {
  const { report, target, goals, needs, groups, ordered, owner, notes } = input
  const { ids, figures, roots } = needs
  const bytesOfModule = (module: number): number => figures[module]!.jsGzipBytes + figures[module]!.cssGzipBytes
  const chunkByFile = new Map(report.chunks.map(chunk => [chunk.file, chunk]))
  const outputByFile = new Map(report.outputs.map(output => [output.file, output]))

  const usedNames = new Set<string>(roots.map(root => sanitizeName(root.name)))
  const reasonOf = (group: WorkingGroup): SplitGroupReason => {
    if (group.tier === 'vendor-stable' || group.tier === 'vendor-changing')
      return group.tier
    return [...group.roots].every(root => roots[root]!.kind === 'lazy') ? 'lazy-shared' : 'shared'
  }
  // Names: after the group's heaviest package (vendor groups) or module, as bundlers name chunks;
  // short, because every importer spells the file name out.
  const packageNameById = new Map(report.packages.map(pkg => [pkg.id, pkg.name]))
  const names = ordered.map((group) => {
    const vendor = group.tier === 'vendor-stable' || group.tier === 'vendor-changing'
    const weightByLabel = new Map<string, number>()
    for (const module of group.modules) {
      const pkg = needs.packageOf[module] ?? null
      const id = ids[module]!
      const label = pkg !== null
        ? (packageNameById.get(pkg) ?? pkg.slice(pkg.lastIndexOf('/') + 1)).replace(/^@/, '')
        : (id.split('?')[0]!.split('/').pop() ?? 'chunk')
      // Virtual helpers name a chunk only when nothing else does.
      const weight = id.startsWith('virtual:') ? 0.001 : (vendor || pkg === null ? 1 : 0.2) * (bytesOfModule(module) + 1)
      weightByLabel.set(label, (weightByLabel.get(label) ?? 0) + weight)
    }
    const heaviest = [...weightByLabel].sort((a, b) => b[1] - a[1] || compareStrings(a[0], b[0]))[0]?.[0] ?? 'chunk'
    const base = sanitizeName(group.tier === 'vendor-changing' ? `${heaviest}-changing` : heaviest)
    let name = base
    for (let suffix = 2; usedNames.has(name); suffix++) name = `${base}-${suffix}`
    usedNames.add(name)
    return name
  })

  // Package prefixes: a package whose every bundled module sits in one group, with no module of
  // another assignment under its folder.
  const sortedIds = ids.map((id, index) => ({ id, index })).sort((a, b) => compareStrings(a.id, b.id))
  const orderedIndex = new Map(ordered.map((group, index) => [group, index]))
  const assignment = (module: number): number => {
    const target = owner[module]!
    return target >= 0 && groups[target]!.alive && !groups[target]!.dissolved ? orderedIndex.get(groups[target]!)! : -1
  }
  const prefixesOf = ordered.map(() => [] as string[])
  const coveredByPrefix = new Set<number>()
  const packageIds = [...new Set(needs.packageOf.filter((pkg): pkg is string => pkg !== null))].sort(compareStrings)
  for (const pkg of packageIds) {
    const prefix = `${pkg}/`
    let start = 0
    let end = sortedIds.length
    while (start < end) {
      const middle = (start + end) >>> 1
      if (sortedIds[middle]!.id < prefix)
        start = middle + 1
      else
        end = middle
    }
    const members: number[] = []
    for (let cursor = start; cursor < sortedIds.length && sortedIds[cursor]!.id.startsWith(prefix); cursor++) members.push(sortedIds[cursor]!.index)
    const assigned = new Set(members.map(assignment))
    if (members.length === 0 || assigned.size !== 1 || assigned.has(-1) || members.some(module => ids[module]!.includes('?')))
      continue
    prefixesOf[[...assigned][0]!]!.push(pkg)
    for (const module of members) coveredByPrefix.add(module)
  }

  const splitGroups: SplitGroup[] = ordered.map((group, index) => {
    const packages = new Set(group.modules.map(module => needs.packageOf[module]).filter((pkg): pkg is string => pkg !== null))
    const changes = group.tier === 'app' ? null : Math.max(0, ...[...packages].map(pkg => input.tierChanges.get(pkg) ?? 0))
    return {
      name: names[index]!,
      reason: reasonOf(group),
      loadedBy: [...group.roots].map(root => roots[root]!.name).sort(compareStrings),
      modules: group.modules.filter(module => !coveredByPrefix.has(module)).map(module => ids[module]!).sort(compareStrings),
      packages: prefixesOf[index]!.sort(compareStrings),
      moduleCount: group.modules.length,
      rawBytes: group.rawBytes,
      gzipBytes: group.gzipBytes,
      changes,
      priority: ordered.length - index,
    }
  })

  // Glue estimates from today's chunks.
  const jsChunks = report.chunks.filter(chunk => chunk.kind === 'js')
  const sharedJsGlue = jsChunks.filter(chunk => !chunk.isEntry && !chunk.isDynamicEntry).map(chunk => chunk.glue.gzipBytes ?? 0)
  const newJsGlue = median(sharedJsGlue.length > 0 ? sharedJsGlue : jsChunks.map(chunk => chunk.glue.gzipBytes ?? 0), 20)
  const cssChunks = report.chunks.filter(chunk => chunk.kind === 'css')
  const newCssGlue = median(cssChunks.map(chunk => chunk.glue.gzipBytes ?? 0), 20)

  interface PlannedFile { label: string, rawBytes: number, gzipBytes: number }
  const ownFiles = roots.map((root, rootIndex): PlannedFile[] => {
    let jsRaw = 0
    let jsGzip = 0
    let cssRaw = 0
    let cssGzip = 0
    let hasJs = false
    for (let module = 0; module < ids.length; module++) {
      const target = owner[module]!
      const signature = needs.signatures[module]!
      const mine = (target === -1 && signature.length === 1 && signature[0] === rootIndex)
        || (target >= 0 && groups[target]!.dissolved && groups[target]!.roots.has(rootIndex))
      if (!mine)
        continue
      const value = figures[module]!
      jsRaw += value.jsRawBytes
      jsGzip += value.jsGzipBytes
      cssRaw += value.cssRawBytes
      cssGzip += value.cssGzipBytes
      if (!value.isStyle)
        hasJs = true
    }
    const chunk = chunkByFile.get(root.chunkFile)
    const files: PlannedFile[] = []
    const glue = chunk?.glue ?? { rawBytes: 0, gzipBytes: newJsGlue }
    if (hasJs || chunk)
      files.push({ label: `[${root.kind} ${root.name}].js`, rawBytes: jsRaw + glue.rawBytes, gzipBytes: jsGzip + (glue.gzipBytes ?? newJsGlue) })
    if (cssRaw > 0) {
      const todayCss = (chunk?.css ?? []).map(file => chunkByFile.get(file)).filter(css => css !== undefined)
      const cssGlue = todayCss.length > 0 ? todayCss.reduce((sum, css) => sum + (css.glue.gzipBytes ?? 0), 0) : newCssGlue
      const cssGlueRaw = todayCss.reduce((sum, css) => sum + css.glue.rawBytes, 0)
      files.push({ label: `[${root.kind} ${root.name}].css`, rawBytes: cssRaw + cssGlueRaw, gzipBytes: cssGzip + cssGlue })
    }
    return files
  })
  const groupFiles = ordered.map((group, index): PlannedFile[] => {
    let jsRaw = 0
    let jsGzip = 0
    let cssRaw = 0
    let cssGzip = 0
    let hasJs = false
    for (const module of group.modules) {
      const value = figures[module]!
      jsRaw += value.jsRawBytes
      jsGzip += value.jsGzipBytes
      cssRaw += value.cssRawBytes
      cssGzip += value.cssGzipBytes
      if (!value.isStyle)
        hasJs = true
    }
    const files: PlannedFile[] = []
    if (hasJs)
      files.push({ label: `${names[index]}.js`, rawBytes: jsRaw, gzipBytes: jsGzip + newJsGlue })
    if (cssRaw > 0)
      files.push({ label: `${names[index]}.css`, rawBytes: cssRaw, gzipBytes: cssGzip + newCssGlue })
    return files
  })
  const filesOfRoot = (rootIndex: number): PlannedFile[] => [
    ...ownFiles[rootIndex]!,
    ...ordered.flatMap((group, index) => group.roots.has(rootIndex) ? groupFiles[index]! : []),
  ]
  const toFigures = (files: PlannedFile[], extra: { file: string, rawBytes: number, gzipBytes: number, counts: boolean }[] = []): SplitLoadFigures => {
    const unique = new Map(files.map(file => [file.label, file]))
    const labels = [...unique.keys(), ...extra.map(item => item.file)].sort(compareStrings)
    return {
      gzipBytes: Math.round([...unique.values()].reduce((sum, file) => sum + file.gzipBytes, 0) + extra.reduce((sum, item) => sum + item.gzipBytes, 0)),
      rawBytes: [...unique.values()].reduce((sum, file) => sum + file.rawBytes, 0) + extra.reduce((sum, item) => sum + item.rawBytes, 0),
      requests: unique.size + extra.filter(item => item.counts).length,
      files: labels,
    }
  }
  const isRequest = (file: string): boolean => {
    const kind = outputByFile.get(file)?.kind ?? chunkByFile.get(file)?.kind
    return kind === 'js' || kind === 'css'
  }
  const todayFigures = (files: string[]): SplitLoadFigures => {
    let gzipBytes = 0
    let rawBytes = 0
    for (const file of files) {
      const output = outputByFile.get(file)
      gzipBytes += output?.gzipBytes ?? 0
      rawBytes += output?.rawBytes ?? 0
    }
    return { gzipBytes, rawBytes, requests: files.filter(isRequest).length, files: [...files].sort(compareStrings) }
  }

  const entries: SplitEntryPrediction[] = input.entryRoots.map(({ entry, roots: rootList }) => {
    const chunkFilesToday = new Set(report.chunks.map(chunk => chunk.file))
    const extra = entry.initialLoad.files.filter(file => !chunkFilesToday.has(file)).map((file) => {
      const output = outputByFile.get(file)
      return { file, rawBytes: output?.rawBytes ?? 0, gzipBytes: output?.gzipBytes ?? 0, counts: isRequest(file) }
    })
    return {
      name: entry.name,
      kind: entry.kind,
      today: todayFigures(entry.initialLoad.files),
      predicted: toFigures(rootList.flatMap(filesOfRoot), extra),
    }
  }).sort((a, b) => compareStrings(a.name, b.name))

  // Lazy routes: what they fetch beyond every initial load that can reach them. Rollup-family
  // chunks import chunks (a closure); a webpack/rspack chunk lists the other chunks of its chunk
  // group (one level: those lists are unions over every group the chunk is in).
  const oneLevel = report.bundler.name === 'webpack' || report.bundler.name === 'rspack'
  const todayClosure = (file: string): Set<string> => {
    const seen = new Set<string>()
    const queue = [file]
    while (queue.length > 0) {
      const current = queue.pop()!
      if (seen.has(current))
        continue
      seen.add(current)
      const chunk = chunkByFile.get(current)
      queue.push(...chunk?.css ?? [])
      if (!oneLevel || current === file)
        queue.push(...chunk?.imports ?? [])
    }
    return seen
  }
  const routes: SplitRoutePrediction[] = roots.flatMap((root, rootIndex): SplitRoutePrediction[] => {
    if (root.kind !== 'lazy')
      return []
    const reaching = needs.entriesReaching[rootIndex]!
    const intersect = <T>(sets: Set<T>[]): Set<T> => {
      if (sets.length === 0)
        return new Set()
      return new Set([...sets[0]!].filter(item => sets.every(set => set.has(item))))
    }
    const todayLoaded = intersect(reaching.map(entry => todayClosure(roots[entry]!.chunkFile)))
    const todayFiles = [...todayClosure(root.chunkFile)].filter(file => !todayLoaded.has(file))
    const plannedLoaded = intersect(reaching.map(entry => new Set(filesOfRoot(entry).map(file => file.label))))
    const plannedFiles = filesOfRoot(rootIndex).filter(file => !plannedLoaded.has(file.label))
    return [{ name: root.name, module: root.entryModule, today: todayFigures(todayFiles), predicted: toFigures(plannedFiles) }]
  }).sort((a, b) => compareStrings(a.name, b.name))

  const predictedChunks = ownFiles.filter(files => files.some(file => file.label.endsWith('.js'))).length
    + groupFiles.filter(files => files.some(file => file.label.endsWith('.js'))).length

  if (input.canDuplicate && groups.some(group => group.alive && group.dissolved))
    notes.push(`Code several entries share (and small shared groups) has no cache group: ${target} duplicates it into each chunk that uses it, so no load grows.`)
  if (ordered.length === 0)
    notes.push('No chunk group to configure: today\'s chunking already meets the goals.')

  return {
    target,
    sourceBundler: report.bundler.name,
    goals,
    groups: splitGroups,
    entries,
    routes,
    chunks: { today: jsChunks.length, predicted: predictedChunks },
    comparedReports: input.stabilityCompared,
    notes,
  }
}
