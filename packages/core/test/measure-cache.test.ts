/**
 * The measurement cache on real files: nothing recompresses when nothing changed, a changed file
 * recompresses alone, the disk cache survives a new measurer, corrupt entries are ignored and
 * rewritten, and the directory stays under its size bound.
 */
import type { MeasureRequest, MeasureResult } from '@weighbridge/core'
import type { CorpusFile } from './measure-corpus'
import { Buffer } from 'node:buffer'
import { readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { createMeasurer } from '@weighbridge/core'
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

  it('ignores corrupt entries and rewrites them', async () => {
    const names = listCacheFiles(cacheDir())
    expect(names.length).toBeGreaterThan(files.length * 3)
    names.forEach((name, index) => {
      const file = path.join(cacheDir(), name)
      const text = readFileSync(file, 'utf8')
      // Truncated, garbage, a wrong checksum, and a well-formed entry of the wrong shape.
      const corrupted = [
        text.slice(0, text.length >> 1),
        '\u0000\u0001not json',
        `${'0'.repeat(64)}${text.slice(64)}`,
        `${text.slice(0, 65)}{"unexpected":true}`,
      ][index % 4]!
      writeFileSync(file, corrupted)
    })
    const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() })
    const results = await measurer.measure(requests)
    expect(measurer.stats.compressedFiles).toBe(files.length)
    expect(toPlain(results)).toEqual(toPlain(first))
    await measurer.close()
    const reread = createMeasurer({ gzip: 9, brotli: 11, cacheDir: cacheDir() })
    await reread.measure(requests)
    expect(reread.stats).toEqual({ compressedFiles: 0, cacheHits: files.length, prefetchedFiles: 0 })
  })

  it('keeps the directory under its size bound by evicting the oldest entries', async () => {
    const boundedDir = path.join(tempDir, 'bounded')
    const first10 = requests.slice(0, 10)
    const seeding = createMeasurer({ gzip: 9, brotli: 11, cacheDir: boundedDir })
    await seeding.measure(first10)
    const oldNames = listCacheFiles(boundedDir)
    const entryBytes = countDirBytes(boundedDir) / oldNames.length
    const longAgo = new Date(Date.now() - 3_600_000)
    for (const name of oldNames)
      utimesSync(path.join(boundedDir, name), longAgo, longAgo)

    const maxBytes = Math.round(entryBytes * 12)
    const bounded = createMeasurer({ gzip: 9, brotli: 11, cacheDir: boundedDir, cacheMaxBytes: maxBytes })
    await bounded.measure(requests.slice(10, 14))
    await bounded.close()
    expect(countDirBytes(boundedDir)).toBeLessThanOrEqual(maxBytes)
    const kept = new Set(listCacheFiles(boundedDir))
    // The 12 new entries (4 files × gzip, brotli, bits) are the newest and stay; old ones went first.
    expect([...kept].filter(name => !oldNames.includes(name))).toHaveLength(12)
    expect(oldNames.filter(name => kept.has(name)).length).toBeLessThan(oldNames.length)
  })

  it('keeps entries read by a run that trims: they count as recently used', async () => {
    const lruDir = path.join(tempDir, 'lru')
    const seeding = createMeasurer({ gzip: 9, brotli: 11, cacheDir: lruDir })
    await seeding.measure(requests.slice(0, 10))
    await seeding.close()
    const oldNames = listCacheFiles(lruDir)
    const entryBytes = countDirBytes(lruDir) / oldNames.length
    const longAgo = new Date(Date.now() - 3_600_000)
    for (const name of oldNames)
      utimesSync(path.join(lruDir, name), longAgo, longAgo)
    // A run that reads files 0-2 (hits) and writes 10-13 (new): room for about 22 entries of 42.
    const bounded = createMeasurer({ gzip: 9, brotli: 11, cacheDir: lruDir, cacheMaxBytes: Math.round(entryBytes * 22) })
    await bounded.measure([...requests.slice(0, 3), ...requests.slice(10, 14)])
    expect(bounded.stats.cacheHits).toBe(3)
    await bounded.close()
    const kept = new Set(listCacheFiles(lruDir))
    // Files 0-2 were read by the trimming run: all their entries are still on disk.
    const probe = createMeasurer({ gzip: 9, brotli: 11, cacheDir: lruDir })
    await probe.measure(requests.slice(0, 3))
    expect(probe.stats).toEqual({ compressedFiles: 0, cacheHits: 3, prefetchedFiles: 0 })
    expect(oldNames.filter(name => kept.has(name)).length).toBeLessThan(oldNames.length)
  })

  it('works without a cache directory, in memory only', async () => {
    const measurer = createMeasurer({ gzip: 9, brotli: false, cacheDir: false })
    await measurer.measure(requests.slice(0, 3))
    await measurer.measure(requests.slice(0, 3))
    expect(measurer.stats).toEqual({ compressedFiles: 3, cacheHits: 3, prefetchedFiles: 0 })
  })
})
