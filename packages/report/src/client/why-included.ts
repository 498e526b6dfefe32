/**
 * "Why is this module in my bundle?": the shortest import chain from an entry module, by
 * breadth-first search over static imports (static, require and CSS edges). When only a dynamic
 * import reaches the module, a second search that also follows `import()` edges gives the chain.
 */
import type { ImportKind, Module } from '@weighbridge/core'

export interface ImportChainStep {
  id: string
  /** How the previous step imports this one; null for the entry. */
  kind: ImportKind | null
}

export interface WhyIncluded {
  /** Entry first, the module last; null when no entry reaches the module. */
  chain: ImportChainStep[] | null
  /** True when the chain needed a dynamic import (the module is not in any initial load). */
  viaDynamicImport: boolean
}

const STATIC_KINDS = new Set<ImportKind>(['static', 'require', 'css'])

function searchChain(moduleById: ReadonlyMap<string, Module>, entryIds: readonly string[], target: string, followDynamic: boolean): ImportChainStep[] | null {
  const previous = new Map<string, ImportChainStep & { from: string | null }>()
  let frontier: string[] = []
  for (const id of entryIds) {
    if (previous.has(id) || !moduleById.has(id)) continue
    previous.set(id, { id, kind: null, from: null })
    frontier.push(id)
  }
  while (frontier.length > 0 && !previous.has(target)) {
    const next: string[] = []
    for (const id of frontier) {
      for (const edge of moduleById.get(id)?.imports ?? []) {
        if (previous.has(edge.id) || !(STATIC_KINDS.has(edge.kind) || (followDynamic && edge.kind === 'dynamic'))) continue
        previous.set(edge.id, { id: edge.id, kind: edge.kind, from: id })
        next.push(edge.id)
      }
    }
    frontier = next
  }
  const last = previous.get(target)
  if (!last) return null
  const chain: ImportChainStep[] = []
  for (let step: (ImportChainStep & { from: string | null }) | undefined = last; step; step = step.from === null ? undefined : previous.get(step.from)) {
    chain.push({ id: step.id, kind: step.kind })
  }
  return chain.reverse()
}

export function findWhyIncluded(moduleById: ReadonlyMap<string, Module>, entryIds: readonly string[], target: string): WhyIncluded {
  const staticChain = searchChain(moduleById, entryIds, target, false)
  if (staticChain) return { chain: staticChain, viaDynamicImport: false }
  const anyChain = searchChain(moduleById, entryIds, target, true)
  return { chain: anyChain, viaDynamicImport: anyChain !== null }
}
