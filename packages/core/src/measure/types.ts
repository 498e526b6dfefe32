/**
 * The measurement contract: compress each emitted file once per algorithm, off the main thread,
 * cached by content, and attribute the compressed bytes to byte ranges (modules) of the file so that
 * they add up exactly to the file's measured size.
 */

export interface CompressionOptions {
  /** zlib gzip level; false turns gzip off. @default 9 */
  gzip: number | false
  /** Brotli quality; false turns brotli off. @default 11 */
  brotli: number | false
  /** Directory of the persistent, size-bounded cache keyed by content hash; false = memory only. */
  cacheDir: string | false
  /** Upper bound of the on-disk cache in bytes. @default 50_000_000 */
  cacheMaxBytes?: number
}

/** A byte range [start, end) of the file owned by `key` (a module index, or -1 for glue). */
export interface ByteSegment {
  start: number
  end: number
  key: number
}

export interface MeasureRequest {
  /** Any label (the output file); used in error messages only. */
  file: string
  bytes: Uint8Array
  /**
   * Disjoint, sorted byte ranges covering the file (gaps count as glue). When given, the result
   * carries compressed bytes per key; keys may repeat (one module in several ranges).
   */
  segments?: ByteSegment[]
  /** sha256 (hex) of `bytes` when the caller has it already (`hashBytes`); computed otherwise. */
  contentHash?: string
}

export interface MeasureResult {
  file: string
  rawBytes: number
  gzipBytes: number | null
  brotliBytes: number | null
  /**
   * Per key: raw, gzip and brotli bytes. Key -1 collects the glue (gaps + container overhead).
   * Sums over all keys equal rawBytes / gzipBytes / brotliBytes exactly.
   */
  byKey?: Map<number, { rawBytes: number, gzipBytes: number | null, brotliBytes: number | null }>
}

export interface MeasureStats {
  /** Files compressed (per file, whichever algorithms were on) since the measurer was created. */
  compressedFiles: number
  /** Files answered from the memory or disk cache without compressing (files with both algorithms off count in neither). */
  cacheHits: number
  /** Of `compressedFiles`, those whose compression `prefetch()` had started before `measure()` took it over. */
  prefetchedFiles: number
}

export interface Measurer {
  measure: (requests: MeasureRequest[]) => Promise<MeasureResult[]>
  /**
   * Starts compressing a file now (from the bundler hook that emits it, so that compression overlaps
   * the rest of the build) unless its sizes are cached; a later `measure()` of the same bytes takes
   * over the work in progress. Work no `measure()` claimed is dropped when the next `measure()` ends.
   */
  prefetch: (bytes: Uint8Array, contentHash?: string) => void
  /** Counters since creation (a live object, updated as files are measured). */
  readonly stats: MeasureStats
  /** Waits for pending cache writes, trims the disk cache to its bound and ends the compression workers. */
  close: () => Promise<void>
}
