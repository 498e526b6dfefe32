/**
 * Attribution of compressed bytes to byte ranges (modules) of one file.
 *
 * Method (gzip): we decode the exact gzip stream we measured with our own bit-counting inflate
 * (`gzip-bit-costs.ts`). Every literal's Huffman code belongs to the byte it produces; every match's
 * length code, distance code and extra bits are split evenly over the bytes it copies (a match that
 * crosses a module boundary pays each side by bytes). Per deflate block, the block header, the
 * code-length tables and the end-of-block code are spread over that block's ranges in proportion to
 * their symbol bits. The gzip header, trailer, final padding and blocks without symbols are glue
 * (key -1). The bits sum exactly to 8 × the gzip size; they are turned into whole bytes with
 * largest-remainder rounding, so the modules plus glue add up exactly to the file's gzip size.
 *
 * A module is charged what its bytes cost in this stream: text it shares with earlier modules is
 * cheap (a match), text that later modules copy from it costs it full price. For modules of real
 * size this is close to the marginal cost gzip(file) − gzip(file without the module) (see
 * `packages/core/test/measure.test.ts`), unlike compressing each module alone (overstates) or
 * scaling by raw share (misstates modules that compress better or worse than the file).
 *
 * Method (brotli): we have no brotli decoder; the exact brotli size of the file is split in
 * proportion to each key's gzip bits (same rounding). Brotli's per-module figure is therefore an
 * estimate shaped by gzip, while its file total is exact.
 *
 * Raw bytes per key are the sum of its range lengths; bytes in no range are glue.
 */
import type { ByteSegment, MeasureResult } from './types'
import { splitProportionally } from './split'

/** Consecutive regions covering [0, fileBytes): the segments plus glue regions for the gaps. */
export interface Regions {
  /** Exclusive end offset of each region; the last equals the file length. */
  ends: number[]
  /** The key of each region (-1 for a gap). */
  keys: number[]
}

/** Turns sorted, disjoint segments into regions covering the file; throws on a broken segment list. */
export function toRegions(file: string, fileBytes: number, segments: ByteSegment[]): Regions {
  const ends: number[] = []
  const keys: number[] = []
  let position = 0
  segments.forEach((segment, index) => {
    const { start, end, key } = segment
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < position || end < start || end > fileBytes) {
      throw new Error(`measure ${file}: segment ${index} [${start}, ${end}) must be a whole-number range after ${position} `
        + `and within the file's ${fileBytes} bytes; pass sorted, disjoint segments`)
    }
    if (start > position) {
      ends.push(start)
      keys.push(-1)
    }
    ends.push(end)
    keys.push(key)
    position = end
  })
  if (position < fileBytes || ends.length === 0) {
    ends.push(fileBytes)
    keys.push(-1)
  }
  return { ends, keys }
}

/** A hash input identifying the region boundaries (keys do not change the bits, so they are left out). */
export function encodeRegionEnds(regions: Regions): Uint8Array {
  return new Uint8Array(Float64Array.from(regions.ends).buffer)
}

type ByKey = NonNullable<MeasureResult['byKey']>

/**
 * Per key: raw bytes, and the file's gzip / brotli sizes split by the keys' gzip bits.
 * `regionBits` is null only when no compressed size was measured.
 */
export function attributeToKeys(
  regions: Regions,
  regionBits: { bitsByRegion: ArrayLike<number>, containerBits: number } | null,
  gzipBytes: number | null,
  brotliBytes: number | null,
): ByKey {
  const indexByKey = new Map<number, number>([[-1, 0]])
  for (const key of regions.keys) {
    if (!indexByKey.has(key))
      indexByKey.set(key, indexByKey.size)
  }
  const rawByIndex = Array.from({ length: indexByKey.size }, () => 0)
  const bitsByIndex = Array.from({ length: indexByKey.size }, () => 0)
  bitsByIndex[0] = regionBits?.containerBits ?? 0
  let start = 0
  regions.keys.forEach((key, region) => {
    const index = indexByKey.get(key)!
    rawByIndex[index]! += regions.ends[region]! - start
    bitsByIndex[index]! += regionBits?.bitsByRegion[region] ?? 0
    start = regions.ends[region]!
  })
  const gzipByIndex = gzipBytes === null ? null : splitProportionally(gzipBytes, bitsByIndex)
  const brotliByIndex = brotliBytes === null ? null : splitProportionally(brotliBytes, bitsByIndex)
  const byKey: ByKey = new Map()
  for (const [key, index] of indexByKey) {
    byKey.set(key, {
      rawBytes: rawByIndex[index]!,
      gzipBytes: gzipByIndex?.[index] ?? null,
      brotliBytes: brotliByIndex?.[index] ?? null,
    })
  }
  return byKey
}
