/**
 * Which bytes of an emitted chunk file belong to which module. Tried in this order:
 * 0. the adapter's own `ranges` (webpack/Rspack module factories located in the parsed file), with
 *    the method it names (`exact`, or `estimated` when concatenated modules were split by size).
 * 1. `bundler`: every module carries `outputBytes` (webpack/rspack stats, esbuild metafile): ranges
 *    are laid out in module order, the rest of the file is glue.
 * 2. `exact`: every module's rendered `code` is found, in order, verbatim in the file.
 * 3. `sourcemap`: the file's source map; a segment owns the bytes up to the next segment on its line,
 *    a line's newline goes to the line's last segment (to glue when that segment has no module).
 *    Modules the map does not cover (bundler runtimes and helpers: `\0rolldown/runtime.js`,
 *    `\0vite/preload-helper.js`) but which have rendered code take the unmapped gap that sits
 *    between their neighbours in module order, up to their rendered size.
 * 4. `aligned`: minified output without a map (Rollup-family builds give each module's pre-minify
 *    `code`): boundaries placed by aligning the tokens that survive minification (see align-minified.ts).
 * 5. `estimated`: the bundler's rendered lengths (or the fallback weights) as shares of the file.
 * The result is a list of byte segments keyed by module index, handed to the measurer.
 */
import type { CollectedChunkModule, CollectedSourceMap } from './collected'
import type { ByteSegment } from './measure/types'
import type { AttributionMethod } from './model'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { decode } from '@jridgewell/sourcemap-codec'
import { alignMinifiedModules } from './align-minified'
import { parseModuleId } from './normalize-id'
import { countUtf8Bytes, createByteOffsetConverter } from './utf8-offsets'

export interface ChunkAttributionInput {
  /** Absolute path of the emitted file: source map sources resolve against its directory. */
  fileName: string
  bytes: Uint8Array
  /** The file decoded as UTF-8 (the same string the bundler emitted). */
  text: string
  modules: CollectedChunkModule[]
  map?: CollectedSourceMap | null
  /** Per module, a weight for the estimate when the bundler gave no rendered length (the source file size). */
  fallbackWeights?: (number | null)[]
  /** Byte ranges the adapter located itself (see `CollectedChunk.ranges`). */
  ranges?: { method: 'exact' | 'estimated' | 'sourcemap', segments: ByteSegment[] } | null
}

export interface ChunkAttribution {
  method: AttributionMethod
  /** Disjoint, sorted byte ranges; `key` is the module's index in `modules`. */
  segments: ByteSegment[]
}

/** The bundler's rendered length in bytes: the UTF-8 length of the module's code when given, else `renderedLength`. */
export function measureRenderedBytes(module: CollectedChunkModule): number | null {
  if (module.code !== undefined)
    return module.code === null || module.code === '' ? 0 : countUtf8Bytes(module.code)
  return module.renderedLength ?? null
}

function pushSegment(segments: ByteSegment[], start: number, end: number, key: number): void {
  if (end <= start || key < 0)
    return
  const last = segments.at(-1)
  if (last && last.key === key && last.end === start)
    last.end = end
  else
    segments.push({ start, end, key })
}

function layOutInOrder(sizes: number[], totalBytes: number): ByteSegment[] {
  const segments: ByteSegment[] = []
  let cursor = 0
  sizes.forEach((size, key) => {
    const end = Math.min(totalBytes, cursor + Math.max(0, Math.floor(size)))
    pushSegment(segments, cursor, end, key)
    cursor = end
  })
  return segments
}

function attributeByBundler(input: ChunkAttributionInput): ByteSegment[] | null {
  if (input.modules.length === 0 || !input.modules.every(module => typeof module.outputBytes === 'number'))
    return null
  return layOutInOrder(input.modules.map(module => module.outputBytes!), input.bytes.length)
}

/** Rollup/Rolldown file-hash placeholders (`!~{001}~`) left in module code; the file has the hash. */
const HASH_PLACEHOLDER = /!~\{[\w$]+\}~/g

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** Where `code` occurs in `text` at or after `from`, placeholders matching any hash: [start, end) or null. */
function findRenderedCode(text: string, code: string, from: number): [number, number] | null {
  if (!code.includes('!~{')) {
    const start = text.indexOf(code, from)
    return start === -1 ? null : [start, start + code.length]
  }
  const pattern = new RegExp(code.split(HASH_PLACEHOLDER).map(escapeRegExp).join('[\\w$-]{1,128}'), 'g')
  pattern.lastIndex = from
  const match = pattern.exec(text)
  return match ? [match.index, match.index + match[0].length] : null
}

