/**
 * The measurer: exact gzip / brotli sizes of each file (compressed once per algorithm in worker
 * threads, see `compress.ts`), cached by content (`cache.ts`), with compressed bytes attributed
 * to byte ranges (`attribution.ts`).
 */
import type { CompressionOptions, MeasureRequest, MeasureResult, Measurer, MeasureStats } from './types'
import type { Buffer } from 'node:buffer'
import { attributeToKeys, encodeRegionEnds, toRegions } from './attribution'
import { createMeasureCache, hashBytes } from './cache'
import { createCompressionQueue, toBuffer } from './compress'
import { countGzipBitsByRegion } from './gzip-bit-costs'

export { attributeToKeys, toRegions } from './attribution'
export { countGzipBitsByRegion } from './gzip-bit-costs'
export { splitProportionally } from './split'

export const DEFAULT_CACHE_MAX_BYTES = 50_000_000
/** The gzip level used for attribution when gzip itself is turned off (brotli is split by gzip bits). */
const ATTRIBUTION_GZIP_LEVEL = 9
/** Bumped when a cached value's meaning changes. */
const CACHE_FORMAT = 'v1'

interface CachedBits {
  bits: number[]
  containerBits: number
}

function isByteCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0
}

function isCachedBits(regionCount: number): (value: unknown) => value is CachedBits {
  return (value): value is CachedBits => {
    if (typeof value !== 'object' || value === null)
      return false
    const { bits, containerBits } = value as Partial<CachedBits>
    return Array.isArray(bits) && bits.length === regionCount && typeof containerBits === 'number'
      && Number.isFinite(containerBits) && containerBits >= 0
      && bits.every(bit => typeof bit === 'number' && Number.isFinite(bit) && bit >= 0)
  }
}

function checkLevel(name: string, value: number | false, max: number): void {
  if (value !== false && !(Number.isInteger(value) && value >= 0 && value <= max))
    throw new Error(`weighbridge: compression.${name} must be false or a whole number 0-${max}; received ${String(value)}`)
}

