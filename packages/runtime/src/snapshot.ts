/**
 * Builds the JSON-serialisable `RuntimeSnapshot` from the runtime's counters: sites, leaks (live count
 * growing with the iterations, by Theil–Sen slope), span aggregates and the heap trend.
 */
import type { RuntimeHeap, RuntimeLeak, RuntimeSite, RuntimeSnapshot } from '@weighbridge/core'
import type { SiteRecord } from './state'
import { counters, getLive, heapSamples, sites, spans } from './state'
import { estimateTheilSenSlope } from './theil-sen'

/** A site leaks when its live count grows at least this much per iteration. */
export const LEAK_GROWTH_PER_ITERATION = 0.5
/** Iteration marks needed before a slope is trusted. */
export const MIN_LEAK_ITERATIONS = 4
/** The slope is estimated over the last marks only (the estimator is quadratic in the points). */
const SLOPE_WINDOW = 60

export interface HeapInfo {
  source: RuntimeHeap['source']
  limitBytes: number | null
}

function findLeak(record: SiteRecord): RuntimeLeak | null {
  const series = record.series.slice(-SLOPE_WINDOW)
  const n = series.length
  if (n < MIN_LEAK_ITERATIONS || series[n - 1]! <= series[0]!) return null
  const xs: number[] = []
  for (let i = 0; i < n; i++) xs.push(i)
  const estimate = estimateTheilSenSlope(xs, series)
  if (!estimate || estimate.slope < LEAK_GROWTH_PER_ITERATION) return null
  const live = series[n - 1]!
  const growth = Math.round(estimate.slope * 100) / 100
  return {
    site: record.id,
    file: record.file,
    line: record.line,
    column: record.column,
    api: record.api,
    live,
    growthPerIteration: growth,
    iterations: n,
    message: `${record.file}:${record.line}:${record.column} ${record.api}: ${live} live, +${growth} per iteration over ${n} iterations; release it when the view closes (${releaseHint(record.api)})`,
  }
}

function releaseHint(api: string): string {
  if (api === 'addEventListener') return 'removeEventListener, { once: true } or { signal }'
  if (api === 'setInterval') return 'clearInterval'
  if (api === 'setTimeout') return 'clearTimeout'
  if (api === 'requestAnimationFrame') return 'cancelAnimationFrame'
  return 'disconnect()'
}

function summariseHeap(info: HeapInfo): RuntimeHeap {
  const samples = heapSamples.slice()
  const estimate = samples.length >= 4
    ? estimateTheilSenSlope(samples.map(s => s.atMs / 1000), samples.map(s => s.usedBytes))
    : null
  const last = samples[samples.length - 1]
  const msToLimit = estimate && estimate.low > 0 && estimate.slope > 0 && info.limitBytes && last
    ? Math.max(0, Math.round((info.limitBytes - last.usedBytes) / estimate.slope * 1000))
    : null
  return {
    source: info.source,
    samples,
    limitBytes: info.limitBytes,
    slopeBytesPerSecond: estimate ? Math.round(estimate.slope) : null,
    slopeLowBytesPerSecond: estimate ? Math.round(estimate.low) : null,
    slopeHighBytesPerSecond: estimate ? Math.round(estimate.high) : null,
    msToLimit,
  }
}

export function buildSnapshot(url: string | null, sampleRate: number, takenAtMs: number, heap: HeapInfo | null): RuntimeSnapshot {
  const siteList: RuntimeSite[] = []
  const leaks: RuntimeLeak[] = []
  for (const record of sites) {
    if (!record || record.added === 0) continue
    siteList.push({
      id: record.id,
      file: record.file,
      line: record.line,
      column: record.column,
      kind: record.kind,
      api: record.api,
      added: record.added,
      released: record.released,
      collected: record.collected,
      live: record.kind === 'release' ? 0 : getLive(record),
      liveByIteration: record.series.slice(),
    })
    const leak = record.kind === 'release' ? null : findLeak(record)
    if (leak) leaks.push(leak)
  }
  leaks.sort((a, b) => b.growthPerIteration - a.growthPerIteration || a.site - b.site)
  const spanList = [...spans.values()].map(s => ({ ...s }))
  spanList.sort((a, b) => b.totalMs - a.totalMs || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
  return {
    schemaVersion: 1,
    url,
    sampleRate,
    takenAtMs,
    iterations: counters.iterations,
    sites: siteList,
    leaks,
    spans: spanList,
    heap: heap ? summariseHeap(heap) : null,
  }
}
