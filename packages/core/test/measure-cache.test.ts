/**
 * The measurement cache on real files: nothing recompresses when nothing changed, a changed file
 * recompresses alone, the disk cache (one store file) survives a new measurer, a corrupt store is
 * ignored and replaced, old and least recently used entries go, and the folder stays under its bound.
 */
import type { MeasureRequest, MeasureResult } from '@weighbridge/core'
import type { CorpusFile } from './measure-corpus'
import { Buffer } from 'node:buffer'
import { createHash } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import v8 from 'node:v8'
import zlib from 'node:zlib'
import { createMeasurer, MEASURE_STORE_FILE } from '@weighbridge/core'
import { beforeAll, describe, expect, it } from 'vitest'
import { makeTempDir, readCorpusFiles } from './measure-corpus'

let files: CorpusFile[]
let requests: MeasureRequest[]
let tempDir: string

/** Two segments per file (first half, second half) so attribution is cached too. */
function toRequest(name: string, bytes: Buffer): MeasureRequest {
  const middle = Math.floor(bytes.length / 2)
  return { file: name, bytes, segments: [{ start: 0, end: middle, key: 0 }, { start: middle, end: bytes.length, key: 1 }] }
}

function listCacheFiles(dir: string): string[] {
  return readdirSync(dir).sort()
}

function countDirBytes(dir: string): number {
  return readdirSync(dir).reduce((sum, name) => sum + statSync(path.join(dir, name)).size, 0)
}

function toPlain(results: MeasureResult[]): unknown {
  return results.map(result => ({ ...result, byKey: result.byKey && [...result.byKey] }))
}

beforeAll(() => {
  files = readCorpusFiles().filter(file => file.pkg === 'lodash-es').slice(100, 130)
  requests = files.map(file => toRequest(path.basename(file.path), file.bytes))
  tempDir = makeTempDir('measure-cache')
})

