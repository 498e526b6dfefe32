/**
 * `Measurer.prefetch()`: compression started from the bundler hook is taken over by `measure()`
 * (counted in `stats.prefetchedFiles`, never compressed twice), gives the same figures as a measure
 * without prefetch (and as zlib), starts nothing for cached files, and is dropped when unclaimed.
 */
import type { MeasureRequest, MeasureResult } from '@weighbridge/core'
import type { CorpusFile } from './measure-corpus'
import { Buffer } from 'node:buffer'
import path from 'node:path'
import zlib from 'node:zlib'
import { createMeasurer } from '@weighbridge/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, readCorpusFiles } from './measure-corpus'

let files: CorpusFile[]
let requests: MeasureRequest[]
let tempDir: string
/** The same requests measured by a measurer that never prefetched. */
let expected: unknown

function toRequest(name: string, bytes: Buffer): MeasureRequest {
  const third = Math.floor(bytes.length / 3)
  return { file: name, bytes, segments: [{ start: 0, end: third, key: 0 }, { start: third + 5, end: bytes.length, key: 1 }] }
}

function toPlain(results: MeasureResult[]): unknown {
  return results.map(result => ({ ...result, byKey: result.byKey && [...result.byKey] }))
}

beforeAll(async () => {
  // One big file (the long job a prefetch should start early) and a few small ones.
  const corpus = readCorpusFiles()
  files = [corpus.find(file => file.pkg === 'lodash')!, ...corpus.filter(file => file.pkg === 'lodash-es').slice(200, 206)]
  requests = files.map(file => toRequest(path.basename(file.path), file.bytes))
  tempDir = makeTempDir('measure-prefetch')
  expected = toPlain(await createMeasurer({ gzip: 9, brotli: 9, cacheDir: false }).measure(requests))
})

describe('prefetch', () => {
  const cacheDir = (): string => path.join(tempDir, 'cache')

  it('hands its work to measure(): each file compressed once, figures as without prefetch and as zlib', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: 9, cacheDir: cacheDir() })
    for (const file of files)
      measurer.prefetch(file.bytes)
    // Identical bytes prefetched twice start one job.
    measurer.prefetch(Buffer.from(files[1]!.bytes))
    const results = await measurer.measure(requests)
    expect(measurer.stats).toEqual({ compressedFiles: files.length, cacheHits: 0, prefetchedFiles: files.length })
    expect(toPlain(results)).toEqual(expected)
    results.forEach((result, index) => {
      const bytes = files[index]!.bytes
      expect(result.gzipBytes).toBe(zlib.gzipSync(bytes, { level: 9 }).length)
      expect(result.brotliBytes).toBe(zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 9 } }).length)
      const keyGzip = [...result.byKey!.values()].reduce((sum, sizes) => sum + sizes.gzipBytes!, 0)
      expect(keyGzip).toBe(result.gzipBytes)
    })
    await measurer.close()
  })

  it('starts nothing for files the disk cache already holds', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: 9, cacheDir: cacheDir() })
    for (const file of files)
      measurer.prefetch(file.bytes)
    const results = await measurer.measure(requests)
    expect(measurer.stats).toEqual({ compressedFiles: 0, cacheHits: files.length, prefetchedFiles: 0 })
    expect(toPlain(results)).toEqual(expected)
    await measurer.close()
  })

  it('drops work no measure() claimed, and measures bytes that changed after the prefetch', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: 9, cacheDir: false })
    const [first, second] = requests
    measurer.prefetch(first!.bytes)
    // The bundler changed the file after the hook saw it: the changed bytes are measured, not the prefetched ones.
    const changed = Buffer.concat([first!.bytes, Buffer.from('\n// changed\n')])
    const [changedResult] = await measurer.measure([{ ...first!, bytes: changed }])
    expect(changedResult!.gzipBytes).toBe(zlib.gzipSync(changed, { level: 9 }).length)
    expect(measurer.stats).toEqual({ compressedFiles: 1, cacheHits: 0, prefetchedFiles: 0 })
    // The unclaimed prefetch of the old bytes ended with that measure(): measuring them now compresses anew.
    await measurer.measure([first!, second!])
    expect(measurer.stats).toEqual({ compressedFiles: 3, cacheHits: 0, prefetchedFiles: 0 })
  })

  it('with gzip off prefetches brotli only, and attribution still sums exactly', async () => {
    const measurer = createMeasurer({ gzip: false, brotli: 9, cacheDir: false })
    for (const file of files)
      measurer.prefetch(file.bytes)
    const results = await measurer.measure(requests)
    expect(measurer.stats).toEqual({ compressedFiles: files.length, cacheHits: 0, prefetchedFiles: files.length })
    results.forEach((result, index) => {
      expect(result.gzipBytes).toBeNull()
      expect(result.brotliBytes).toBe((expected as { brotliBytes: number }[])[index]!.brotliBytes)
      const keyBrotli = [...result.byKey!.values()].reduce((sum, sizes) => sum + sizes.brotliBytes!, 0)
      expect(keyBrotli).toBe(result.brotliBytes)
    })
  })
})
