/**
 * The measurement cache: values under content-derived keys, in memory and (optionally) on disk.
 *
 * Disk layout: ONE store file per cache folder, `<cacheDir>/measure-cache.bin`, holding the sha256
 * of the payload (32 bytes) and then the payload, `v8.serialize` of every entry with the number of
 * the run that last used it. It is read once, synchronously, when the measurer is created (so that
 * the bundler hook that starts compression knows at once what is cached), and written once per
 * `flush()` that added something: to a temp
 * file, then renamed into place, so a reader never sees half of it.
 *
 * Why one file: the first layout kept one small JSON file per entry. A cold build of 918 output
 * files wrote 2,754 of them (open, write, close, rename each) through the libuv thread pool, which
 * the compression jobs keep busy: measured on 5,000 modules, gzip only, the measure step took
 * 320-700 ms with that cache and 100-126 ms without it. The store costs one read and one write.
 *
 * Bounds: entries not used by the last `KEEP_RUNS` writing runs are dropped, and the store keeps
 * the most recently used entries that fit in half of `maxBytes` (checked on the serialized bytes). The folder as a whole (the store,
 * plus the other caches that share it: the last analysis, webpack module ranges, static leak
 * patterns) is kept under `maxBytes` by deleting its oldest files by mtime, never the store itself;
 * files of the first layout (`v1-*.json`) are deleted on sight.
 *
 * A store that is missing, truncated, fails its checksum or does not have the expected shape is an
 * empty cache (and is replaced by the next write); an entry the caller's validation rejects counts
 * as missing. Disk errors never fail a measurement: the cache is an optimisation.
 */
