/**
 * Per-module byte ranges for webpack 5 / Rspack JS files that have no source map (production
 * defaults: `devtool: false`, minified, module concatenation on).
 *
 * Each chunk file is parsed and its module factories located (`locateWebpackModules`): a factory's
 * range belongs to its module exactly. A concatenated module (`./src/main.js + 3 modules`) has one
 * factory for all its parts: its range is split among the parts in proportion to their code size
 * (the source file without comments and whitespace, which tracks the minified size far better than
 * the raw size: lodash-es sources are mostly JSDoc), and the chunk is marked `estimated`. webpack inlines entry modules after the runtime instead of
 * giving them a factory: the bootstrap's code after its last runtime part goes to them. What no
 * module owns (the runtime, the chunk wrapper) stays glue. Files that cannot be parsed, or whose
 * factories are not found, keep the core's size-share estimate.
 *
 * With a range cache (`webpack-range-cache.ts`), a file whose content, module list and weighed
 * sources are what they were in an earlier build gets its ranges from there, without a parse.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type { CollectedBuild, CollectedChunk } from '@weighbridge/core'
import { hashBytes } from '@weighbridge/core'
import type { WebpackStats, WebpackStatsModule } from '../importers/webpack-stats'
import { innerModulesOf, isCssModule, isRealModule, resolveModuleResource } from '../importers/webpack-stats'
import type { TextRange } from './locate-webpack-modules'
import { locateWebpackModules } from './locate-webpack-modules'
import type { CachedRanges, WebpackRangeCache } from './webpack-range-cache'
import { rangeCacheKey } from './webpack-range-cache'

const JS_FILE = /\.(?:m|c)?js$/
/** Keeps a byte order mark, so text positions and byte offsets stay aligned. */
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true })

interface Piece {
  range: TextRange
  /** The modules sharing the range (one, or the parts of a concatenated module / several inlined entries). */
  parts: WebpackStatsModule[]
}

export interface WebpackRangeContext {
  /** Absolute project root (webpack's `context`). */
  root: string
  /** Absolute folder of the emitted files. */
  outputPath: string
  /** Ranges located in earlier builds (`webpack-range-cache.ts`): an unchanged file is not parsed again. */
  cache?: WebpackRangeCache
  /** Called for each file located (not taken from the cache): how it was read (the timing log, tests). */
  onRead?: (how: 'scanned' | 'parsed') => void
}

/**
 * Sets `chunk.ranges` on the JS chunk files of `collected` that carry no source map. `stats` are the
 * ones `collected` was made from (chunk membership from `chunks[].modules` or `modules[].chunks`,
 * nested modules, ids, reasons). Fills `contentHash` of the files it looks at (the cache key; the
 * measurer and the reuse key take it from there).
 */
export function attachWebpackModuleRanges(collected: CollectedBuild, stats: WebpackStats, context: WebpackRangeContext): void {
  const filesByName = new Map(collected.files.map(file => [file.fileName, file]))
  const weights = new Map<string, number>()
  const weighPart = (part: WebpackStatsModule): number => {
    const resource = resolveModuleResource(part, context.root)
    let weight = weights.get(resource)
    if (weight === undefined) {
      weight = measureCodeSize(resource) ?? Math.max(0, part.size ?? 0)
      weights.set(resource, weight)
    }
    return weight
  }
  const topModules = (stats.modules ?? []).filter(m => isRealModule(m) && m.orphan !== true)
  let modulesByChunk: Map<string | number, WebpackStatsModule[]> | undefined
  for (const statsChunk of stats.chunks ?? []) {
    const jsFile = (statsChunk.files ?? []).find(file => JS_FILE.test(file))
    const file = jsFile === undefined ? undefined : filesByName.get(path.resolve(context.outputPath, jsFile))
    if (!file?.chunk || file.chunk.map || file.chunk.ranges || file.chunk.modules.length === 0)
      continue
    const chunk = file.chunk
    const chunkModules = Array.isArray(statsChunk.modules)
      ? statsChunk.modules.filter(m => isRealModule(m) && m.orphan !== true)
      : (modulesByChunk ??= groupByChunk(topModules)).get(statsChunk.id ?? '') ?? []
    const modules = chunkModules.filter(m => !isCssModule(m))
    const byteLength = typeof file.contents === 'string' ? Buffer.byteLength(file.contents) : file.contents.length
    const shape = { byteLength, moduleCount: chunk.modules.length }
    const key = context.cache && rangeCacheKey(file.contentHash ??= hashBytes(file.contents), describeChunk(modules, chunk, context.root))
    const cached = key ? context.cache!.get(key, shape) : undefined
    let ranges: CachedRanges | null
    if (cached !== undefined) {
      ranges = cached
    }
    else {
      const text = typeof file.contents === 'string' ? file.contents : textDecoder.decode(file.contents)
      const located = locateChunkRanges(text, modules, chunk, context, weighPart)
      ranges = located && { method: located.method, segments: toByteSegments(located.segments, text, byteLength) }
      if (key)
        context.cache!.set(key, ranges)
    }
    if (ranges)
      chunk.ranges = ranges
  }
}

/** Stats without `chunks[].modules`: each chunk's modules from `modules[].chunks`, in the stats' order. */
function groupByChunk(topModules: WebpackStatsModule[]): Map<string | number, WebpackStatsModule[]> {
  const byChunk = new Map<string | number, WebpackStatsModule[]>()
  for (const m of topModules) {
    for (const chunkId of m.chunks ?? []) {
      const list = byChunk.get(chunkId)
      if (list)
        list.push(m)
      else byChunk.set(chunkId, [m])
    }
  }
  return byChunk
}