function attributeExactly(input: ChunkAttributionInput, toByteOffset: (position: number) => number): ByteSegment[] | null {
  if (input.modules.length === 0 || !input.modules.every(module => module.code !== undefined))
    return null
  const segments: ByteSegment[] = []
  let cursor = 0
  for (const [key, module] of input.modules.entries()) {
    if (!module.code)
      continue
    const found = findRenderedCode(input.text, module.code, cursor)
    if (!found)
      return null
    cursor = found[1]
    pushSegment(segments, toByteOffset(found[0]), toByteOffset(found[1]), key)
  }
  return segments
}

function resolveSourcePath(source: string, fileDirectory: string, sourceRoot: string | undefined): string {
  const joined = sourceRoot ? `${sourceRoot.replace(/\/$/, '')}/${source}` : source
  if (joined.startsWith('file://'))
    return fileURLToPath(joined)
  return path.resolve(fileDirectory, joined)
}

/** Map source index → module index (-1 when the source is no module of this chunk). */
function matchSourcesToModules(input: ChunkAttributionInput, map: CollectedSourceMap): number[] {
  const moduleByPath = new Map<string, number>()
  // Real files first, so `lodash.js` wins over `\0lodash.js?commonjs-proxy` for the same path.
  const ranked = input.modules
    .map((module, index) => ({ index, parsed: parseModuleId(module.id) }))
    .sort((a, b) => Number(a.parsed.isVirtual || a.parsed.query !== '') - Number(b.parsed.isVirtual || b.parsed.query !== '') || a.index - b.index)
  for (const { index, parsed } of ranked) {
    if (parsed.filePath !== null && !moduleByPath.has(path.resolve(parsed.filePath)))
      moduleByPath.set(path.resolve(parsed.filePath), index)
  }
  const fileDirectory = path.dirname(input.fileName)
  return map.sources.map((source) => {
    if (source === null || source === '')
      return -1
    const resolved = resolveSourcePath(source, fileDirectory, map.sourceRoot)
    return moduleByPath.get(resolved) ?? moduleByPath.get(resolved.replace(/\?.*$/, '')) ?? -1
  })
}

function isSortedByColumn(segments: number[][]): boolean {
  for (let index = 1; index < segments.length; index++) {
    if (segments[index]![0]! < segments[index - 1]![0]!)
      return false
  }
  return true
}

function attributeBySourceMap(input: ChunkAttributionInput, toByteOffset: (position: number) => number): ByteSegment[] | null {
  const map = input.map
  if (!map || typeof map.mappings !== 'string' || !Array.isArray(map.sources) || input.modules.length === 0)
    return null
  const moduleOfSource = matchSourcesToModules(input, map)
  if (!moduleOfSource.some(key => key >= 0))
    return null
  const lines = decode(map.mappings)
  const text = input.text
  const segments: ByteSegment[] = []
  let lineStart = 0
  for (let lineIndex = 0; lineIndex < lines.length && lineStart <= text.length; lineIndex++) {
    const newlineIndex = text.indexOf('\n', lineStart)
    const lineEnd = newlineIndex === -1 ? text.length : newlineIndex
    // decode() hands us fresh arrays, already in column order unless the map is unusual.
    const mapped = lines[lineIndex]!
    if (!isSortedByColumn(mapped))
      mapped.sort((a, b) => a[0] - b[0])
    let lastKey = -1
    for (const [segmentIndex, segment] of mapped.entries()) {
      const start = Math.min(lineStart + segment[0], lineEnd)
      const next = mapped[segmentIndex + 1]
      const end = next ? Math.min(lineStart + next[0], lineEnd) : lineEnd
      lastKey = segment.length >= 4 ? (moduleOfSource[segment[1]!] ?? -1) : -1
      pushSegment(segments, toByteOffset(start), toByteOffset(end), lastKey)
    }
    if (newlineIndex === -1)
      break
    // The newline belongs to the line's last module, or to the glue.
    pushSegment(segments, toByteOffset(lineEnd), toByteOffset(lineEnd + 1), lastKey)
    lineStart = newlineIndex + 1
  }
  return segments
}

/** The index of the first value ≥ `target` in an ascending list (its length when there is none). */
function findFirstAtLeast(sorted: number[], target: number): number {
  let low = 0
  let high = sorted.length
  while (low < high) {
    const middle = (low + high) >>> 1
    if (sorted[middle]! < target)
      low = middle + 1
    else
      high = middle
  }
  return low
}

