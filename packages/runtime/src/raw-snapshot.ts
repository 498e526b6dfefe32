/**
 * What `__WEIGHBRIDGE__.snapshot()` returns in the page: the runtime's raw counters, as cheap to
 * produce as possible (the browser side only collects). `analyzeRuntimeSnapshot` (node side, in
 * `analyze-snapshot.ts`) turns it into the `RuntimeSnapshot` of report.json: sites with file:line,
 * leaks, span aggregates, heap trend. Arrays indexed by site id have holes (JSON `null`) for ids
 * this page never registered.
 */

export type RawSpan = [kind: 'module' | 'user' | 'longtask', name: string, count: number, totalMs: number, maxMs: number]

export interface RawRuntimeSnapshot {
  /** Marks the raw format (an analysed snapshot has `schemaVersion` instead). */
  raw: 1
  url: string | null
  sampleRate: number
  takenAtMs: number
  /** Iteration marks since the last reset. */
  iterations: number
  /** The site tables modules registered: `[file, [id, line, column, apiCode, ...]]`. */
  modules: [file: string, table: number[]][]
  /** Per site id: registrations made (release sites: calls), released, dropped with a collected target. */
  added: (number | null)[]
  released: (number | null)[]
  collected: (number | null)[]
  /** The live count per site id at each iteration mark (the last 200); null = not registered yet. */
  marks: (number | null)[][]
  spans: RawSpan[]
  /** `performance.memory` (or the UA memory API) samples as `[atMs, usedBytes]`; null without one. */
  heap: { source: 'performance.memory' | 'measureUserAgentSpecificMemory', limitBytes: number | null, samples: [atMs: number, usedBytes: number][] } | null
}
