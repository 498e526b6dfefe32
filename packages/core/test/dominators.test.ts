import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { computeDominators, computeReachable, computeRemovalBySet, computeRetainedWeights, createIndexGraph, listDominated } from '../src/graph/dominators'

type Edge = readonly [number, number]

/** Brute force: cut node v (block it), recompute reachability, sum the weights of what was lost. */
function bruteForceRetained(nodeCount: number, edges: Edge[], root: number, weights: number[]): number[] {
  const graph = createIndexGraph(nodeCount, edges)
  const all = computeReachable(graph, [root])
  return weights.map((_, v) => {
    if (all[v] === 0) return 0
    if (v === root) return weights.reduce((sum, w, i) => sum + (all[i] ? w : 0), 0)
    const without = computeReachable(graph, [root], node => node === v)
    let lost = 0
    for (let i = 0; i < nodeCount; i++) if (all[i] === 1 && without[i] === 0) lost += weights[i]!
    return lost
  })
}

/** Brute force of "a dominates b": b is unreachable once a is blocked (or a === b). */
function bruteForceDominates(nodeCount: number, edges: Edge[], root: number, a: number, b: number): boolean {
  const graph = createIndexGraph(nodeCount, edges)
  const all = computeReachable(graph, [root])
  if (all[a] === 0 || all[b] === 0) return false
  if (a === b || a === root) return true
  return computeReachable(graph, [root], node => node === a)[b] === 0
}

function retainedByDominators(nodeCount: number, edges: Edge[], root: number, weights: number[]): number[] {
  const dominators = computeDominators(createIndexGraph(nodeCount, edges), root)
  return Array.from(computeRetainedWeights(dominators, weights))
}

describe('dominators and retained sizes on hand-made graphs', () => {
  it('diamond: the join is retained by neither branch, only by the root', () => {
    // 0 → 1, 0 → 2, 1 → 3, 2 → 3, 3 → 4
    const edges: Edge[] = [[0, 1], [0, 2], [1, 3], [2, 3], [3, 4]]
    const weights = [1, 10, 20, 40, 80]
    const d = computeDominators(createIndexGraph(5, edges), 0)
    expect(Array.from(d.idom)).toEqual([0, 0, 0, 0, 3])
    expect(retainedByDominators(5, edges, 0, weights)).toEqual([151, 10, 20, 120, 80])
    expect(retainedByDominators(5, edges, 0, weights)).toEqual(bruteForceRetained(5, edges, 0, weights))
  })

  it('cycle: a back edge into the subtree does not stop its head from retaining it', () => {
    // 0 → 1 → 2 → 3 → 1 (cycle 1-2-3), 3 → 4, 0 → 5
    const edges: Edge[] = [[0, 1], [1, 2], [2, 3], [3, 1], [3, 4], [0, 5]]
    const weights = [0, 5, 7, 11, 13, 17]
    expect(retainedByDominators(6, edges, 0, weights)).toEqual([53, 36, 31, 24, 13, 17])
    expect(retainedByDominators(6, edges, 0, weights)).toEqual(bruteForceRetained(6, edges, 0, weights))
  })

  it('cycle entered from two sides: neither entry retains the other', () => {
    // 0 → 1, 0 → 2, 1 ↔ 2, 2 → 3
    const edges: Edge[] = [[0, 1], [0, 2], [1, 2], [2, 1], [2, 3]]
    const weights = [0, 3, 5, 7]
    expect(retainedByDominators(4, edges, 0, weights)).toEqual([15, 3, 12, 7])
    expect(retainedByDominators(4, edges, 0, weights)).toEqual(bruteForceRetained(4, edges, 0, weights))
  })

  it('self-imports and duplicate edges change nothing', () => {
    const edges: Edge[] = [[0, 1], [1, 1], [1, 2], [1, 2], [2, 2], [0, 0]]
    const weights = [2, 3, 4]
    expect(retainedByDominators(3, edges, 0, weights)).toEqual([9, 7, 4])
    expect(retainedByDominators(3, edges, 0, weights)).toEqual(bruteForceRetained(3, edges, 0, weights))
  })

  it('a module shared by two entries (virtual root 0 over entries 1 and 2) is retained by neither entry', () => {
    // entries 1 and 2; 3 shared; 4 only under entry 1; 5 under shared 3
    const edges: Edge[] = [[0, 1], [0, 2], [1, 3], [2, 3], [1, 4], [3, 5]]
    const weights = [0, 1, 1, 100, 50, 25]
    const retained = retainedByDominators(6, edges, 0, weights)
    expect(retained).toEqual([177, 51, 1, 125, 50, 25])
    expect(retained).toEqual(bruteForceRetained(6, edges, 0, weights))
  })

  it('unreachable nodes retain nothing and dominate nothing', () => {
    const edges: Edge[] = [[0, 1], [2, 1], [2, 3]]
    const weights = [1, 2, 4, 8]
    const d = computeDominators(createIndexGraph(4, edges), 0)
    expect(Array.from(d.idom)).toEqual([0, 0, -1, -1])
    expect(d.dominates(2, 3)).toBe(false)
    expect(retainedByDominators(4, edges, 0, weights)).toEqual([3, 2, 0, 0])
  })
})