/**
 * Everything besides the file's bytes that its ranges are made from: the chunk's module list (the
 * segment keys index it), each stats module's id, parts, sizes and entry flag, and for the parts
 * whose code size may split a shared range (concatenated modules, inlined entries) the size and
 * mtime of their source file (`measureCodeSize` reads it).
 */
function describeChunk(modules: WebpackStatsModule[], chunk: CollectedChunk, root: string): string {
  const described = modules.map((m) => {
    const entry = isEntryModule(m)
    const inner = innerModulesOf(m)
    const parts = (inner.length > 0 ? inner : [m]).map((part) => {
      const resource = resolveModuleResource(part, root)
      return inner.length > 0 || entry ? [resource, part.size ?? null, stampSource(resource)] : [resource, part.size ?? null]
    })
    return [m.id ?? null, entry, parts]
  })
  return JSON.stringify([chunk.modules.map(m => m.id), described])
}

/** `size:mtime` of a script source `measureCodeSize` would read; null for anything else. */
function stampSource(resource: string): string | null {
  if (!path.isAbsolute(resource) || !SCRIPT_FILE.test(resource))
    return null
  try {
    const stats = statSync(resource, { throwIfNoEntry: false })
    return stats ? `${stats.size}:${stats.mtimeMs}` : null
  }
  catch {
    return null
  }
}

function isEntryModule(m: WebpackStatsModule): boolean {
  return [m, ...innerModulesOf(m)].some(candidate => (candidate.reasons ?? []).some(reason => reason.type === 'entry'))
}

interface TextSegment { start: number, end: number, key: number }

const SCRIPT_FILE = /\.(?:[mc]?[jt]sx?)$/
const BLOCK_COMMENT = /\/\*[\s\S]*?\*\//g
const LINE_COMMENT = /(^|\s)\/\/.*$/gm
/** Counting what is left after removing the whitespace: `match(/\S/g)` built an array of every character (5x slower on chart.js and moment). */
const WHITESPACE = /\s+/g

/** Characters of a script's source that are code (comments and whitespace left out); null when it is no readable script. */
function measureCodeSize(resource: string): number | null {
  if (!path.isAbsolute(resource) || !SCRIPT_FILE.test(resource))
    return null
  let source: string
  try {
    source = readFileSync(resource, 'utf8')
  }
  catch {
    return null
  }
  return source.replace(BLOCK_COMMENT, '').replace(LINE_COMMENT, '$1').replace(WHITESPACE, '').length
}

function locateChunkRanges(text: string, modules: WebpackStatsModule[], chunk: CollectedChunk, context: WebpackRangeContext, weighPart: (part: WebpackStatsModule) => number): { method: 'exact' | 'estimated', segments: TextSegment[] } | null {
  const { root } = context
  const withIds = modules.filter(m => m.id !== null && m.id !== undefined)
  const located = locateWebpackModules(text, withIds.map(m => String(m.id)), { onRead: context.onRead })
  if (!located)
    return null
  const pieces: Piece[] = []
  const inlined: WebpackStatsModule[] = []
  for (const m of modules) {
    const range = m.id === null || m.id === undefined ? undefined : located.factories.get(String(m.id))
    if (range) {
      const inner = innerModulesOf(m)
      pieces.push({ range, parts: inner.length > 0 ? inner : [m] })
    }
    else if (isEntryModule(m)) {
      inlined.push(m)
    }
  }
  if (inlined.length > 0 && located.inlinedTail)
    pieces.push({ range: located.inlinedTail, parts: inlined.flatMap(m => innerModulesOf(m).length > 0 ? innerModulesOf(m) : [m]) })

  const keyById = new Map(chunk.modules.map((module, index) => [module.id, index]))
  const segments: TextSegment[] = []
  let estimated = false
  for (const piece of pieces.sort((a, b) => a.range[0] - b.range[0])) {
    const last = segments.at(-1)
    if (last && piece.range[0] < last.end)
      continue
    if (piece.parts.length > 1)
      estimated = true
    const keys = piece.parts.map(part => keyById.get(resolveModuleResource(part, root)) ?? -1)
    const weights = piece.parts.length === 1 ? [1] : piece.parts.map(weighPart)
    splitRange(piece.range, weights).forEach(([start, end], index) => {
      if (end > start && keys[index]! >= 0)
        segments.push({ start, end, key: keys[index]! })
    })
  }
  if (segments.length === 0)
    return null
  return { method: estimated ? 'estimated' : 'exact', segments }
}

/** Splits [start, end) into consecutive ranges proportional to `weights` (equal shares when all are zero). */
function splitRange([start, end]: TextRange, weights: number[]): TextRange[] {
  const total = weights.reduce((sum, weight) => sum + weight, 0)
  const shares = total > 0 ? weights : weights.map(() => 1)
  const shareTotal = total > 0 ? total : weights.length
  const ranges: TextRange[] = []
  let cumulative = 0
  let cursor = start
  for (const share of shares) {
    cumulative += share
    const next = start + Math.round(((end - start) * cumulative) / shareTotal)
    ranges.push([cursor, next])
    cursor = next
  }
  return ranges
}

/** UTF-16 positions (ascending) → UTF-8 byte offsets of the file. */
function toByteSegments(segments: TextSegment[], text: string, byteLength: number): TextSegment[] {
  if (byteLength === text.length)
    return segments
  let position = 0
  let offset = 0
  const toByte = (target: number): number => {
    offset += Buffer.byteLength(text.slice(position, target))
    position = target
    return offset
  }
  return segments.map(segment => ({ start: toByte(segment.start), end: toByte(segment.end), key: segment.key }))
}
