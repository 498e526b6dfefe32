/**
 * Reads a JSON input file. Small files go through `JSON.parse` (fast). Stats files are read in
 * 1 MB chunks through `JsonKeyFilter`, which keeps the bytes of the file except the bulky keys no
 * reader here needs (`source`, `issuerPath`, the reasons' `loc` / `moduleName`...), and only what
 * is kept is parsed: a 500 MB stats file (most of it module `source`) is never one string, and
 * memory follows what the analysis uses, not the file size.
 *
 * (stream-json, a token stream, took 13.6 s and 491 MB of RSS for a 57 MB stats file that
 * `JSON.parse` reads in 0.5 s; filtering bytes and parsing the rest keeps `JSON.parse`'s speed.)
 */
import { Buffer } from 'node:buffer'
import fs from 'node:fs'
import { InputError } from './input-error'

/** Keys of webpack stats that can be huge and that no reader here needs (see `WebpackStats`). */
export const UNUSED_STATS_KEYS: ReadonlySet<string> = new Set([
  'source', 'issuerPath', 'profile', 'optimizationBailout', 'loc', 'explanation', 'warnings', 'errors', 'logging',
  'filteredModules', 'depth', 'usedExports', 'sizes', 'assetsByChunkName', 'namedChunkGroups', 'origins', 'hash',
  'childrenByOrder', 'idHints',
  // reasons: the CLI reads `type`, `moduleIdentifier`, `resolvedModuleIdentifier`
  'moduleName', 'module', 'resolvedModule', 'userRequest', 'moduleId', 'resolvedModuleId', 'active',
  // modules: build flags and issuers
  'issuer', 'issuerName', 'issuerId', 'built', 'codeGenerated', 'buildTimeExecuted', 'cached', 'cacheable', 'optional',
  'failed', 'dependent', 'preOrderIndex', 'postOrderIndex', 'index', 'index2', 'layer',
])

/**
 * Keys of webpack stats dropped when their object already holds the other key with a string value:
 * a reason's importer is `moduleIdentifier ?? resolvedModuleIdentifier`, so next to a string
 * `moduleIdentifier` the second (7 of the 26 MB kept of a 20,000-module app's stats) is never read.
 */
export const SHADOWED_STATS_KEYS: ReadonlyMap<string, string> = new Map([['resolvedModuleIdentifier', 'moduleIdentifier']])

/** Objects whose keys are names the user chose (entry names...): nothing is dropped directly inside them. */
const USER_KEYED_OBJECTS: ReadonlySet<string> = new Set(['entrypoints', 'namedChunkGroups', 'assetsByChunkName', 'related', 'children'])

export interface ReadJsonOptions {
  /** Above this size, a file with `dropKeys` is read in chunks and filtered before parsing. @default 4_000_000 */
  streamAboveBytes?: number
  /** What the file should be, for messages (`stats.json`, `esbuild metafile`). */
  expected: string
  /** Keys dropped (with their values) while reading in chunks. */
  dropKeys?: ReadonlySet<string>
  /** Keys dropped while reading in chunks when an earlier member of their object, the mapped key, holds a string. */
  shadowedKeys?: ReadonlyMap<string, string>
}

const CHUNK_BYTES = 1 << 20

export async function readJsonFile(file: string, options: ReadJsonOptions): Promise<unknown> {
  const sizeBytes = fs.statSync(file).size
  if (sizeBytes === 0)
    throw new InputError(file, `${file}: the file is empty; expected ${options.expected}.`)
  if (!options.dropKeys || options.dropKeys.size === 0 || sizeBytes <= (options.streamAboveBytes ?? 4_000_000))
    return parseJsonText(fs.readFileSync(file, 'utf8'), file, options.expected)
  const filter = new JsonKeyFilter(options.dropKeys, options.shadowedKeys)
  const handle = await fs.promises.open(file, 'r')
  try {
    const chunk = Buffer.allocUnsafe(CHUNK_BYTES)
    for (;;) {
      const { bytesRead } = await handle.read(chunk, 0, CHUNK_BYTES, null)
      if (bytesRead === 0)
        break
      filter.write(chunk.subarray(0, bytesRead))
    }
  }
  finally {
    await handle.close()
  }
  if (!filter.isComplete())
    throw new InputError(file, `${file}: the JSON ends early (truncated file?); expected ${options.expected}. Write the file again from the bundler.`)
  return parseJsonText(filter.end(), file, options.expected)
}

export function parseJsonText(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text)
  }
  catch (error) {
    const truncated = isProbablyTruncated(text)
    const detail = (error as Error).message.replace(/^JSON\.parse: /, '')
    throw new InputError(file, `${file}: ${truncated ? 'the JSON ends early (truncated file?)' : 'not valid JSON'} (${detail}); expected ${expected}. Write the file again from the bundler.`)
  }
}

