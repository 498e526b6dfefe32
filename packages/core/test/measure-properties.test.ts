/**
 * Exactness on random inputs (fast-check) and the edge cases: empty file, one byte, gaps,
 * non-ASCII, both algorithms off, broken segment lists.
 */
import type { ByteSegment, MeasureResult } from '@weighbridge/core'
import { Buffer } from 'node:buffer'
import zlib from 'node:zlib'
import { createMeasurer, splitProportionally } from '@weighbridge/core'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { readCorpusFiles } from './measure-corpus'

let realText: Buffer

beforeAll(() => {
  realText = Buffer.concat(readCorpusFiles().filter(file => file.pkg === 'lodash-es').slice(0, 60).map(file => file.bytes))
})

function gzipSyncBytes(bytes: Uint8Array, level: number): number {
  return zlib.gzipSync(bytes, { level }).length
}

function brotliSyncBytes(bytes: Uint8Array, quality: number): number {
  return zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }).length
}

function sumByKey(result: MeasureResult, metric: 'rawBytes' | 'gzipBytes' | 'brotliBytes'): number {
  return [...result.byKey!.values()].reduce((sum, entry) => sum + (entry[metric] ?? 0), 0)
}

/** Sorted, disjoint segments with gaps from sorted cut points; keys repeat. */
function toSegments(size: number, cuts: number[], keys: number[], gapEvery: number): ByteSegment[] {
  const points = [...new Set([0, ...cuts.map(cut => cut % (size + 1)), size])].sort((a, b) => a - b)
  const segments: ByteSegment[] = []
  for (let index = 0; index + 1 < points.length; index++) {
    if (gapEvery > 0 && index % gapEvery === gapEvery - 1)
      continue
    segments.push({ start: points[index]!, end: points[index + 1]!, key: keys[index % keys.length]! })
  }
  return segments
}

describe('exact sizes and sums on random inputs', () => {
  it('matches zlib and sums exactly for random slices of real code, random segmentations and settings', async () => {
    await fc.assert(fc.asyncProperty(
      fc.integer({ min: 0, max: 200_000 }),
      fc.integer({ min: 0, max: 6_000 }),
      fc.array(fc.nat(), { maxLength: 30 }),
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 8 }),
      fc.integer({ min: 0, max: 3 }),
      fc.constantFrom<number | false>(9, 6, 1, 0, false),
      fc.constantFrom<number | false>(11, 5, 0, false),
      fc.uint8Array({ maxLength: 300 }),
      async (offset, length, cuts, keys, gapEvery, gzip, brotli, noise) => {
        const bytes = Buffer.concat([realText.subarray(offset, offset + length), noise])
        const segments = toSegments(bytes.length, cuts, keys, gapEvery)
        const measurer = createMeasurer({ gzip, brotli, cacheDir: false })
        const [result] = (await measurer.measure([{ file: 'random.js', bytes, segments }])) as [MeasureResult]
        expect(result.rawBytes).toBe(bytes.length)
        expect(result.gzipBytes).toBe(gzip === false ? null : gzipSyncBytes(bytes, gzip))
        expect(result.brotliBytes).toBe(brotli === false ? null : brotliSyncBytes(bytes, brotli))
        expect(sumByKey(result, 'rawBytes')).toBe(bytes.length)
        expect(sumByKey(result, 'gzipBytes')).toBe(result.gzipBytes ?? 0)
        expect(sumByKey(result, 'brotliBytes')).toBe(result.brotliBytes ?? 0)
        const rawByKey = new Map<number, number>()
        for (const segment of segments)
          rawByKey.set(segment.key, (rawByKey.get(segment.key) ?? 0) + segment.end - segment.start)
        for (const [key, rawBytes] of rawByKey)
          expect(result.byKey!.get(key)!.rawBytes).toBe(rawBytes)
        for (const entry of result.byKey!.values()) {
          expect(entry.gzipBytes === null || entry.gzipBytes >= 0).toBe(true)
          expect(entry.brotliBytes === null || entry.brotliBytes >= 0).toBe(true)
        }
      },
    ), { numRuns: 150 })
  })

  it('splits integers proportionally with an exact sum', () => {
    fc.assert(fc.property(
      fc.nat({ max: 10_000_000 }),
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 50 }),
      (total, weights) => {
        const shares = splitProportionally(total, weights)
        expect(shares.reduce((sum, share) => sum + share, 0)).toBe(total)
        const weightSum = weights.reduce((sum, weight) => sum + weight, 0)
        if (weightSum > 0) {
          shares.forEach((share, index) => {
            expect(Number.isInteger(share)).toBe(true)
            expect(Math.abs(share - total * weights[index]! / weightSum)).toBeLessThan(1)
          })
        }
      },
    ))
  })
})

