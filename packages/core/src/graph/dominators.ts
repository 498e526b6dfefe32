/**
 * Dominators of a directed graph from one root, and what each node "retains": the nodes every path
 * from the root passes through it to reach. Cutting all edges into a node (making its imports
 * dynamic) removes exactly the nodes it dominates from the root's reach.
 *
 * Algorithm: Cooper, Harvey & Kennedy, "A Simple, Fast Dominance Algorithm" (2001): iterate
 * `idom(v) = intersect(idom of processed predecessors)` in reverse postorder until stable.
 *
 * Graphs are plain index graphs in CSR form so one implementation serves module graphs of any size.
 */

/** A directed graph over nodes `0..nodeCount-1`: the successors of `v` are `targets[offsets[v]..offsets[v+1])`. */
export interface IndexGraph {
  nodeCount: number
  offsets: Int32Array
  targets: Int32Array
}

/** Builds an `IndexGraph` from an edge list (duplicate edges are kept; they do not change dominators). */
export function createIndexGraph(nodeCount: number, edges: ReadonlyArray<readonly [number, number]>): IndexGraph {
  const offsets = new Int32Array(nodeCount + 1)
  for (const [from] of edges) offsets[from + 1]!++
  for (let v = 0; v < nodeCount; v++) offsets[v + 1]! += offsets[v]!
  const cursor = offsets.slice(0, nodeCount)
  const targets = new Int32Array(edges.length)
  for (const [from, to] of edges) targets[cursor[from]!++] = to
  return { nodeCount, offsets, targets }
}

export interface Dominators {
  root: number
  /** Immediate dominator per node; `idom[root] = root`; -1 for nodes the root does not reach. */
  idom: Int32Array
  /** Reachable nodes in reverse postorder (root first; a node's idom always comes before it). */
  order: Int32Array
  /** Whether `a` dominates `b` (every node dominates itself); false when either is unreachable. */
  dominates: (a: number, b: number) => boolean
  /** Reachable nodes in preorder of the dominator tree: the nodes `v` dominates are `preorder[preorderIndex[v]..subtreeEnd[v])`. */
  preorder: Int32Array
  /** Position of each node in `preorder`; -1 for unreachable nodes. */
  preorderIndex: Int32Array
  /** End (exclusive) of each node's dominator subtree in `preorder`; -1 for unreachable nodes. */
  subtreeEnd: Int32Array
  /** Depth in the dominator tree (root 0); -1 for unreachable nodes. */
  depth: Int32Array
}

/** The nodes `v` dominates (itself first), as a view into `dominators.preorder`; empty when unreachable. */
export function listDominated(dominators: Dominators, v: number): Int32Array {
  const start = dominators.preorderIndex[v]!
  return start === -1 ? dominators.preorder.subarray(0, 0) : dominators.preorder.subarray(start, dominators.subtreeEnd[v]!)
}

/** Computes the dominator tree of `graph` from `root` (Cooper–Harvey–Kennedy). */
export function computeDominators(graph: IndexGraph, root: number): Dominators {
  const { nodeCount, offsets, targets } = graph
  // Iterative DFS for the postorder numbering.
  const postIndex = new Int32Array(nodeCount).fill(-1)
  const visited = new Uint8Array(nodeCount)
  const postorder: number[] = []
  const stackNode: number[] = [root]
  const stackEdge: number[] = [offsets[root]!]
  visited[root] = 1
  while (stackNode.length > 0) {
    const top = stackNode.length - 1
    const v = stackNode[top]!
    const edge = stackEdge[top]!
    if (edge < offsets[v + 1]!) {
      stackEdge[top] = edge + 1
      const w = targets[edge]!
      if (visited[w] === 0) {
        visited[w] = 1
        stackNode.push(w)
        stackEdge.push(offsets[w]!)
      }
    }
    else {
      stackNode.pop()
      stackEdge.pop()
      postIndex[v] = postorder.length
      postorder.push(v)
    }
  }
  const order = Int32Array.from(postorder).reverse()

  // Predecessors among reachable nodes (CSR again).
  const predOffsets = new Int32Array(nodeCount + 1)
  for (const v of order) {
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) predOffsets[targets[e]! + 1]!++
  }
  for (let v = 0; v < nodeCount; v++) predOffsets[v + 1]! += predOffsets[v]!
  const predCursor = predOffsets.slice(0, nodeCount)
  const preds = new Int32Array(predOffsets[nodeCount]!)
  for (const v of order) {
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) preds[predCursor[targets[e]!]!++] = v
  }

  const idom = new Int32Array(nodeCount).fill(-1)
  idom[root] = root
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while (postIndex[a]! < postIndex[b]!) a = idom[a]!
      while (postIndex[b]! < postIndex[a]!) b = idom[b]!
    }
    return a
  }
  let changed = true
  while (changed) {
    changed = false
    for (let i = 1; i < order.length; i++) {
      const v = order[i]!
      let candidate = -1
      for (let e = predOffsets[v]!; e < predOffsets[v + 1]!; e++) {
        const p = preds[e]!
        if (idom[p] === -1) continue
        candidate = candidate === -1 ? p : intersect(p, candidate)
      }
      if (candidate !== -1 && idom[v] !== candidate) {
        idom[v] = candidate
        changed = true
      }
    }
  }

  // Preorder positions and subtree ends on the dominator tree make `dominates` O(1).
  const childOffsets = new Int32Array(nodeCount + 1)
  for (const v of order) if (v !== root) childOffsets[idom[v]! + 1]!++
  for (let v = 0; v < nodeCount; v++) childOffsets[v + 1]! += childOffsets[v]!
  const childCursor = childOffsets.slice(0, nodeCount)
  const children = new Int32Array(Math.max(0, order.length - 1))
  for (const v of order) if (v !== root) children[childCursor[idom[v]!]!++] = v
  const enter = new Int32Array(nodeCount).fill(-1)
  const end = new Int32Array(nodeCount).fill(-1)
  const depth = new Int32Array(nodeCount).fill(-1)
  depth[root] = 0
  const preorder = new Int32Array(order.length)
  let clock = 0
  const treeNode: number[] = [root]
  const treeEdge: number[] = [childOffsets[root]!]
  preorder[clock] = root
  enter[root] = clock++
  while (treeNode.length > 0) {
    const top = treeNode.length - 1
    const v = treeNode[top]!
    const edge = treeEdge[top]!
    if (edge < childOffsets[v + 1]!) {
      treeEdge[top] = edge + 1
      const w = children[edge]!
      preorder[clock] = w
      enter[w] = clock++
      depth[w] = depth[v]! + 1
      treeNode.push(w)
      treeEdge.push(childOffsets[w]!)
    }
    else {
      end[v] = clock
      treeNode.pop()
      treeEdge.pop()
    }
  }
  const dominates = (a: number, b: number): boolean =>
    enter[a]! !== -1 && enter[b]! !== -1 && enter[a]! <= enter[b]! && enter[b]! < end[a]!

  return { root, idom, order, dominates, preorder, preorderIndex: enter, subtreeEnd: end, depth }
}