export function createMeasurer(options: CompressionOptions): Measurer {
  checkLevel('gzip', options.gzip, 9)
  checkLevel('brotli', options.brotli, 11)
  const { gzip: gzipLevel, brotli: brotliQuality } = options
  const cache = createMeasureCache(options.cacheDir, options.cacheMaxBytes ?? DEFAULT_CACHE_MAX_BYTES)
  const queue = createCompressionQueue()
  const stats: MeasureStats = { compressedFiles: 0, cacheHits: 0, prefetchedFiles: 0 }
  /** Compressions in progress by cache key, so identical files in one batch compress once. */
  const inFlight = new Map<string, Promise<unknown>>()
  /** Compressions `prefetch()` started, by cache key; null when the cache had the value. Claimed by `once()`. */
  const prefetched = new Map<string, Promise<unknown>>()

  /**
   * Runs `compute` unless the same key is in flight (or takes over what `prefetch()` started for it);
   * `started` tells whether this call compressed, `early` whether `prefetch()` had started it.
   */
  function once<T>(key: string, compute: () => Promise<T>): { promise: Promise<T>, started: boolean, early: boolean } {
    const running = inFlight.get(key) as Promise<T> | undefined
    if (running)
      return { promise: running, started: false, early: false }
    const early = prefetched.get(key) as Promise<T | null> | undefined
    prefetched.delete(key)
    const work = early ? early.then(value => value ?? compute(), () => compute()) : compute()
    const promise = work.finally(() => inFlight.delete(key))
    inFlight.set(key, promise)
    return { promise, started: true, early: early !== undefined }
  }

  /** Starts `compute` for `key` unless it is cached, running or prefetched already. */
  function startEarly(key: string, compute: () => Promise<unknown>): void {
    if (inFlight.has(key) || prefetched.has(key))
      return
    // Synchronous up to the job's submission: compression starts inside the bundler hook that calls this.
    const promise = cache.peek(key, isByteCount) === undefined ? compute() : Promise.resolve(null)
    // A prefetch nobody claims must not surface as an unhandled rejection; a claim sees the error.
    promise.catch(() => {})
    prefetched.set(key, promise)
  }

  function prefetch(contents: Uint8Array, knownHash?: string): void {
    const bytes = toBuffer(contents)
    const contentHash = knownHash ?? hashBytes(bytes)
    const attributionLevel = gzipLevel === false ? ATTRIBUTION_GZIP_LEVEL : gzipLevel
    // With gzip off the stream is needed for attribution only, and whether its bits are cached
    // depends on the segments, which are not known yet: `measure()` compresses then, if it must.
    if (gzipLevel !== false)
      startEarly(`${CACHE_FORMAT}-gzip${attributionLevel}-${contentHash}`, () => queue.gzip(bytes, attributionLevel))
    if (brotliQuality !== false)
      startEarly(`${CACHE_FORMAT}-brotli${brotliQuality}-${contentHash}`, () => queue.brotliBytes(bytes, brotliQuality))
  }

  async function measureOne(request: MeasureRequest): Promise<MeasureResult> {
    const bytes = toBuffer(request.bytes)
    const contentHash = request.contentHash ?? hashBytes(bytes)
    const regions = request.segments ? toRegions(request.file, bytes.length, request.segments) : null
    const attributionLevel = gzipLevel === false ? ATTRIBUTION_GZIP_LEVEL : gzipLevel
    const needsBits = regions !== null && (gzipLevel !== false || brotliQuality !== false)

    const gzipKey = `${CACHE_FORMAT}-gzip${attributionLevel}-${contentHash}`
    const brotliKey = `${CACHE_FORMAT}-brotli${brotliQuality}-${contentHash}`
    const bitsKey = regions && `${CACHE_FORMAT}-bits${attributionLevel}-${contentHash}-${hashBytes(encodeRegionEnds(regions)).slice(0, 32)}`

    let [gzipBytes, brotliBytes, cachedBits] = await Promise.all([
      gzipLevel === false ? null : cache.get(gzipKey, isByteCount),
      brotliQuality === false ? null : cache.get(brotliKey, isByteCount),
      needsBits ? cache.get(bitsKey!, isCachedBits(regions!.ends.length)) : null,
    ])
    let compressed = false
    let prefetchedEarly = false

    const gzipAndCount = async (): Promise<void> => {
      const job = once(gzipKey, () => queue.gzip(bytes, attributionLevel))
      compressed ||= job.started
      prefetchedEarly ||= job.early
      const stream = await job.promise
      if (gzipLevel !== false && gzipBytes === undefined) {
        gzipBytes = stream.length
        if (job.started)
          cache.set(gzipKey, gzipBytes)
      }
      if (needsBits && cachedBits === undefined)
        cachedBits = countBits(request.file, stream, regions!.ends, bytes.length, bitsKey!)
    }
    const brotliAndCount = async (): Promise<void> => {
      const job = once(brotliKey, () => queue.brotliBytes(bytes, brotliQuality as number))
      compressed ||= job.started
      prefetchedEarly ||= job.early
      brotliBytes = await job.promise
      if (job.started)
        cache.set(brotliKey, brotliBytes)
    }
    await Promise.all([
      gzipBytes === undefined || cachedBits === undefined ? gzipAndCount() : null,
      brotliBytes === undefined ? brotliAndCount() : null,
    ])
    if (compressed && prefetchedEarly)
      stats.prefetchedFiles++
    if (compressed)
      stats.compressedFiles++
    else if (gzipLevel !== false || brotliQuality !== false)
      stats.cacheHits++

    const result: MeasureResult = {
      file: request.file,
      rawBytes: bytes.length,
      gzipBytes: gzipBytes ?? null,
      brotliBytes: brotliBytes ?? null,
    }
    if (regions) {
      const bits = cachedBits ? { bitsByRegion: cachedBits.bits, containerBits: cachedBits.containerBits } : null
      result.byKey = attributeToKeys(regions, bits, result.gzipBytes, result.brotliBytes)
    }
    return result
  }

  function countBits(file: string, stream: Buffer, ends: number[], fileBytes: number, key: string): CachedBits {
    const counted = countGzipBitsByRegion(stream, ends)
    if (counted.outputBytes !== fileBytes)
      throw new Error(`measure ${file}: attribution decoded ${counted.outputBytes} bytes of ${fileBytes}`)
    const value = { bits: Array.from(counted.bitsByRegion), containerBits: counted.containerBits }
    cache.set(key, value)
    return value
  }

  return {
    stats,
    prefetch,
    async measure(requests) {
      try {
        const results = await Promise.all(requests.map(measureOne))
        await cache.flush()
        return results
      }
      finally {
        prefetched.clear()
      }
    },
    async close() {
      await cache.flush()
      await queue.close()
    },
  }
}