describe('edge cases', () => {
  const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: false })

  it('measures an empty file as all glue', async () => {
    const bytes = new Uint8Array(0)
    const [result] = (await measurer.measure([{ file: 'empty.js', bytes, segments: [] }])) as [MeasureResult]
    expect(result.rawBytes).toBe(0)
    expect(result.gzipBytes).toBe(gzipSyncBytes(bytes, 9))
    expect(result.brotliBytes).toBe(brotliSyncBytes(bytes, 11))
    expect([...result.byKey!]).toEqual([[-1, { rawBytes: 0, gzipBytes: result.gzipBytes, brotliBytes: result.brotliBytes }]])
  })

  it('gives the one byte of a one-byte file its Huffman code, the container goes to glue', async () => {
    const bytes = Buffer.from('x')
    const [result] = (await measurer.measure([{ file: 'one.js', bytes, segments: [{ start: 0, end: 1, key: 7 }] }])) as [MeasureResult]
    expect(result.gzipBytes).toBe(gzipSyncBytes(bytes, 9))
    const moduleEntry = result.byKey!.get(7)!
    expect(moduleEntry.rawBytes).toBe(1)
    // A fixed-Huffman literal is 8 bits (+ header/EOB share): one or two bytes of 21.
    expect(moduleEntry.gzipBytes).toBeGreaterThanOrEqual(1)
    expect(moduleEntry.gzipBytes).toBeLessThanOrEqual(2)
    expect(result.byKey!.get(-1)!.gzipBytes! + moduleEntry.gzipBytes!).toBe(result.gzipBytes)
  })

  it('counts gaps as glue and gives zero-length segments nothing', async () => {
    const bytes = realText.subarray(0, 20_000)
    const segments = [
      { start: 100, end: 5_000, key: 0 },
      { start: 5_000, end: 5_000, key: 1 },
      { start: 9_000, end: 15_000, key: 2 },
      { start: 15_500, end: 19_000, key: 0 },
    ]
    const [result] = (await measurer.measure([{ file: 'gaps.js', bytes, segments }])) as [MeasureResult]
    expect(result.byKey!.get(0)!.rawBytes).toBe(4_900 + 3_500)
    expect(result.byKey!.get(1)).toEqual({ rawBytes: 0, gzipBytes: 0, brotliBytes: 0 })
    expect(result.byKey!.get(2)!.rawBytes).toBe(6_000)
    expect(result.byKey!.get(-1)!.rawBytes).toBe(100 + 4_000 + 500 + 1_000)
    expect(sumByKey(result, 'gzipBytes')).toBe(gzipSyncBytes(bytes, 9))
    // The glue holds 5.6 kB of the same kind of code: it gets a real share, not just the container.
    expect(result.byKey!.get(-1)!.gzipBytes).toBeGreaterThan(200)
  })

  it('handles non-ASCII content with byte offsets', async () => {
    const text = 'const grüße = "日本語のテキスト 🚀";\n'.repeat(200) + 'export const Ωmega = "ünïcödé";\n'.repeat(100)
    const bytes = Buffer.from(text, 'utf8')
    const split = Buffer.byteLength('const grüße = "日本語のテキスト 🚀";\n'.repeat(200))
    const segments = [{ start: 0, end: split, key: 0 }, { start: split, end: bytes.length, key: 1 }]
    const [result] = (await measurer.measure([{ file: 'unicode.js', bytes, segments }])) as [MeasureResult]
    expect(result.rawBytes).toBe(bytes.length)
    expect(result.rawBytes).toBeGreaterThan(text.length)
    expect(result.gzipBytes).toBe(gzipSyncBytes(bytes, 9))
    expect(result.brotliBytes).toBe(brotliSyncBytes(bytes, 11))
    expect(result.byKey!.get(0)!.rawBytes).toBe(split)
    expect(sumByKey(result, 'gzipBytes')).toBe(result.gzipBytes)
  })

  it('reports raw bytes only when both algorithms are off', async () => {
    const rawOnly = createMeasurer({ gzip: false, brotli: false, cacheDir: false })
    const bytes = realText.subarray(0, 3_000)
    const [result] = (await rawOnly.measure([{ file: 'raw.js', bytes, segments: [{ start: 0, end: 1_000, key: 3 }] }])) as [MeasureResult]
    expect(result).toMatchObject({ rawBytes: 3_000, gzipBytes: null, brotliBytes: null })
    expect(result.byKey!.get(3)).toEqual({ rawBytes: 1_000, gzipBytes: null, brotliBytes: null })
    expect(result.byKey!.get(-1)).toEqual({ rawBytes: 2_000, gzipBytes: null, brotliBytes: null })
    expect(rawOnly.stats).toEqual({ compressedFiles: 0, cacheHits: 0, prefetchedFiles: 0 })
  })

  it('leaves byKey out when no segments are given', async () => {
    const [result] = (await measurer.measure([{ file: 'plain.css', bytes: Buffer.from('a{color:red}') }])) as [MeasureResult]
    expect(result.byKey).toBeUndefined()
    expect(result.gzipBytes).toBe(gzipSyncBytes(Buffer.from('a{color:red}'), 9))
  })

  it('rejects overlapping or out-of-file segments with a message naming the file and the fix', async () => {
    const bytes = Buffer.from('0123456789')
    await expect(measurer.measure([{ file: 'dist/a.js', bytes, segments: [{ start: 0, end: 6, key: 0 }, { start: 4, end: 8, key: 1 }] }]))
      .rejects
      .toThrow(/dist\/a\.js: segment 1 \[4, 8\).*sorted, disjoint/)
    await expect(measurer.measure([{ file: 'dist/b.js', bytes, segments: [{ start: 0, end: 11, key: 0 }] }]))
      .rejects
      .toThrow(/dist\/b\.js: segment 0 \[0, 11\).*10 bytes/)
  })

  it('rejects invalid compression settings in one line', () => {
    expect(() => createMeasurer({ gzip: 12, brotli: 11, cacheDir: false })).toThrow('compression.gzip must be false or a whole number 0-9; received 12')
    expect(() => createMeasurer({ gzip: 9, brotli: 1.5, cacheDir: false })).toThrow('compression.brotli')
  })
})