import { Buffer } from 'node:buffer'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { mkdir, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import v8 from 'node:v8'

export interface MeasureCache {
  /** The cached value, or undefined when missing, corrupt or rejected by `isValid`. */
  get: <T>(key: string, isValid: (value: unknown) => value is T) => Promise<T | undefined>
  /** `get`, synchronously (the store is read when the cache is made). */
  peek: <T>(key: string, isValid: (value: unknown) => value is T) => T | undefined
  set: (key: string, value: unknown) => void
  /** Writes the store when something was added, and trims the folder to its size bound. */
  flush: () => Promise<void>
}

/** The store file's name inside the cache folder. */
export const MEASURE_STORE_FILE = 'measure-cache.bin'
/** Bumped when the store's layout or a cached value's meaning changes. */
const STORE_FORMAT = 'weighbridge-measure-cache-2'
/** An entry no writing run used for this many runs is dropped (a branch switched back and forth stays). */
const KEEP_RUNS = 8
/** Entries kept without a cache folder (a few numbers each, or one float per region). */
const MEMORY_ENTRY_LIMIT = 20_000
/** Files of the first layout (one JSON file per entry): deleted when the folder is trimmed. */
const LEGACY_ENTRY = /^v1-(?:gzip|brotli|bits)\d+-[0-9a-f]{64}(?:-[0-9a-f]{32})?\.json$/
const DIGEST_BYTES = 32

interface Entry {
  /** The run that last used the entry (runs count the store's writes). */
  run: number
  value: unknown
}

interface StorePayload {
  format: string
  run: number
  entries: Map<string, [number, unknown]>
}

/** sha256 (hex) of the bytes (a string as UTF-8): the content key of the measurer's cache. */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

/** An estimate of an entry's share of the store in bytes (the key, the run, and the value). */
function estimateEntryBytes(key: string, value: unknown): number {
  let valueBytes = 16
  if (typeof value === 'object' && value !== null) {
    for (const field of Object.values(value))
      valueBytes += Array.isArray(field) ? 9 * field.length + 8 : 16
  }
  return key.length + 8 + valueBytes
}

/** The store's entries, or null when `bytes` is not a whole, well-formed store. */
function parseStore(bytes: Buffer): { run: number, entries: Map<string, Entry> } | null {
  if (bytes.length <= DIGEST_BYTES)
    return null
  const payload = bytes.subarray(DIGEST_BYTES)
  if (!createHash('sha256').update(payload).digest().equals(bytes.subarray(0, DIGEST_BYTES)))
    return null
  let stored: Partial<StorePayload>
  try {
    stored = v8.deserialize(payload) as Partial<StorePayload>
  }
  catch {
    return null
  }
  if (typeof stored !== 'object' || stored === null || stored.format !== STORE_FORMAT
    || !Number.isSafeInteger(stored.run) || !(stored.entries instanceof Map)) {
    return null
  }
  const entries = new Map<string, Entry>()
  for (const [key, item] of stored.entries) {
    if (typeof key === 'string' && Array.isArray(item) && Number.isSafeInteger(item[0]))
      entries.set(key, { run: item[0] as number, value: item[1] })
  }
  return { run: stored.run!, entries }
}

export function createMeasureCache(cacheDir: string | false, maxBytes: number): MeasureCache {
  const entries = new Map<string, Entry>()
  /** The run this process tags the entries it uses with: one more than the stored run. */
  let run = 1
  let dirty = false
  let writing: Promise<void> = Promise.resolve()
  const storeFile = cacheDir === false ? null : path.join(cacheDir, MEASURE_STORE_FILE)

  // Read at once (a few hundred kB at 5,000 modules, ~1 ms): `peek` can then answer while the
  // bundler hook that starts compression is still running, before the event loop turns.
  if (storeFile !== null) {
    let bytes: Buffer | null = null
    try {
      bytes = readFileSync(storeFile)
    }
    catch {}
    const store = bytes === null ? null : parseStore(bytes)
    if (store !== null) {
      run = store.run + 1
      for (const [key, entry] of store.entries)
        entries.set(key, entry)
    }
  }

  function peek<T>(key: string, isValid: (value: unknown) => value is T): T | undefined {
    const entry = entries.get(key)
    if (entry === undefined)
      return undefined
    if (!isValid(entry.value)) {
      entries.delete(key)
      return undefined
    }
    entry.run = run
    return entry.value
  }

  /**
   * Drops what is past the bounds: old runs, then the least recently used entries beyond `byteBudget`
   * (estimated bytes) or, without a folder, beyond the memory entry limit. Returns the estimate kept.
   */
  function evict(byteBudget: number): number {
    const ranked = [...entries].sort((a, b) => b[1].run - a[1].run)
    let bytes = 0
    let kept = 0
    for (const [key, entry] of ranked) {
      const entryBytes = estimateEntryBytes(key, entry.value)
      const tooOld = entry.run <= run - KEEP_RUNS
      const overBudget = storeFile === null ? kept >= MEMORY_ENTRY_LIMIT : bytes + entryBytes > byteBudget
      if (tooOld || overBudget) {
        entries.delete(key)
        continue
      }
      bytes += entryBytes
      kept += 1
    }
    return bytes
  }

  function serializeStore(): Buffer {
    const payload: StorePayload = {
      format: STORE_FORMAT,
      run,
      entries: new Map([...entries].map(([key, entry]) => [key, [entry.run, entry.value]])),
    }
    return v8.serialize(payload)
  }

  async function writeStore(): Promise<void> {
    if (storeFile === null)
      return
    const storeBudget = maxBytes / 2
    const estimated = evict(storeBudget)
    let body = serializeStore()
    if (body.length > storeBudget && estimated > 0) {
      // The estimate was low for these entries: evict again at the measured bytes per estimated byte.
      evict(storeBudget * (estimated / body.length) * 0.98)
      body = serializeStore()
    }
    const digest = createHash('sha256').update(body).digest()
    const temp = `${storeFile}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      await mkdir(cacheDir as string, { recursive: true })
      await writeFile(temp, Buffer.concat([digest, body]))
      await rename(temp, storeFile)
    }
    catch {
      await unlink(temp).catch(() => {})
      return
    }
    await trimFolder(cacheDir as string)
  }

  /** Deletes files of the first layout, then the oldest files until the folder fits `maxBytes`. */
  async function trimFolder(folder: string): Promise<void> {
    let names: string[]
    try {
      names = await readdir(folder)
    }
    catch {
      return
    }
    const legacy = names.filter(name => LEGACY_ENTRY.test(name))
    await Promise.all(legacy.map(name => unlink(path.join(folder, name)).catch(() => {})))
    const files = (await Promise.all(names.filter(name => !LEGACY_ENTRY.test(name)).map(async (name) => {
      const file = path.join(folder, name)
      const info = await stat(file).catch(() => null)
      return info?.isFile() ? { file, sizeBytes: info.size, mtimeMs: info.mtimeMs } : null
    }))).filter(entry => entry !== null)
    let totalBytes = files.reduce((sum, entry) => sum + entry.sizeBytes, 0)
    files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.file < b.file ? -1 : 1))
    for (const entry of files) {
      if (totalBytes <= maxBytes)
        break
      if (entry.file === storeFile)
        continue
      await unlink(entry.file).catch(() => {})
      totalBytes -= entry.sizeBytes
    }
  }

  return {
    peek,
    get: async (key, isValid) => peek(key, isValid),
    set(key, value) {
      entries.set(key, { run, value })
      dirty = true
    },
    async flush() {
      await writing
      if (!dirty)
        return
      dirty = false
      if (storeFile === null)
        evict(Number.POSITIVE_INFINITY)
      writing = writeStore()
      await writing
      // The next writing run (a watch rebuild) ages what this one did not use.
      run += 1
    },
  }
}
