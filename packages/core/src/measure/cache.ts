/**
 * The measurement cache: JSON values under content-derived keys, in memory and (optionally) on disk.
 *
 * Disk layout: one file per entry, `<cacheDir>/<key>.json`, holding `<sha256 of body>\n<body>`.
 * Writes go to a temp file and are renamed into place. An entry that does not parse, fails its
 * checksum or fails the caller's validation is treated as missing and rewritten. The directory is
 * kept under `maxBytes` by deleting the oldest files by mtime: the files read since the last trim get
 * a fresh mtime just before a trim (only a run that wrote something trims), so a warm run that only
 * reads issues no `utimes` at all (it cost ~0.1 ms of main thread per hit, 105 ms on 900 files).
 * Disk errors never fail a measurement: the cache is an optimisation.
 */
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, stat, unlink, utimes, writeFile } from 'node:fs/promises'
import path from 'node:path'

export interface MeasureCache {
  /** The cached value, or undefined when missing, corrupt or rejected by `isValid`. */
  get: <T>(key: string, isValid: (value: unknown) => value is T) => Promise<T | undefined>
  set: (key: string, value: unknown) => void
  /** Waits for pending writes and trims the disk cache to its size bound. */
  flush: () => Promise<void>
}

/** Entries kept in memory (most recently used); a few numbers each, or one float per region. */
const MEMORY_ENTRY_LIMIT = 20_000

/** sha256 (hex) of the bytes (a string as UTF-8): the content key of the measurer's cache. */
export function hashBytes(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex')
}

export function createMeasureCache(cacheDir: string | false, maxBytes: number): MeasureCache {
  const memory = new Map<string, unknown>()
  const pendingWrites = new Set<Promise<unknown>>()
  let wroteSinceTrim = false
  /** Cache files read since the last trim: refreshed (LRU) right before trimming. */
  const readSinceTrim = new Set<string>()
  let madeDir: Promise<unknown> | null = null

  function remember(key: string, value: unknown): void {
    memory.delete(key)
    memory.set(key, value)
    if (memory.size > MEMORY_ENTRY_LIMIT)
      memory.delete(memory.keys().next().value!)
  }

  function track(promise: Promise<unknown>): void {
    const settled = promise.catch(() => {})
    pendingWrites.add(settled)
    void settled.finally(() => pendingWrites.delete(settled))
  }

  async function readFromDisk(key: string): Promise<unknown> {
    if (cacheDir === false)
      return undefined
    const file = path.join(cacheDir, `${key}.json`)
    let text: string
    try {
      text = await readFile(file, 'utf8')
    }
    catch {
      return undefined
    }
    const newline = text.indexOf('\n')
    const body = text.slice(newline + 1)
    if (newline !== 64 || text.slice(0, 64) !== hashBytes(body))
      return undefined
    try {
      const value: unknown = JSON.parse(body)
      readSinceTrim.add(file)
      return value
    }
    catch {
      return undefined
    }
  }

  async function writeToDisk(key: string, value: unknown): Promise<void> {
    if (cacheDir === false)
      return
    madeDir ??= mkdir(cacheDir, { recursive: true })
    await madeDir
    const body = JSON.stringify(value)
    const file = path.join(cacheDir, `${key}.json`)
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
    try {
      await writeFile(temp, `${hashBytes(body)}\n${body}`)
      await rename(temp, file)
      wroteSinceTrim = true
    }
    catch {
      await unlink(temp).catch(() => {})
    }
  }

  async function trimToBound(): Promise<void> {
    if (cacheDir === false || !wroteSinceTrim)
      return
    wroteSinceTrim = false
    const now = new Date()
    await Promise.all([...readSinceTrim].map(file => utimes(file, now, now).catch(() => {})))
    readSinceTrim.clear()
    let names: string[]
    try {
      names = await readdir(cacheDir)
    }
    catch {
      return
    }
    const files = (await Promise.all(names.map(async (name) => {
      const file = path.join(cacheDir, name)
      const info = await stat(file).catch(() => null)
      return info?.isFile() ? { file, sizeBytes: info.size, mtimeMs: info.mtimeMs } : null
    }))).filter(entry => entry !== null)
    let totalBytes = files.reduce((sum, entry) => sum + entry.sizeBytes, 0)
    files.sort((a, b) => a.mtimeMs - b.mtimeMs || (a.file < b.file ? -1 : 1))
    for (const entry of files) {
      if (totalBytes <= maxBytes)
        break
      await unlink(entry.file).catch(() => {})
      totalBytes -= entry.sizeBytes
    }
  }

  return {
    async get(key, isValid) {
      if (memory.has(key)) {
        const value = memory.get(key)
        if (isValid(value)) {
          remember(key, value)
          return value
        }
        memory.delete(key)
      }
      const value = await readFromDisk(key)
      if (value === undefined || !isValid(value))
        return undefined
      remember(key, value)
      return value
    },
    set(key, value) {
      remember(key, value)
      track(writeToDisk(key, value))
    },
    async flush() {
      while (pendingWrites.size > 0)
        await Promise.all(pendingWrites)
      await trimToBound()
    },
  }
}
