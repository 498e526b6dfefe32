/**
 * Remembers the module ranges located in each webpack / Rspack chunk file, so that a rebuild whose
 * chunk files did not change parses none of them (oxc-parser on the 626 kB main chunk of the
 * example app: 150-400 ms, most of `collect`).
 *
 * Key: sha256 of the file's content hash and a description of everything else the ranges are made
 * from (`webpack-module-ranges.ts` builds it: the chunk's modules with their ids, parts, sizes and
 * entry flags, and the size and mtime of each source file whose code size splits a range). Value:
 * the byte segments (flat `[start, end, key, ...]`) and their method, or `null` when nothing was
 * located (the file keeps the core's estimate, and is not parsed again either).
 *
 * In memory per plugin instance (watch rebuilds), and on disk in the cache folder (fresh processes):
 * one file per entry, `webpack-ranges-<key>.json` holding `<sha256 of body>\n<body>`, written to a
 * temp file and renamed into place. The measurer keeps the folder under its size bound (it trims
 * every file in it by age). An entry that is unreadable, fails its checksum or does not fit the
 * file it is for (segments out of order, past the file's end, keys past its module list) counts as
 * missing and is replaced. Reads and writes are synchronous and small (a few kB): the thread pool
 * is busy compressing while the adapter runs. Disk errors never fail a build.
 */
import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { hashBytes } from '@weighbridge/core'

/** Bumped when the ranges' meaning or the way they are located changes. */
const RANGE_FORMAT = 'weighbridge-webpack-ranges-v1'
const FILE_PREFIX = 'webpack-ranges-'
/** Entries kept in memory: one per chunk file of the last builds. */
const MEMORY_ENTRY_LIMIT = 512

/** Located ranges of one chunk file, as `CollectedChunk.ranges` holds them (UTF-8 byte offsets). */
export interface CachedRanges {
  method: 'exact' | 'estimated'
  segments: { start: number, end: number, key: number }[]
}

/** What the cached ranges are checked against before they are used. */
export interface RangeFileShape {
  /** The file's length in bytes. */
  byteLength: number
  /** Modules of the chunk (`CollectedChunk.modules.length`): segment keys index them. */
  moduleCount: number
}

export interface WebpackRangeCacheStats {
  /** Files whose ranges came from the cache (memory or disk). */
  reused: number
  /** Of `reused`, the ones read from disk. */
  readFromDisk: number
  /** Files parsed (not in the cache, or its entry was rejected). */
  located: number
  /** Disk entries found but rejected: corrupt, or not fitting their file. */
  rejected: number
}

export interface WebpackRangeCache {
  /** The entry for `key` (from `rangeCacheKey`); undefined when missing or rejected, null when the file had no ranges. */
  get: (key: string, shape: RangeFileShape) => CachedRanges | null | undefined
  set: (key: string, ranges: CachedRanges | null) => void
  /** Counts since the cache was made (the plugin's timing line, tests). */
  readonly stats: WebpackRangeCacheStats
}

/** The cache key of a file: its content hash and the description of its modules (any string). */
export function rangeCacheKey(contentHash: string, description: string): string {
  return hashBytes(`${RANGE_FORMAT}\n${contentHash}\n${description}`)
}

/** `cacheDir`: absolute folder of the disk cache, or false to keep the entries in memory only. */
export function createWebpackRangeCache(cacheDir: string | false): WebpackRangeCache {
  const memory = new Map<string, StoredRanges>()
  const stats: WebpackRangeCacheStats = { reused: 0, readFromDisk: 0, located: 0, rejected: 0 }
  let madeDir = false

  const remember = (key: string, value: StoredRanges): void => {
    memory.delete(key)
    memory.set(key, value)
    if (memory.size > MEMORY_ENTRY_LIMIT)
      memory.delete(memory.keys().next().value!)
  }

  const fileOf = (key: string): string => path.join(cacheDir as string, `${FILE_PREFIX}${key}.json`)

  const readFromDisk = (key: string): unknown => {
    if (cacheDir === false)
      return undefined
    let text: string
    try {
      text = readFileSync(fileOf(key), 'utf8')
    }
    catch {
      return undefined
    }
    const newline = text.indexOf('\n')
    const body = text.slice(newline + 1)
    try {
      if (newline !== 64 || text.slice(0, 64) !== hashBytes(body))
        throw new Error('checksum')
      return JSON.parse(body)
    }
    catch {
      stats.rejected += 1
      return undefined
    }
  }

  const writeToDisk = (key: string, value: StoredRanges): void => {
    if (cacheDir === false)
      return
    const file = fileOf(key)
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      if (!madeDir) {
        mkdirSync(cacheDir, { recursive: true })
        madeDir = true
      }
      const body = JSON.stringify(value)
      writeFileSync(temp, `${hashBytes(body)}\n${body}`)
      renameSync(temp, file)
    }
    catch {
      rmSync(temp, { force: true })
    }
  }

  return {
    stats,
    get(key, shape) {
      const inMemory = memory.get(key)
      if (inMemory !== undefined) {
        const ranges = toRanges(inMemory, shape)
        if (ranges !== undefined) {
          remember(key, inMemory)
          stats.reused += 1
          return ranges
        }
        memory.delete(key)
      }
      const stored = readFromDisk(key)
      if (stored === undefined)
        return undefined
      const ranges = isStoredRanges(stored) ? toRanges(stored, shape) : undefined
      if (ranges === undefined) {
        stats.rejected += 1
        return undefined
      }
      remember(key, stored as StoredRanges)
      stats.reused += 1
      stats.readFromDisk += 1
      return ranges
    },
    set(key, ranges) {
      stats.located += 1
      const value: StoredRanges = ranges === null
        ? { method: null, segments: [] }
        : { method: ranges.method, segments: ranges.segments.flatMap(segment => [segment.start, segment.end, segment.key]) }
      remember(key, value)
      writeToDisk(key, value)
    },
  }
}

/** The stored form: segments flattened (`[start, end, key, ...]`), `method: null` for "nothing located". */
interface StoredRanges {
  method: 'exact' | 'estimated' | null
  segments: number[]
}

function isStoredRanges(value: unknown): value is StoredRanges {
  if (typeof value !== 'object' || value === null)
    return false
  const { method, segments } = value as Partial<StoredRanges>
  return (method === null || method === 'exact' || method === 'estimated') && Array.isArray(segments)
}

/** The ranges, or undefined when they do not fit the file: the entry is then treated as missing. */
function toRanges(stored: StoredRanges, shape: RangeFileShape): CachedRanges | null | undefined {
  const { method, segments } = stored
  if (method === null)
    return segments.length === 0 ? null : undefined
  if (segments.length === 0 || segments.length % 3 !== 0)
    return undefined
  const result: CachedRanges['segments'] = []
  let previousEnd = 0
  for (let index = 0; index < segments.length; index += 3) {
    const start = segments[index]!
    const end = segments[index + 1]!
    const key = segments[index + 2]!
    if (!Number.isInteger(start) || !Number.isInteger(end) || !Number.isInteger(key)
      || start < previousEnd || end <= start || end > shape.byteLength || key < 0 || key >= shape.moduleCount)
      return undefined
    result.push({ start, end, key })
    previousEnd = end
  }
  return { method, segments: result }
}
