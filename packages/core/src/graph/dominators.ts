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

  // Pre/post numbers on the dominator tree make `dominates` O(1).
  const childOffsets = new Int32Array(nodeCount + 1)
  for (const v of order) if (v !== root) childOffsets[idom[v]! + 1]!++
  for (let v = 0; v < nodeCount; v++) childOffsets[v + 1]! += childOffsets[v]!
  const childCursor = childOffsets.slice(0, nodeCount)
  const children = new Int32Array(Math.max(0, order.length - 1))
  for (const v of order) if (v !== root) children[childCursor[idom[v]!]!++] = v
  const enter = new Int32Array(nodeCount).fill(-1)
  const leave = new Int32Array(nodeCount).fill(-1)
  let clock = 0
  const treeNode: number[] = [root]
  const treeEdge: number[] = [childOffsets[root]!]
  enter[root] = clock++
  while (treeNode.length > 0) {
    const top = treeNode.length - 1
    const v = treeNode[top]!
    const edge = treeEdge[top]!
    if (edge < childOffsets[v + 1]!) {
      treeEdge[top] = edge + 1
      const w = children[edge]!
      enter[w] = clock++
      treeNode.push(w)
      treeEdge.push(childOffsets[w]!)
    }
    else {
      leave[v] = clock++
      treeNode.pop()
      treeEdge.pop()
    }
  }
  const dominates = (a: number, b: number): boolean =>
    enter[a]! !== -1 && enter[b]! !== -1 && enter[a]! <= enter[b]! && leave[b]! <= leave[a]!

  return { root, idom, order, dominates }
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