function isProbablyTruncated(text: string): boolean {
  const trimmed = text.trimEnd()
  return trimmed.length > 0 && !trimmed.endsWith('}') && !trimmed.endsWith(']')
}

const QUOTE = 0x22
const BACKSLASH = 0x5C
const COMMA = 0x2C
const COLON = 0x3A
const OPEN_OBJECT = 0x7B
const CLOSE_OBJECT = 0x7D
const OPEN_ARRAY = 0x5B
const CLOSE_ARRAY = 0x5D

const enum State {
  /** Between tokens of kept JSON. */
  Value,
  /** Inside a kept string (a key when `inKey`). */
  String,
  /** After a dropped key: skipping to its ':' and the start of its value. */
  AfterDroppedKey,
  /** Inside a dropped value. */
  Skip,
}

/** The candidate (same length as the key) whose characters are the bytes [start, end) of `chunk`, or null. */
function findKey(chunk: Buffer, start: number, end: number, candidates: string[]): string | null {
  for (const candidate of candidates) {
    let offset = 0
    while (offset < end - start && chunk[start + offset] === candidate.charCodeAt(offset))
      offset++
    if (offset === end - start)
      return candidate
  }
  return null
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0A || byte === 0x0D || byte === 0x09
}

/** Growable output of kept bytes that can be cut back (a dropped key is only known once read). */
class ByteSink {
  private blocks: Buffer[] = []
  private current: Buffer = Buffer.allocUnsafe(CHUNK_BYTES * 4)
  private used = 0
  private flushed = 0

  get length(): number {
    return this.flushed + this.used
  }

  append(source: Buffer, start: number, end: number): void {
    while (start < end) {
      if (this.used === this.current.length) {
        this.blocks.push(this.current)
        this.flushed += this.used
        this.current = Buffer.allocUnsafe(CHUNK_BYTES * 4)
        this.used = 0
      }
      const count = Math.min(end - start, this.current.length - this.used)
      if (count < 48) {
        // Buffer#copy costs more than a short loop (most cuts are around one small member).
        const target = this.current
        for (let offset = 0; offset < count; offset++)
          target[this.used + offset] = source[start + offset]!
      }
      else {
        source.copy(this.current, this.used, start, start + count)
      }
      this.used += count
      start += count
    }
  }

  truncate(length: number): void {
    while (length < this.flushed) {
      this.current = this.blocks.pop()!
      this.flushed -= this.current.length
      this.used = this.current.length
    }
    this.used = length - this.flushed
  }

  toString(): string {
    const parts = [...this.blocks, this.current.subarray(0, this.used)]
    this.blocks = []
    const joined = parts.length === 1 ? parts[0]! : Buffer.concat(parts, this.length)
    this.current = Buffer.alloc(0)
    return joined.toString('utf8')
  }
}

/**
 * A byte-level JSON filter: feeds chunks of a JSON document, keeps every byte except the members
 * whose key is in `dropKeys` (at any depth, except directly inside objects keyed by user names) or
 * in `shadowedKeys` after its shadowing key with a string value, and hands back the kept text. It
 * tracks only what it needs (strings, nesting, keys); the parse of the kept text validates the rest.
 */
export class JsonKeyFilter {
  private readonly sink = new ByteSink()
  private state = State.Value
  /** Per open container: 1 object, 2 array. */
  private readonly containers: number[] = []
  /** Per open container: the key it is the value of (for `USER_KEYED_OBJECTS`). */
  private readonly containerKeys: (string | null)[] = []
  private expectKey = false
  /** The last kept key, until its value opens a container or ends. */
  private valueKey: string | null = null
  private inKey = false
  private keyText = ''
  private keyTooLong = false
  /** Output position of the kept key's opening quote, and of a ',' right before it (-1: none). */
  private keyOutStart = 0
  private commaBeforeKey = -1
  /** Output position and byte of the last structural byte written (`,` matters). */
  private lastStructural = 0
  private lastStructuralAt = -1
  /** Depth whose next ',' is dropped (a dropped member was the first of its object). */
  private dropCommaAtDepth = -1
  /** Backslashes right before the end of the previous chunk, inside a string. */
  private carriedBackslashes = 0
  private skipDepth = 0
  private skipInString = false
  private skipPrimitive = false
  private sawColon = false
  /** `shadowedKeys` as pairs (one or two: looked up with indexOf): shadowed key, its shadowing key. */
  private readonly shadowed: string[]
  private readonly shadowing: string[]
  /** The pair whose shadowing key was just read, until its value starts (-1: none). */
  private pendingShadow = -1
  /** Per pair: the depths of the open objects whose shadowing key holds a string, outermost first. */
  private readonly shadowDepths: number[][]

