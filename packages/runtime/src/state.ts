/**
 * The runtime's counters in the page: arrays indexed by the site ids the build assigned (no Map, no
 * record per call), sampled span aggregates, heap samples and the iteration marks. Plain module
 * state, created once per realm by `installRuntime`. Nothing here interprets the numbers: that is
 * `analyzeRuntimeSnapshot` on the node side.
 */
import type { RawRuntimeSnapshot, RawSpan } from './raw-snapshot'

/** Iteration marks kept (one live count per site each). */
const MAX_MARKS = 200
/** Distinct span names kept (others are dropped). */
const MAX_SPANS = 500
/** Heap samples kept. */
const MAX_HEAP_SAMPLES = 120

export const added: number[] = []
export const released: number[] = []
export const collected: number[] = []
const modules = new Map<string, number[]>()
let marks: number[][] = []
let iterations = 0
let spans = new Map<string, RawSpan>()
const heapSamples: [number, number][] = []

/** Registers a module's site table `[id, line, column, apiCode, ...]`; re-registering (HMR) keeps counts. */
export function registerSites(file: string, table: number[]): void {
  modules.set(file, table)
  for (let i = 0; i < table.length; i += 4) {
    const id = table[i]!
    added[id] ??= 0
    released[id] ??= 0
    collected[id] ??= 0
  }
}

// Sites are registered (counters set to 0) before their module's code runs.
export function countAdded(site: number): void {
  added[site]!++
}

export function countReleased(site: number): void {
  released[site]!++
}

export function countCollected(site: number): void {
  collected[site]!++
}

/** Records every registered site's live count. */
export function markIteration(): void {
  const live: number[] = []
  for (let id = 0; id < added.length; id++) {
    if (added[id] !== undefined) live[id] = added[id]! - released[id]! - collected[id]!
  }
  iterations++
  if (marks.push(live) > MAX_MARKS) marks.shift()
}

export function addSpan(kind: RawSpan[0], name: string, durationMs: number): void {
  const key = kind + name
  let span = spans.get(key)
  if (!span) {
    if (spans.size >= MAX_SPANS) return
    spans.set(key, span = [kind, name, 0, 0, 0])
  }
  span[2]++
  span[3] += durationMs
  if (durationMs > span[4]) span[4] = durationMs
}

export function addHeapSample(atMs: number, usedBytes: number): void {
  if (heapSamples.push([atMs, usedBytes]) > MAX_HEAP_SAMPLES) heapSamples.shift()
}

/** Forgets iteration marks, spans and heap samples; live registrations stay counted. */
export function resetState(): void {
  marks = []
  iterations = 0
  spans = new Map()
  heapSamples.length = 0
}

export function takeRawSnapshot(head: Pick<RawRuntimeSnapshot, 'url' | 'sampleRate' | 'takenAtMs'>, heap: Omit<NonNullable<RawRuntimeSnapshot['heap']>, 'samples'> | null): RawRuntimeSnapshot {
  return {
    raw: 1,
    ...head,
    iterations,
    modules: [...modules],
    added: added.slice(),
    released: released.slice(),
    collected: collected.slice(),
    marks: marks.slice(),
    spans: [...spans.values()].map(span => span.slice() as RawSpan),
    heap: heap && { ...heap, samples: heapSamples.slice() },
  }
}