describe('the measurement cache', () => {
  const cacheDir = (): string => path.join(tempDir, 'cache')
  let first: MeasureResult[]

  it('compresses each file once and answers a repeated measure from memory', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() })
    first = await measurer.measure(requests)
    expect(measurer.stats).toEqual({ compressedFiles: files.length, cacheHits: 0, prefetchedFiles: 0 })
    first.forEach((result, index) => {
      expect(result.gzipBytes).toBe(zlib.gzipSync(files[index]!.bytes, { level: 9 }).length)
      expect(result.brotliBytes).toBe(zlib.brotliCompressSync(files[index]!.bytes, {
        params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 },
      }).length)
    })
    const again = await measurer.measure(requests)
    expect(measurer.stats).toEqual({ compressedFiles: files.length, cacheHits: files.length, prefetchedFiles: 0 })
    expect(toPlain(again)).toEqual(toPlain(first))

    // One changed file recompresses alone; the others stay cached.
    const changed = Buffer.concat([files[3]!.bytes, Buffer.from('\nexport const changed = 1\n')])
    const mixed = requests.map((request, index) => index === 3 ? toRequest(request.file, changed) : request)
    const [, , , changedResult] = await measurer.measure(mixed)
    expect(measurer.stats).toEqual({ compressedFiles: files.length + 1, cacheHits: 2 * files.length - 1, prefetchedFiles: 0 })
    expect(changedResult!.gzipBytes).toBe(zlib.gzipSync(changed, { level: 9 }).length)

    // Identical bytes twice in one batch compress once.
    const twin = Buffer.from(`${files[0]!.bytes.toString()}\n// twin\n`)
    await measurer.measure([toRequest('twin-a.js', twin), toRequest('twin-b.js', twin)])
    expect(measurer.stats.compressedFiles).toBe(files.length + 2)
    await measurer.close()
    expect(listCacheFiles(cacheDir()).filter(name => name.endsWith('.tmp'))).toEqual([])
  })

  it('survives a new measurer through the disk cache', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() })
    const results = await measurer.measure(requests)
    expect(measurer.stats).toEqual({ compressedFiles: 0, cacheHits: files.length, prefetchedFiles: 0 })
    expect(toPlain(results)).toEqual(toPlain(first))
    await measurer.close()
  })

  it('recompresses when the settings or the segment boundaries change', async () => {
    const measurer = createMeasurer({ gzip: 6, brotli: 11, cacheDir: cacheDir() })
    const [result] = await measurer.measure(requests.slice(0, 1))
    expect(measurer.stats).toEqual({ compressedFiles: 1, cacheHits: 0, prefetchedFiles: 0 })
    expect(result!.gzipBytes).toBe(zlib.gzipSync(files[0]!.bytes, { level: 6 }).length)
    const regrouped = { ...requests[1]!, segments: [{ start: 0, end: 10, key: 0 }, { start: 10, end: files[1]!.bytes.length, key: 1 }] }
    await measurer.measure([regrouped])
    expect(measurer.stats).toEqual({ compressedFiles: 2, cacheHits: 0, prefetchedFiles: 0 })
    // New keys on the same boundaries reuse the cached bits.
    const renamed = { ...requests[2]!, segments: requests[2]!.segments!.map(segment => ({ ...segment, key: segment.key + 40 })) }
    const [renamedResult] = await createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() }).measure([renamed])
    expect(renamedResult!.byKey!.get(40)).toEqual(first[2]!.byKey!.get(0))
    await measurer.close()
  })

  it('keeps one store file in the folder, written whole (no temp files left)', () => {
    expect(listCacheFiles(cacheDir())).toEqual([MEASURE_STORE_FILE])
  })

  it('treats a corrupt store as empty, recompresses, and replaces it', async () => {
    const store = path.join(cacheDir(), MEASURE_STORE_FILE)
    const good = readFileSync(store)
    const payload = v8.deserialize(good.subarray(32)) as { entries: Map<string, [number, unknown]> }
    expect(payload.entries.size).toBeGreaterThanOrEqual(files.length * 3)
    // Well-formed, with a right checksum, but every value of the wrong shape.
    const wrongValues = v8.serialize({ ...payload, entries: new Map([...payload.entries].map(([key, [run]]) => [key, [run, { unexpected: true }]])) })
    const corruptions = {
      truncated: good.subarray(0, good.length >> 1),
      garbage: Buffer.from('\u0000\u0001not a store'),
      checksum: Buffer.concat([Buffer.alloc(32), good.subarray(32)]),
      wrongValues: Buffer.concat([createHash('sha256').update(wrongValues).digest(), wrongValues]),
    }
    for (const [name, bytes] of Object.entries(corruptions)) {
      writeFileSync(store, bytes)
      const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() })
      const results = await measurer.measure(requests)
      expect(measurer.stats.compressedFiles, name).toBe(files.length)
      expect(toPlain(results), name).toEqual(toPlain(first))
      await measurer.close()
      const reread = createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() })
      await reread.measure(requests)
      expect(reread.stats, name).toEqual({ compressedFiles: 0, cacheHits: files.length, prefetchedFiles: 0 })
    }
  })

  it('keeps the most recently used entries within its size bound', async () => {
    const boundedDir = path.join(tempDir, 'bounded')
    const seeding = createMeasurer({ gzip: 9, brotli: 11, cacheDir: boundedDir })
    await seeding.measure(requests.slice(0, 10))
    await seeding.close()
    const entryBytes = statSync(path.join(boundedDir, MEASURE_STORE_FILE)).size / 30
    // A run that reads files 0-2 (hits) and adds 10-13: the store has room for about 22 entries of 42.
    const maxBytes = Math.round(entryBytes * 22 * 2)
    const bounded = createMeasurer({ gzip: 9, brotli: 11, cacheDir: boundedDir, cacheMaxBytes: maxBytes })
    await bounded.measure([...requests.slice(0, 3), ...requests.slice(10, 14)])
    expect(bounded.stats.cacheHits).toBe(3)
    await bounded.close()
    expect(countDirBytes(boundedDir)).toBeLessThanOrEqual(maxBytes)
    expect(statSync(path.join(boundedDir, MEASURE_STORE_FILE)).size).toBeLessThanOrEqual(maxBytes / 2)

    const probe = (slice: MeasureRequest[]) => async () => {
      const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: boundedDir })
      await measurer.measure(slice)
      return measurer.stats
    }
    // What the bounded run used stays; the files it did not touch were evicted first.
    expect(await probe([...requests.slice(0, 3), ...requests.slice(10, 14)])()).toEqual({ compressedFiles: 0, cacheHits: 7, prefetchedFiles: 0 })
    const untouched = await probe(requests.slice(3, 10))()
    expect(untouched.compressedFiles).toBeGreaterThan(0)
  })

  it('forgets an entry that no writing run used for 8 runs', async () => {
    const runsDir = path.join(tempDir, 'runs')
    const measureIn = async (slice: MeasureRequest[]) => {
      const measurer = createMeasurer({ gzip: 9, brotli: false, cacheDir: runsDir })
      await measurer.measure(slice)
      await measurer.close()
      return measurer.stats
    }
    await measureIn(requests.slice(0, 1))
    for (let index = 1; index <= 7; index++)
      await measureIn(requests.slice(index, index + 1))
    // Seven writing runs later, file 0 is still there (a run that only reads writes nothing).
    expect(await measureIn(requests.slice(0, 1))).toEqual({ compressedFiles: 0, cacheHits: 1, prefetchedFiles: 0 })
    await measureIn(requests.slice(8, 9))
    expect(await measureIn(requests.slice(0, 1))).toEqual({ compressedFiles: 1, cacheHits: 0, prefetchedFiles: 0 })
  })

  it('deletes entry files of the first layout and trims the folder oldest first', async () => {
    const sharedDir = path.join(tempDir, 'shared')
    mkdirSync(sharedDir, { recursive: true })
    const legacy = `v1-gzip9-${'ab'.repeat(32)}.json`
    writeFileSync(path.join(sharedDir, legacy), `${'0'.repeat(64)}\n123`)
    const big = Buffer.alloc(200_000, 7)
    writeFileSync(path.join(sharedDir, 'old-other-cache.json'), big)
    writeFileSync(path.join(sharedDir, 'analysis-state.json'), '{}')
    const longAgo = new Date(Date.now() - 3_600_000)
    utimesSync(path.join(sharedDir, 'old-other-cache.json'), longAgo, longAgo)
    const measurer = createMeasurer({ gzip: 9, brotli: false, cacheDir: sharedDir, cacheMaxBytes: 150_000 })
    await measurer.measure(requests.slice(0, 2))
    await measurer.close()
    expect(listCacheFiles(sharedDir)).toEqual(['analysis-state.json', MEASURE_STORE_FILE])
  })

  it('works without a cache directory, in memory only', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: false, cacheDir: false })
    await measurer.measure(requests.slice(0, 3))
    await measurer.measure(requests.slice(0, 3))
    expect(measurer.stats).toEqual({ compressedFiles: 3, cacheHits: 3, prefetchedFiles: 0 })
  })
})
