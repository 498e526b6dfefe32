/**
 * Source maps of emitted files: find them, parse them, check that they fit the file they map, and
 * turn their `sources` into absolute module ids (what `CollectedChunk.map` carries).
 */
import path from 'node:path'
import type { CollectedSourceMap } from '@weighbridge/core'
import { InputError } from './input-error'
import { readSourceMapFieldBytes } from './source-map-bytes'

const textDecoder = new TextDecoder()
const textEncoder = new TextEncoder()

const WEBPACK_SOURCE = /^webpack:\/\/[^/]*\//
const URL_SCHEME = /^[a-z][a-z0-9+.-]*:/i

/** The `sourceMappingURL` of a JS or CSS file, or null (last comment wins, data: URLs included). */
export function findSourceMappingUrl(code: string): string | null {
  const tail = code.slice(-4096)
  const matches = [...tail.matchAll(/[#@]\s*sourceMappingURL=([^\s*'"]+)/g)]
  const last = matches.at(-1)
  return last?.[1] ?? null
}

/** Parses a source map text; throws `InputError` naming the file when it is not one. */
export function parseSourceMap(text: string, file: string): CollectedSourceMap & { sourcesContent?: (string | null)[] } {
  let value: unknown
  try {
    value = JSON.parse(text.charCodeAt(0) === 0xFEFF ? text.slice(1) : text)
  }
  catch (error) {
    throw new InputError(file, `${file}: not a source map (invalid JSON: ${(error as Error).message}). Re-generate it with the bundler's source map option.`)
  }
  const map = value as Record<string, unknown>
  if (map === null || typeof map !== 'object' || !Array.isArray(map.sources) || typeof map.mappings !== 'string') {
    const hint = map && typeof map === 'object' && Array.isArray(map.sections) ? 'indexed (sectioned) source maps are not supported' : 'it needs "sources" (array) and "mappings" (string)'
    throw new InputError(file, `${file}: not a version 3 source map (${hint}).`)
  }
  if (!map.sources.every(source => source === null || typeof source === 'string'))
    throw new InputError(file, `${file}: "sources" must hold strings; found ${JSON.stringify(map.sources.find(source => source !== null && typeof source !== 'string'))}.`)
  return map as unknown as CollectedSourceMap & { sourcesContent?: (string | null)[] }
}

/**
 * Turns a map's `sources` into absolute paths (or null for bundler-generated code such as the
 * webpack runtime). `webpack://<namespace>/./src/a.js` resolves against the project root; plain
 * relative sources against the map's folder and its `sourceRoot`, as the spec says.
 */
export function resolveMapSources(map: CollectedSourceMap, mapFile: string, root: string): (string | null)[] {
  const mapDir = path.dirname(mapFile)
  // 20,000 sources: a plain join where `path.resolve` would only join (see `resolveInside`).
  const resolveInRoot = path.resolve(root) === root ? resolveInside : path.resolve
  const resolveInMapDir = path.resolve(mapDir) === mapDir ? resolveInside : path.resolve
  return map.sources.map((source) => {
    if (source === null || source === '')
      return null
    if (WEBPACK_SOURCE.test(source)) {
      const rest = stripQuery(source.replace(WEBPACK_SOURCE, ''))
      if (!rest.startsWith('./') && !rest.startsWith('../') && !path.isAbsolute(rest))
        return null
      return resolveInRoot(root, rest)
    }
    if (source.startsWith('file://'))
      return stripQuery(decodeURIComponent(new URL(source).pathname))
    if (source.startsWith('\0') || URL_SCHEME.test(source))
      return source
    const withRoot = map.sourceRoot ? path.join(map.sourceRoot, source) : source
    return resolveInMapDir(mapDir, stripQuery(withRoot))
  })
}

/** A `.` or `..` segment, or `//`: what `path.resolve` would normalise. */
const DOT_SEGMENT = /(?:^|\/)\.{1,2}(?:\/|$)|\/\//

/** `path.resolve(dir, relative)` for a normalised absolute `dir`: a plain join when `relative` has nothing to normalise. */
function resolveInside(dir: string, relative: string): string {
  const rest = relative.startsWith('./') ? relative.slice(2) : relative
  if (path.sep !== '/' || rest === '' || rest.charCodeAt(0) === 47 || rest.endsWith('/') || DOT_SEGMENT.test(rest))
    return path.resolve(dir, relative)
  return dir === '/' ? `/${rest}` : `${dir}/${rest}`
}

function stripQuery(source: string): string {
  const question = source.indexOf('?')
  return question === -1 ? source : source.slice(0, question)
}


/** A byte range [start, end) of the generated file and the index of the source it maps to. */
export interface SourceSegment {
  start: number
  end: number
  key: number
}

export interface SourceMapScan {
  /**
   * Byte ranges of the generated file keyed by source index, sorted, disjoint, adjacent ranges of
   * one source merged; bytes in no range are unmapped. As the core attributes by a map: a mapping
   * owns the bytes up to the next mapping on its line, a line's newline goes to its last mapping.
   */
  segments: SourceSegment[]
  /** Per source index: 1 when some mapping points at it. */
  usedSources: Uint8Array
}

/** Base64 digit values by byte (-1: not a digit, `,` and `;` included). */
const BASE64_VALUES = (() => {
  const values = new Int8Array(256).fill(-1)
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'
  for (let index = 0; index < alphabet.length; index++)
    values[alphabet.charCodeAt(index)] = index
  return values
})()

const COMMA = 44
const SEMICOLON = 59

/**
 * Reads a map's `mappings` without an object per segment (a tight decode into typed arrays, then one
 * walk over the generated lines): checks that every mapping points inside the generated file
 * (`code`, `byteLength` bytes as UTF-8) and at an existing source (and, where `sourcesContent` is
 * embedded, inside that source), and returns the byte range each source owns. Throws `InputError`
 * naming `mapFile` otherwise: such a map belongs to another build of the file and would attribute
 * bytes to the wrong modules.
 */
export function scanSourceMap(map: CollectedSourceMap & { sourcesContent?: unknown }, code: string, byteLength: number, mapFile: string, codeFile: string, sourceLineCounts?: Int32Array, mappingsBytes?: Uint8Array): SourceMapScan {
  const decoded = decodeMappings(mappingsBytes ?? textEncoder.encode(map.mappings), map.sources, mapFile, sourceLineCounts ?? countSourceLines(map.sourcesContent, map.sources.length))
  const { columns, keys, lineEnds, lineCount } = decoded
  const usedSources = new Uint8Array(map.sources.length)
  const segments: SourceSegment[] = []
  const offsets = new ByteOffsets(code, byteLength === code.length)
  let lineStart = 0
  let last: SourceSegment | null = null
  let segmentIndex = 0
  for (let line = 0; line < lineCount; line++) {
    const lineEnd = lineEnds[line]!
    if (segmentIndex === lineEnd) {
      // No mapping on this line: its bytes and newline stay unmapped.
      if (lineStart <= code.length) {
        const newline = code.indexOf('\n', lineStart)
        lineStart = newline === -1 ? code.length + 1 : newline + 1
      }
      continue
    }
    if (lineStart > code.length)
      throw new InputError(mapFile, `${mapFile}: mappings reach line ${lineCount} but ${codeFile} has ${countCodeLines(code)} lines; the map belongs to another build of the file. Re-build so that the file and its map match.`)
    const newline = code.indexOf('\n', lineStart)
    const textEnd = newline === -1 ? code.length : newline
    const visibleLength = (textEnd > lineStart && code.charCodeAt(textEnd - 1) === 13 ? textEnd - 1 : textEnd) - lineStart
    sortLine(columns, keys, segmentIndex, lineEnd)
    let lastKey = -1
    for (; segmentIndex < lineEnd; segmentIndex++) {
      const column = columns[segmentIndex]!
      if (column > visibleLength)
        throw new InputError(mapFile, `${mapFile}: a mapping points at column ${column + 1} of line ${line + 1}, but that line of ${codeFile} has ${visibleLength} characters; the map belongs to another build of the file. Re-build so that the file and its map match.`)
      const key = keys[segmentIndex]!
      lastKey = key
      if (key < 0)
        continue
      usedSources[key] = 1
      const start = lineStart + column
      const end = segmentIndex + 1 < lineEnd ? Math.min(lineStart + columns[segmentIndex + 1]!, textEnd) : textEnd
      if (end <= start)
        continue
      const byteStart = offsets.at(start)
      if (last !== null && last.key === key && last.end === byteStart)
        last.end = offsets.at(end)
      else
        segments.push(last = { start: byteStart, end: offsets.at(end), key })
    }
    if (newline !== -1 && lastKey >= 0) {
      const byteStart = offsets.at(newline)
      if (last !== null && last.key === lastKey && last.end === byteStart)
        last.end = byteStart + 1
      else
        segments.push(last = { start: byteStart, end: byteStart + 1, key: lastKey })
    }
    lineStart = newline === -1 ? code.length + 1 : newline + 1
  }
  return { segments, usedSources }
}

interface DecodedMappings {
  /** Generated column of each segment. */
  columns: Int32Array
  /** Source index of each segment, -1 when it has none. */
  keys: Int32Array
  /** Per generated line: the index after its last segment. */
  lineEnds: Int32Array
  lineCount: number
}

/**
 * Decodes the VLQ `mappings` (its UTF-8 bytes) into flat typed arrays, checking each source
 * reference on the way. Bytes, not a string: the map's own bytes need no decoding, and most values
 * are one digit (the fast path below).
 */
function decodeMappings(mappings: Uint8Array, sources: CollectedSourceMap['sources'], mapFile: string, sourceLineCounts: Int32Array): DecodedMappings {
  const length = mappings.length
  const sourceCount = sources.length
  let capacity = Math.max(16, length >> 2)
  let columns = new Int32Array(capacity)
  let keys = new Int32Array(capacity)
  let lineEnds = new Int32Array(64)
  let lineCount = 0
  let count = 0
  let column = 0
  let source = 0
  let sourceLine = 0
  let sourceColumn = 0
  let position = 0
  for (;;) {
    if (position >= length) {
      if (lineCount === lineEnds.length)
        lineEnds = growInt32(lineEnds)
      lineEnds[lineCount++] = count
      break
    }
    const byte = mappings[position]!
    if (byte === SEMICOLON) {
      if (lineCount === lineEnds.length)
        lineEnds = growInt32(lineEnds)
      lineEnds[lineCount++] = count
      column = 0
      position++
      continue
    }
    if (byte === COMMA) {
      position++
      continue
    }
    // One segment: up to five VLQ values until the next ',' or ';'.
    let fields = 0
    while (position < length) {
      let digit = BASE64_VALUES[mappings[position]!]!
      if (digit < 0) {
        const next = mappings[position]!
        if (next === COMMA || next === SEMICOLON)
          break
        failMappings(mapFile, `${JSON.stringify(characterAt(mappings, position))} at offset ${position} is no base64 digit`)
      }
      position++
      let value = digit & 31
      let shift = 5
      while ((digit & 32) !== 0) {
        if (position >= length)
          failMappings(mapFile, 'it ends inside a value')
        digit = BASE64_VALUES[mappings[position++]!]!
        if (digit < 0)
          failMappings(mapFile, `${JSON.stringify(characterAt(mappings, position - 1))} at offset ${position - 1} is no base64 digit`)
        if (shift > 25)
          failMappings(mapFile, `a value at offset ${position - 1} is too large`)
        value |= (digit & 31) << shift
        shift += 5
      }
      value = (value & 1) === 1 ? -(value >>> 1) : value >>> 1
      if (fields === 0)
        column += value
      else if (fields === 1)
        source += value
      else if (fields === 2)
        sourceLine += value
      else if (fields === 3)
        sourceColumn += value
      fields++
    }
    if (column < 0)
      failMappings(mapFile, `a mapping on line ${lineCount + 1} points at column ${column + 1} of the generated file`)
    let key = -1
    if (fields >= 4) {
      if (source < 0 || source >= sourceCount)
        throw new InputError(mapFile, `${mapFile}: a mapping on line ${lineCount + 1} points at source #${source + 1}, but the map lists ${sourceCount} sources. Re-generate the source map.`)
      const sourceLines = sourceLineCounts[source]!
      if (sourceLine < 0 || (sourceLines >= 0 && sourceLine >= sourceLines))
        throw new InputError(mapFile, `${mapFile}: a mapping on line ${lineCount + 1} points at line ${sourceLine + 1} of ${sources[source]}, past the end of that source (${sourceLines} lines). Re-generate the source map.`)
      if (sourceColumn < 0)
        failMappings(mapFile, `a mapping on line ${lineCount + 1} points at column ${sourceColumn + 1} of ${sources[source]}`)
      key = source
    }
    if (count === capacity) {
      capacity *= 2
      columns = growInt32(columns, capacity)
      keys = growInt32(keys, capacity)
    }
    columns[count] = column
    keys[count] = key
    count++
  }
  return { columns, keys, lineEnds, lineCount }
}

/** The character starting at byte `position` of UTF-8 `bytes` (all bytes before it are ASCII here), for messages. */
function characterAt(bytes: Uint8Array, position: number): string {
  const text = textDecoder.decode(bytes.subarray(position, position + 4))
  return String.fromCodePoint(text.codePointAt(0) ?? 0xFFFD)
}

function failMappings(mapFile: string, problem: string): never {
  throw new InputError(mapFile, `${mapFile}: the "mappings" string cannot be decoded (${problem}). Re-generate the source map.`)
}

/** UTF-16 positions → UTF-8 byte offsets of `code`, walking forward (positions only grow within a scan). */
class ByteOffsets {
  private position = 0
  private bytes = 0
  constructor(private readonly code: string, private readonly isAscii: boolean) {}

  at(target: number): number {
    if (this.isAscii)
      return target
    const code = this.code
    let position = this.position
    let bytes = this.bytes
    for (; position < target; position++) {
      const unit = code.charCodeAt(position)
      if (unit < 0x80)
        bytes += 1
      else if (unit < 0x800)
        bytes += 2
      else if (unit >= 0xD800 && unit <= 0xDBFF)
        bytes += isLowSurrogate(code.charCodeAt(position + 1)) ? 4 : 3
      else if (unit >= 0xDC00 && unit <= 0xDFFF)
        bytes += position > 0 && isHighSurrogate(code.charCodeAt(position - 1)) ? 0 : 3
      else
        bytes += 3
    }
    this.position = position
    this.bytes = bytes
    return bytes
  }
}

/**
 * Parses, checks and scans the map of one generated file: what the importers do with every map.
 * Given bytes, only the fields used are read (`readSourceMapFieldBytes`: no `sourcesContent`
 * strings, `mappings` decoded from its bytes); anything that reader is unsure of goes through
 * `JSON.parse` and its precise errors. `map.mappings` may be a getter over the map file's bytes:
 * spread the map (`{ ...map }`) to keep it.
 */
export function readSourceMapOf(mapInput: string | Uint8Array, mapFile: string, code: string, byteLength: number, codeFile: string, root: string, resolveAgainst: string = mapFile): { map: CollectedSourceMap, sources: (string | null)[], scan: SourceMapScan } {
  const fields = typeof mapInput === 'string' ? null : readSourceMapFieldBytes(mapInput)
  if (fields) {
    const { mappingsBytes } = fields
    const parsed = { version: 3, sources: fields.sources, sourceRoot: fields.sourceRoot }
    const scan = scanSourceMap({ ...parsed, mappings: '' }, code, byteLength, mapFile, codeFile, fields.sourceLineCounts, mappingsBytes)
    const sources = resolveMapSources({ ...parsed, mappings: '' }, resolveAgainst, root)
    // The mappings string only when asked for (a map that places nothing, esbuild's): most maps never
    // need it. The getter holds the map file's bytes: a caller keeping the map keeps a copy (`{ ...map }`).
    let mappings: string | undefined
    const map = { version: 3, sources, get mappings(): string {
      return mappings ??= textDecoder.decode(mappingsBytes)
    } }
    return { map, sources, scan }
  }
  const parsed = parseSourceMap(typeof mapInput === 'string' ? mapInput : textDecoder.decode(mapInput), mapFile)
  const scan = scanSourceMap(parsed, code, byteLength, mapFile, codeFile)
  const sources = resolveMapSources(parsed, resolveAgainst, root)
  // Keep what the core may read; `sourcesContent` and `names` are dropped with the parsed map.
  return { map: { version: 3, sources, mappings: parsed.mappings }, sources, scan }
}

/**
 * Turns a scan's source-keyed ranges into module-keyed ranges (`moduleOfSource[source]`, -1 = no
 * module: the bytes stay glue), merging neighbours that land on one module.
 */
export function toModuleRanges(scan: SourceMapScan, moduleOfSource: ArrayLike<number>): SourceSegment[] {
  const ranges: SourceSegment[] = []
  for (const segment of scan.segments) {
    const key = moduleOfSource[segment.key] ?? -1
    if (key < 0)
      continue
    const last = ranges.at(-1)
    if (last && last.key === key && last.end === segment.start)
      last.end = segment.end
    else
      ranges.push({ start: segment.start, end: segment.end, key })
  }
  return ranges
}

/** Checks a map against its generated file (see `scanSourceMap`), without keeping the ranges. */
export function checkSourceMapFits(map: CollectedSourceMap & { sourcesContent?: unknown }, code: string, mapFile: string, codeFile: string): void {
  scanSourceMap(map, code, Buffer.byteLength(code), mapFile, codeFile)
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xD800 && unit <= 0xDBFF
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xDC00 && unit <= 0xDFFF
}

function growInt32(values: Int32Array<ArrayBuffer>, capacity = values.length * 2): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(capacity)
  grown.set(values)
  return grown
}

/** Sorts the segments [from, to) of one line by generated column, when they are not (rare; stable). */
function sortLine(columns: Int32Array, keys: Int32Array, from: number, to: number): void {
  let isSorted = true
  for (let index = from + 1; index < to && isSorted; index++)
    isSorted = columns[index - 1]! <= columns[index]!
  if (isSorted)
    return
  for (let index = from + 1; index < to; index++) {
    const column = columns[index]!
    const key = keys[index]!
    let at = index - 1
    while (at >= from && columns[at]! > column) {
      columns[at + 1] = columns[at]!
      keys[at + 1] = keys[at]!
      at--
    }
    columns[at + 1] = column
    keys[at + 1] = key
  }
}

/** Lines of each embedded source (-1 where no content is embedded). */
function countSourceLines(sourcesContent: unknown, sourceCount: number): Int32Array {
  const counts = new Int32Array(sourceCount).fill(-1)
  if (!Array.isArray(sourcesContent))
    return counts
  for (let index = 0; index < sourceCount && index < sourcesContent.length; index++) {
    const content: unknown = sourcesContent[index]
    if (typeof content !== 'string')
      continue
    let lines = 1
    for (let at = content.indexOf('\n'); at !== -1; at = content.indexOf('\n', at + 1))
      lines++
    counts[index] = lines
  }
  return counts
}

function countCodeLines(code: string): number {
  let lines = 1
  for (let at = code.indexOf('\n'); at !== -1; at = code.indexOf('\n', at + 1))
    lines++
  return lines
}