/**
 * Sum of `weights` over the nodes each node dominates (itself included): what leaves the root's
 * reach when every edge into that node is cut. Unreachable nodes retain 0.
 */
export function computeRetainedWeights(dominators: Dominators, weights: ArrayLike<number>): Float64Array {
  const retained = new Float64Array(dominators.idom.length)
  const { order, idom } = dominators
  for (const v of order) retained[v] = weights[v]!
  for (let i = order.length - 1; i > 0; i--) {
    const v = order[i]!
    retained[idom[v]!]! += retained[v]!
  }
  return retained
}

/** Nodes reachable from `roots` without entering any node for which `blocked(v)` is true. */
export function computeReachable(graph: IndexGraph, roots: Iterable<number>, blocked?: (v: number) => boolean): Uint8Array {
  const { offsets, targets } = graph
  const seen = new Uint8Array(graph.nodeCount)
  const stack: number[] = []
  for (const r of roots) {
    if (seen[r] === 0 && !(blocked?.(r) ?? false)) {
      seen[r] = 1
      stack.push(r)
    }
  }
  while (stack.length > 0) {
    const v = stack.pop()!
    for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
      const w = targets[e]!
      if (seen[w] === 0 && !(blocked?.(w) ?? false)) {
        seen[w] = 1
        stack.push(w)
      }
    }
  }
  return seen
}

/** The nearest common dominator of reachable nodes `a` and `b`. */
export function findCommonDominator(dominators: Dominators, a: number, b: number): number {
  const { depth, idom } = dominators
  while (a !== b) {
    if (depth[a]! >= depth[b]!) a = idom[a]!
    else b = idom[b]!
  }
  return a
}

const scratchMarks = new WeakMap<Dominators, { marks: Int32Array, stamp: number }>()

export interface RemovalResult {
  /** Reachable nodes that become unreachable (the set's reachable nodes included), in dominator-tree preorder. */
  removed: number[]
  /** Whether a node is still reachable from the root once the set is gone (false for unreachable nodes). */
  staysReachable: (v: number) => boolean
}

/**
 * What leaves the root's reach when every node of `set` is removed (all edges into it cut). Only
 * the dominator subtree of the set's common dominator d can lose nodes: a path that avoids d avoids
 * the whole set, since d dominates each of its nodes. And that subtree is entered only through d,
 * so one walk from d inside the subtree, not entering the set, finds what stays. Cost: the size of
 * d's subtree, not of the graph. The answer's `staysReachable` is valid until the next call.
 */
export function computeRemovalBySet(graph: IndexGraph, dominators: Dominators, set: readonly number[]): RemovalResult {
  const reachable = set.filter(v => dominators.idom[v] !== -1)
  const { preorder, preorderIndex, subtreeEnd, idom } = dominators
  if (reachable.length === 0) return { removed: [], staysReachable: v => idom[v] !== -1 }
  let scratch = scratchMarks.get(dominators)
  if (!scratch) scratchMarks.set(dominators, scratch = { marks: new Int32Array(idom.length), stamp: 0 })
  const { marks } = scratch
  const inSet = ++scratch.stamp
  const stays = ++scratch.stamp
  for (const v of reachable) marks[v] = inSet
  const d = reachable.reduce((a, b) => findCommonDominator(dominators, a, b))
  const start = preorderIndex[d]!
  const stop = subtreeEnd[d]!
  const inSubtree = (v: number): boolean => preorderIndex[v]! >= start && preorderIndex[v]! < stop
  if (marks[d] !== inSet) {
    const stack = [d]
    marks[d] = stays
    const { offsets, targets } = graph
    while (stack.length > 0) {
      const v = stack.pop()!
      for (let e = offsets[v]!; e < offsets[v + 1]!; e++) {
        const w = targets[e]!
        if (marks[w] === inSet || marks[w] === stays || !inSubtree(w)) continue
        marks[w] = stays
        stack.push(w)
      }
    }
  }
  const removed: number[] = []
  for (let i = start; i < stop; i++) if (marks[preorder[i]!] !== stays) removed.push(preorder[i]!)
  return { removed, staysReachable: v => (inSubtree(v) ? marks[v] === stays : idom[v] !== -1) }
}
