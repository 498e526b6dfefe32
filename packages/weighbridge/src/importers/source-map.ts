/**
 * Source maps of emitted files: find them, parse them, check that they fit the file they map, and
 * turn their `sources` into absolute module ids (what `CollectedChunk.map` carries).
 */
import path from 'node:path'
import { decode } from '@jridgewell/sourcemap-codec'
import type { CollectedSourceMap } from '@weighbridge/core'
import { InputError } from './input-error'

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
    value = JSON.parse(text)
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
  return map.sources.map((source) => {
    if (source === null || source === '')
      return null
    if (WEBPACK_SOURCE.test(source)) {
      const rest = stripQuery(source.replace(WEBPACK_SOURCE, ''))
      if (!rest.startsWith('./') && !rest.startsWith('../') && !path.isAbsolute(rest))
        return null
      return path.resolve(root, rest)
    }
    if (source.startsWith('file://'))
      return stripQuery(decodeURIComponent(new URL(source).pathname))
    if (source.startsWith('\0') || URL_SCHEME.test(source))
      return source
    const withRoot = map.sourceRoot ? path.join(map.sourceRoot, source) : source
    return path.resolve(mapDir, stripQuery(withRoot))
  })
}

function stripQuery(source: string): string {
  const question = source.indexOf('?')
  return question === -1 ? source : source.slice(0, question)
}

/**
 * Checks that every mapping points inside the generated file and at an existing source (and,
 * where `sourcesContent` is embedded, inside that source). Throws `InputError` otherwise: such a
 * map belongs to another version of the file and would attribute bytes to the wrong modules.
 */
export function checkSourceMapFits(map: CollectedSourceMap & { sourcesContent?: (string | null)[] }, code: string, mapFile: string, codeFile: string): void {
  let lines: ReturnType<typeof decode>
  try {
    lines = decode(map.mappings)
  }
  catch (error) {
    throw new InputError(mapFile, `${mapFile}: the "mappings" string cannot be decoded (${(error as Error).message}). Re-generate the source map.`)
  }
  const lineLengths = measureLineLengths(code)
  if (lines.length > lineLengths.length && lines.slice(lineLengths.length).some(line => line.length > 0)) {
    throw new InputError(mapFile, `${mapFile}: mappings reach line ${lines.length} but ${codeFile} has ${lineLengths.length} lines; the map belongs to another build of the file. Re-build so that the file and its map match.`)
  }
  const sourceLineCounts = (map.sourcesContent ?? []).map(content => typeof content === 'string' ? countLines(content) : null)
  for (let line = 0; line < lines.length; line++) {
    const segments = lines[line]!
    const length = lineLengths[line] ?? 0
    for (const segment of segments) {
      const column = segment[0]
      if (column < 0 || column > length) {
        throw new InputError(mapFile, `${mapFile}: a mapping points at column ${column + 1} of line ${line + 1}, but that line of ${codeFile} has ${length} characters; the map belongs to another build of the file. Re-build so that the file and its map match.`)
      }
      if (segment.length >= 4) {
        const sourceIndex = segment[1]!
        if (sourceIndex < 0 || sourceIndex >= map.sources.length) {
          throw new InputError(mapFile, `${mapFile}: a mapping on line ${line + 1} points at source #${sourceIndex + 1}, but the map lists ${map.sources.length} sources. Re-generate the source map.`)
        }
        const sourceLines = sourceLineCounts[sourceIndex]
        const sourceLine = segment[2]!
        if (sourceLine < 0 || (sourceLines !== null && sourceLines !== undefined && sourceLine >= sourceLines)) {
          throw new InputError(mapFile, `${mapFile}: a mapping on line ${line + 1} points at line ${sourceLine + 1} of ${map.sources[sourceIndex]}, past the end of that source (${sourceLines} lines). Re-generate the source map.`)
        }
      }
    }
  }
}

/** Line lengths in UTF-16 code units (what source map columns count). */
function measureLineLengths(code: string): number[] {
  const lengths: number[] = []
  let start = 0
  for (let i = 0; i <= code.length; i++) {
    if (i === code.length || code.charCodeAt(i) === 10) {
      const end = i > start && code.charCodeAt(i - 1) === 13 ? i - 1 : i
      lengths.push(end - start)
      start = i + 1
    }
  }
  return lengths
}

function countLines(text: string): number {
  let count = 1
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) === 10)
      count += 1
  }
  return count
}
