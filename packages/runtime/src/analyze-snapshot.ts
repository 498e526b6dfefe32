/**
 * Node side: turns the raw counters the page collected (`__WEIGHBRIDGE__.snapshot()`, a
 * `RawRuntimeSnapshot`) into the `RuntimeSnapshot` of report.json: every site with its file:line and
 * counts, the leaks (a live count that grows with the iterations, by Theil–Sen slope), span
 * aggregates and the heap trend with a time-to-limit estimate. Used by the dev-server endpoint, the
 * report's attach path and the tests; none of it ships to the browser.
 */
import type { RuntimeHeap, RuntimeLeak, RuntimeSite, RuntimeSnapshot, RuntimeSpanStats } from '@weighbridge/core'
import type { RawRuntimeSnapshot } from './raw-snapshot'
import { SITE_APIS } from './site-apis'
import { estimateTheilSenSlope } from './theil-sen'

/** A site leaks when its live count grows at least this much per iteration. */
export const LEAK_GROWTH_PER_ITERATION = 0.5
/** Iteration marks needed before a slope is trusted. */
export const MIN_LEAK_ITERATIONS = 4
/** The slope is estimated over the last marks only (the estimator is quadratic in the points). */
const SLOPE_WINDOW = 60
/** Heap samples needed for a trend. */
const MIN_HEAP_SAMPLES = 4

/** Why `value` is not a raw runtime snapshot, or null when it is one. */
export function describeRawSnapshotProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object'
  const raw = value as Partial<RawRuntimeSnapshot>
  if (raw.raw !== 1) return `"raw" is ${JSON.stringify(raw.raw)}, expected 1`
  for (const key of ['modules', 'added', 'released', 'collected', 'marks', 'spans'] as const) {
    if (!Array.isArray(raw[key])) return `"${key}" is not an array`
  }
  if (typeof raw.iterations !== 'number') return '"iterations" is not a number'
  if (typeof raw.sampleRate !== 'number') return '"sampleRate" is not a number'
  return null
}

/** Whether `value` looks like a raw snapshot (the page's format) rather than an analysed one. */
export function isRawRuntimeSnapshot(value: unknown): value is RawRuntimeSnapshot {
  return typeof value === 'object' && value !== null && (value as { raw?: unknown }).raw === 1
}

function releaseHint(api: string): string {
  if (api === 'addEventListener') return 'removeEventListener, { once: true } or { signal }'
  if (api === 'setInterval') return 'clearInterval'
  if (api === 'setTimeout') return 'clearTimeout'
  if (api === 'requestAnimationFrame') return 'cancelAnimationFrame'
  return 'disconnect()'
}

function findLeak(site: RuntimeSite): RuntimeLeak | null {
  const series = site.liveByIteration.slice(-SLOPE_WINDOW)
  const n = series.length
  if (n < MIN_LEAK_ITERATIONS || series[n - 1]! <= series[0]!) return null
  const estimate = estimateTheilSenSlope(series.map((_, i) => i), series)
  if (!estimate || estimate.slope < LEAK_GROWTH_PER_ITERATION) return null
  const live = series[n - 1]!
  const growth = Math.round(estimate.slope * 100) / 100
  const where = `${site.file}:${site.line}:${site.column}`
  return {
    site: site.id,
    file: site.file,
    line: site.line,
    column: site.column,
    api: site.api,
    live,
    growthPerIteration: growth,
    iterations: n,
    message: `${where} ${site.api}: ${live} live, +${growth} per iteration over ${n} iterations; release it when the view closes (${releaseHint(site.api)})`,
  }
}

function summariseHeap(heap: NonNullable<RawRuntimeSnapshot['heap']>): RuntimeHeap {
  const samples = heap.samples.map(([atMs, usedBytes]) => ({ atMs, usedBytes }))
  const estimate = samples.length >= MIN_HEAP_SAMPLES
    ? estimateTheilSenSlope(samples.map(s => s.atMs / 1000), samples.map(s => s.usedBytes))
    : null
  const last = samples[samples.length - 1]
  const msToLimit = estimate && estimate.low > 0 && estimate.slope > 0 && heap.limitBytes && last
    ? Math.max(0, Math.round((heap.limitBytes - last.usedBytes) / estimate.slope * 1000))
    : null
  return {
    source: heap.source,
    samples,
    limitBytes: heap.limitBytes,
    slopeBytesPerSecond: estimate ? Math.round(estimate.slope) : null,
    slopeLowBytesPerSecond: estimate ? Math.round(estimate.low) : null,
    slopeHighBytesPerSecond: estimate ? Math.round(estimate.high) : null,
    msToLimit,
  }
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)

/** The analysed snapshot of a page's raw counters (pure; deterministic for the same input). */
export function analyzeRuntimeSnapshot(raw: RawRuntimeSnapshot): RuntimeSnapshot {
  const sites: RuntimeSite[] = []
  const leaks: RuntimeLeak[] = []
  for (const [file, table] of raw.modules) {
    for (let i = 0; i + 3 < table.length; i += 4) {
      const id = table[i]!
      const api = SITE_APIS[table[i + 3]!]
      const added = raw.added[id] ?? 0
      if (!api || added === 0) continue
      const released = raw.released[id] ?? 0
      const collected = raw.collected[id] ?? 0
      const kind = api[1]
      const liveByIteration: number[] = []
      if (kind !== 'release') {
        for (const mark of raw.marks) {
          const live = mark[id]
          // Marks before the module registered its sites have no entry (a lazily loaded view).
          if (typeof live === 'number') liveByIteration.push(live)
          else if (liveByIteration.length > 0) liveByIteration.push(0)
        }
      }
      const site: RuntimeSite = {
        id,
        file,
        line: table[i + 1]!,
        column: table[i + 2]!,
        kind,
        api: api[0],
        added,
        released,
        collected,
        live: kind === 'release' ? 0 : added - released - collected,
        liveByIteration,
      }
      sites.push(site)
      const leak = kind === 'release' ? null : findLeak(site)
      if (leak) leaks.push(leak)
    }
  }
  sites.sort((a, b) => a.id - b.id)
  leaks.sort((a, b) => b.growthPerIteration - a.growthPerIteration || a.site - b.site)
  const spans: RuntimeSpanStats[] = raw.spans.map(([kind, name, count, totalMs, maxMs]) => ({ kind, name, count, totalMs, maxMs }))
  spans.sort((a, b) => b.totalMs - a.totalMs || compareText(a.kind, b.kind) || compareText(a.name, b.name))
  return {
    schemaVersion: 1,
    url: raw.url,
    sampleRate: raw.sampleRate,
    takenAtMs: raw.takenAtMs,
    iterations: raw.iterations,
    sites,
    leaks,
    spans,
    heap: raw.heap ? summariseHeap(raw.heap) : null,
  }
}