describe('dominators against brute force on random graphs (property)', () => {
  const graphArb = fc.integer({ min: 1, max: 24 }).chain(nodeCount => fc.record({
    nodeCount: fc.constant(nodeCount),
    edges: fc.array(fc.tuple(fc.nat(nodeCount - 1), fc.nat(nodeCount - 1)), { maxLength: nodeCount * 3 }),
    weights: fc.array(fc.nat(5000), { minLength: nodeCount, maxLength: nodeCount }),
    root: fc.nat(nodeCount - 1),
  }))

  it('retained weights equal "block the node, recompute reachability, sum what was lost"', () => {
    fc.assert(fc.property(graphArb, ({ nodeCount, edges, weights, root }) => {
      expect(retainedByDominators(nodeCount, edges, root, weights)).toEqual(bruteForceRetained(nodeCount, edges, root, weights))
    }), { numRuns: 300 })
  })

  it('dominates(a, b) equals "b is unreachable once a is blocked"', () => {
    fc.assert(fc.property(graphArb, ({ nodeCount, edges, root }) => {
      const d = computeDominators(createIndexGraph(nodeCount, edges), root)
      for (let a = 0; a < nodeCount; a++) {
        for (let b = 0; b < nodeCount; b++) {
          expect(d.dominates(a, b)).toBe(bruteForceDominates(nodeCount, edges, root, a, b))
        }
      }
    }), { numRuns: 150 })
  })

  it('listDominated(v) lists exactly the nodes v dominates', () => {
    fc.assert(fc.property(graphArb, ({ nodeCount, edges, root }) => {
      const d = computeDominators(createIndexGraph(nodeCount, edges), root)
      for (let v = 0; v < nodeCount; v++) {
        const expected = Array.from({ length: nodeCount }, (_, w) => w).filter(w => d.dominates(v, w))
        expect(Array.from(listDominated(d, v)).sort((x, y) => x - y)).toEqual(expected)
      }
    }), { numRuns: 150 })
  })

  it('removing a set of nodes (a package) loses what brute-force reachability loses', () => {
    const withSet = graphArb.chain(graph => fc.record({ graph: fc.constant(graph), sets: fc.array(fc.uniqueArray(fc.nat(graph.nodeCount - 1), { minLength: 1, maxLength: 5 }), { minLength: 1, maxLength: 4 }) }))
    fc.assert(fc.property(withSet, ({ graph: { nodeCount, edges, root }, sets }) => {
      const indexGraph = createIndexGraph(nodeCount, edges)
      const d = computeDominators(indexGraph, root)
      const all = computeReachable(indexGraph, [root])
      // Several sets against one dominator tree: the scratch marks of one call must not leak into the next.
      for (const set of sets) {
        const after = computeReachable(indexGraph, [root], v => set.includes(v))
        const expected = Array.from({ length: nodeCount }, (_, v) => v).filter(v => all[v] === 1 && after[v] === 0)
        const { removed, staysReachable } = computeRemovalBySet(indexGraph, d, set)
        expect([...removed].sort((x, y) => x - y)).toEqual(expected)
        for (let v = 0; v < nodeCount; v++) expect(staysReachable(v), `node ${v}`).toBe(after[v] === 1)
      }
    }), { numRuns: 300 })
  })
})