/**
 * Unmapped modules with rendered code fill the glue gap between the mapped modules around them
 * (modules are emitted in module order), split by rendered size and capped by it.
 */
function fillGapsWithUnmappedModules(segments: ByteSegment[], input: ChunkAttributionInput): ByteSegment[] {
  const mapped = new Set(segments.map(segment => segment.key))
  const weights = input.modules.map(module => measureRenderedBytes(module) ?? 0)
  /** Unmapped modules with code, in ascending key order (each leaves the list when it is placed). */
  const waiting = weights.flatMap((weight, key) => weight > 0 && !mapped.has(key) ? [key] : [])
  if (waiting.length === 0)
    return segments
  const filled: ByteSegment[] = []
  const fillGap = (start: number, end: number, previousKey: number, nextKey: number): void => {
    const first = findFirstAtLeast(waiting, previousKey + 1)
    const candidates = waiting.splice(first, findFirstAtLeast(waiting, nextKey) - first)
    let cursor = start
    const total = candidates.reduce((sum, key) => sum + weights[key]!, 0)
    const scale = Math.min(1, (end - start) / Math.max(total, 1))
    for (const key of candidates) {
      const size = Math.floor(weights[key]! * scale)
      pushSegment(filled, cursor, cursor + size, key)
      cursor += size
    }
  }
  let cursor = 0
  let previousKey = -1
  for (const segment of segments) {
    if (segment.start > cursor)
      fillGap(cursor, segment.start, previousKey, segment.key)
    pushSegment(filled, segment.start, segment.end, segment.key)
    cursor = segment.end
    previousKey = segment.key
  }
  if (cursor < input.bytes.length)
    fillGap(cursor, input.bytes.length, previousKey, input.modules.length)
  return filled
}

function attributeByEstimate(input: ChunkAttributionInput): ByteSegment[] {
  const weights = input.modules.map((module, index) => measureRenderedBytes(module) ?? input.fallbackWeights?.[index] ?? 0)
  const totalWeight = weights.reduce((sum, weight) => sum + weight, 0)
  if (totalWeight <= 0)
    return []
  const scale = Math.min(1, input.bytes.length / totalWeight)
  return layOutInOrder(weights.map(weight => weight * scale), input.bytes.length)
}

/** The adapter's own ranges, when they are sorted, disjoint, inside the file and keyed by module index. */
function useLocatedRanges(input: ChunkAttributionInput): ChunkAttribution | null {
  const ranges = input.ranges
  if (!ranges || ranges.segments.length === 0)
    return null
  let cursor = 0
  for (const segment of ranges.segments) {
    if (segment.start < cursor || segment.end < segment.start || segment.end > input.bytes.length || !Number.isInteger(segment.key) || segment.key < 0 || segment.key >= input.modules.length)
      return null
    cursor = segment.end
  }
  const segments = ranges.segments.map(segment => ({ ...segment }))
  // A reader's source-map ranges get what `attributeBySourceMap` gives: modules with code but no
  // mapping (bundler runtimes, helpers) take the unmapped gaps between their neighbours.
  return { method: ranges.method, segments: ranges.method === 'sourcemap' ? fillGapsWithUnmappedModules(segments, input) : segments }
}

export function attributeChunkBytes(input: ChunkAttributionInput): ChunkAttribution {
  const located = useLocatedRanges(input)
  if (located)
    return located
  const bundler = attributeByBundler(input)
  if (bundler)
    return { method: 'bundler', segments: bundler }
  const toByteOffset = createByteOffsetConverter(input.text, input.bytes.length === input.text.length)
  const exact = attributeExactly(input, toByteOffset)
  if (exact)
    return { method: 'exact', segments: exact }
  const sourceMapped = attributeBySourceMap(input, createByteOffsetConverter(input.text, input.bytes.length === input.text.length))
  if (sourceMapped)
    return { method: 'sourcemap', segments: fillGapsWithUnmappedModules(sourceMapped, input) }
  // Only where the bundler gave every module's code: a module without it would get no bytes at all.
  const aligned = input.modules.every(module => module.code !== undefined)
    ? alignMinifiedModules(input.text, input.modules.map(module => module.code), { toByteOffset: createByteOffsetConverter(input.text, input.bytes.length === input.text.length) })
    : null
  if (aligned)
    return { method: 'aligned', segments: aligned }
  return { method: 'estimated', segments: attributeByEstimate(input) }
}