  /** The keys that matter (dropped, shadowing or user-keyed) by length, first and last byte. */
  private readonly keysBySignature = new Map<number, string[]>()

  constructor(private readonly dropKeys: ReadonlySet<string>, shadowedKeys: ReadonlyMap<string, string> = new Map()) {
    this.shadowed = [...shadowedKeys.keys()]
    this.shadowing = [...shadowedKeys.values()]
    this.shadowDepths = this.shadowed.map(() => [])
    for (const key of [...dropKeys, ...USER_KEYED_OBJECTS, ...shadowedKeys.keys(), ...shadowedKeys.values()]) {
      if (key.length === 0)
        continue
      const signature = key.length * 65536 + (key.charCodeAt(0) & 255) * 256 + (key.charCodeAt(key.length - 1) & 255)
      const keys = this.keysBySignature.get(signature)
      if (!keys)
        this.keysBySignature.set(signature, [key])
      else if (!keys.includes(key))
        keys.push(key)
    }
  }

  write(chunk: Buffer): void {
    const sink = this.sink
    const length = chunk.length
    let copyFrom = 0
    let index = 0
    while (index < length) {
      switch (this.state) {
        case State.String: {
          const quote = this.findClosingQuote(chunk, index)
          if (this.inKey && !this.keyTooLong) {
            // Only keys that may matter become strings: same length, first and last byte as one.
            const end = quote === -1 ? length : quote
            if (quote !== -1 && this.keyText === '') {
              // The whole key in this chunk: compared in place, the kept text is the key's own string (no copy).
              const keyLength = end - index
              const candidates = keyLength === 0 ? undefined : this.keysBySignature.get(keyLength * 65536 + chunk[index]! * 256 + chunk[end - 1]!)
              const key = candidates === undefined ? null : findKey(chunk, index, end, candidates)
              if (key === null)
                this.keyTooLong = true
              else
                this.keyText = key
            }
            else if (this.keyText.length + (end - index) > 64) {
              this.keyTooLong = true
            }
            else {
              this.keyText += chunk.toString('latin1', index, end)
            }
          }
          if (quote === -1) {
            index = length
            break
          }
          index = quote + 1
          this.state = State.Value
          if (!this.inKey)
            break
          this.inKey = false
          const parentKey = this.containerKeys.at(-1) ?? null
          if (!this.keyTooLong && (this.dropKeys.has(this.keyText) || this.isShadowed(this.keyText)) && (parentKey === null || !USER_KEYED_OBJECTS.has(parentKey))) {
            // Drop the member: cut back to its key (and the ',' before it, when there is one).
            sink.append(chunk, copyFrom, index)
            copyFrom = index
            if (this.commaBeforeKey >= 0) {
              sink.truncate(this.commaBeforeKey)
            }
            else {
              sink.truncate(this.keyOutStart)
              this.dropCommaAtDepth = this.containers.length
            }
            this.lastStructural = 0
            this.state = State.AfterDroppedKey
            this.sawColon = false
          }
          else {
            this.valueKey = this.keyTooLong ? null : this.keyText
            if (this.valueKey !== null && this.shadowing.length > 0)
              this.pendingShadow = this.shadowing.indexOf(this.valueKey)
          }
          break
        }
        case State.AfterDroppedKey: {
          const byte = chunk[index]!
          if (isWhitespace(byte)) {
            copyFrom = ++index
            break
          }
          if (!this.sawColon) {
            if (byte !== COLON) {
              // Not JSON: keep the byte so that the final parse reports the problem.
              this.state = State.Value
              break
            }
            this.sawColon = true
            copyFrom = ++index
            break
          }
          this.state = State.Skip
          this.skipDepth = 0
          this.skipInString = false
          this.skipPrimitive = false
          if (byte === QUOTE) {
            this.skipInString = true
            this.carriedBackslashes = 0
            index++
          }
          else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
            this.skipDepth = 1
            index++
          }
          else {
            this.skipPrimitive = true
          }
          copyFrom = index
          break
        }
        case State.Skip: {
          if (this.skipInString) {
            const quote = this.findClosingQuote(chunk, index)
            if (quote === -1) {
              index = length
              copyFrom = length
              break
            }
            index = quote + 1
            this.skipInString = false
            if (this.skipDepth === 0) {
              this.state = State.Value
              this.lastStructural = 0
            }
            copyFrom = index
            break
          }
          if (this.skipPrimitive) {
            for (; index < length; index++) {
              const byte = chunk[index]!
              if (byte === COMMA || byte === CLOSE_OBJECT || byte === CLOSE_ARRAY || isWhitespace(byte)) {
                this.state = State.Value
                this.lastStructural = 0
                break
              }
            }
            copyFrom = index
            break
          }
          for (; index < length; index++) {
            const byte = chunk[index]!
            if (byte === QUOTE) {
              this.skipInString = true
              this.carriedBackslashes = 0
              index++
              break
            }
            if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
              this.skipDepth++
            }
            else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
              this.skipDepth--
              if (this.skipDepth === 0) {
                index++
                this.state = State.Value
                this.lastStructural = 0
                break
              }
            }
          }
          copyFrom = index
          break
        }
        default: {
          // Structural bytes and kept literals, in one loop until a string starts.
          for (; index < length; index++) {
            const byte = chunk[index]!
            if (byte === QUOTE) {
              this.inKey = this.expectKey && this.containers.at(-1) === 1
              if (this.pendingShadow >= 0) {
                // A string value of a shadowing key shadows its pair's key in this object (a key: the value was no string).
                const depths = this.shadowDepths[this.pendingShadow]!
                if (!this.inKey && depths[depths.length - 1] !== this.containers.length)
                  depths.push(this.containers.length)
                this.pendingShadow = -1
              }
              if (this.inKey) {
                this.keyText = ''
                this.keyTooLong = false
                this.keyOutStart = sink.length + (index - copyFrom)
                this.commaBeforeKey = this.lastStructural === COMMA ? this.lastStructuralAt : -1
                this.expectKey = false
              }
              this.carriedBackslashes = 0
              this.state = State.String
              index++
              break
            }
            if (byte === COMMA) {
              if (this.dropCommaAtDepth === this.containers.length) {
                this.dropCommaAtDepth = -1
                sink.append(chunk, copyFrom, index)
                copyFrom = index + 1
                this.lastStructural = 0
              }
              else {
                this.lastStructural = COMMA
                this.lastStructuralAt = sink.length + (index - copyFrom)
              }
              this.expectKey = this.containers.at(-1) === 1
              this.valueKey = null
            }
            else if (byte === OPEN_OBJECT || byte === OPEN_ARRAY) {
              this.pendingShadow = -1
              this.containers.push(byte === OPEN_OBJECT ? 1 : 2)
              this.containerKeys.push(this.valueKey)
              this.valueKey = null
              this.expectKey = byte === OPEN_OBJECT
              this.lastStructural = byte
            }
            else if (byte === CLOSE_OBJECT || byte === CLOSE_ARRAY) {
              if (this.dropCommaAtDepth === this.containers.length)
                this.dropCommaAtDepth = -1
              for (const depths of this.shadowDepths) {
                if (depths[depths.length - 1] === this.containers.length)
                  depths.pop()
              }
              this.containers.pop()
              this.containerKeys.pop()
              this.expectKey = false
              this.valueKey = null
              this.lastStructural = byte
            }
            else if (!isWhitespace(byte) && byte !== COLON) {
              this.lastStructural = 0
            }
          }
          break
        }
      }
    }
    sink.append(chunk, copyFrom, length)
  }

  /** Whether the document ended outside every string and container. */
  isComplete(): boolean {
    return this.containers.length === 0 && (this.state === State.Value || (this.state === State.Skip && this.skipPrimitive))
  }

  end(): string {
    return this.sink.toString()
  }

  /** Whether `key` is shadowed in the open object: its shadowing key came first, with a string value. */
  private isShadowed(key: string): boolean {
    if (this.shadowed.length === 0)
      return false
    const pair = this.shadowed.indexOf(key)
    if (pair < 0)
      return false
    const depths = this.shadowDepths[pair]!
    return depths[depths.length - 1] === this.containers.length
  }

  /** The index of the string's closing quote in `chunk` from `from`, or -1 (escapes counted across chunks). */
  private findClosingQuote(chunk: Buffer, from: number): number {
    let at = from
    for (;;) {
      const quote = chunk.indexOf(QUOTE, at)
      if (quote === -1) {
        let trailing = 0
        for (let back = chunk.length - 1; back >= at && chunk[back] === BACKSLASH; back--)
          trailing++
        this.carriedBackslashes = trailing === chunk.length - at ? this.carriedBackslashes + trailing : trailing
        return -1
      }
      let backslashes = 0
      for (let back = quote - 1; back >= at && chunk[back] === BACKSLASH; back--)
        backslashes++
      if (backslashes === quote - at && at === from)
        backslashes += this.carriedBackslashes
      this.carriedBackslashes = 0
      if (backslashes % 2 === 0)
        return quote
      at = quote + 1
    }
  }
}
