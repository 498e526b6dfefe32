/**
 * The byte-level source map reader against `JSON.parse` (the independent source): on real maps
 * written by Rolldown, on generated maps, and on truncated or corrupted ones, where it must give up
 * (null: the caller falls back to JSON.parse and its precise error) rather than accept broken JSON.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { minifySync } from 'rolldown/utils'
import { describe, expect, it } from 'vitest'
import { readSourceMapFields } from '../packages/weighbridge/src/importers/source-map-bytes'

const encoder = new TextEncoder()

function lineCount(content: unknown): number {
  return typeof content === 'string' ? content.split('\n').length : -1
}

/** What the reader must return for a map text, computed with JSON.parse. */
function expected(text: string): { sources: unknown, sourceRoot?: string, mappings: string, sourceLineCounts: number[] } {
  const map = JSON.parse(text)
  return {
    sources: map.sources,
    ...(typeof map.sourceRoot === 'string' ? { sourceRoot: map.sourceRoot } : {}),
    mappings: map.mappings,
    sourceLineCounts: map.sources.map((_: unknown, index: number) => Array.isArray(map.sourcesContent) ? lineCount(map.sourcesContent[index]) : -1),
  }
}

function read(text: string): unknown {
  const fields = readSourceMapFields(encoder.encode(text))
  return fields && { ...fields, sourceLineCounts: [...fields.sourceLineCounts] }
}

const realSource = readFileSync(path.resolve(import.meta.dirname, '../packages/weighbridge/src/importers/source-map.ts'), 'utf8')
const realMap = JSON.stringify(minifySync('source-map.ts', realSource.replace(/: [A-Z][\w<>[\]| ]*(?=[,)=])/g, ''), { sourcemap: true }).map)

describe('readSourceMapFields', () => {
  it('reads a real minifier map like JSON.parse does', () => {
    expect(JSON.parse(realMap).mappings.length).toBeGreaterThan(1000)
    expect(read(realMap)).toEqual(expected(realMap))
  })

  it('agrees with JSON.parse on generated maps (escapes, unicode, nulls, extra keys, spacing)', () => {
    const text = fc.string({ unit: 'grapheme', maxLength: 40 })
    const mapArbitrary = fc.record({
      version: fc.constant(3),
      sources: fc.array(fc.oneof(text, fc.constant(null)), { maxLength: 6 }),
      sourcesContent: fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }).map(s => s.replace(/x/g, '\n')), fc.constant(null)), { maxLength: 6 }),
      sourceRoot: fc.oneof(text, fc.constant(undefined)),
      names: fc.array(text, { maxLength: 4 }),
      mappings: fc.stringMatching(/^[A-Za-z0-9+/,;]{0,40}$/),
      x_extra: fc.jsonValue(),
    }, { requiredKeys: ['sources', 'mappings'] })
    fc.assert(fc.property(mapArbitrary, fc.integer({ min: 0, max: 2 }), (map, indent) => {
      const json = JSON.stringify(map, null, indent)
      expect(read(json)).toEqual(expected(json))
    }), { numRuns: 400 })
  })

  it('gives up on every truncation or corruption JSON.parse rejects', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: realMap.length - 1 }), fc.integer({ min: 0, max: 255 }), fc.boolean(), (at, byte, truncate) => {
      const broken = truncate ? realMap.slice(0, at) : realMap.slice(0, at) + String.fromCharCode(byte) + realMap.slice(at + 1)
      let valid = true
      try {
        JSON.parse(broken)
      }
      catch {
        valid = false
      }
      const fields = read(broken)
      if (!valid)
        expect(fields).toBeNull()
      else if (fields !== null)
        expect(fields).toEqual(expected(broken))
    }), { numRuns: 1500 })
  })

  it('leaves indexed maps, a BOM and escaped mappings to JSON.parse', () => {
    expect(read('{"version":3,"sections":[]}')).toBeNull()
    expect(read('\uFEFF{"version":3,"sources":[],"mappings":""}')).toBeNull()
    expect(read('{"version":3,"sources":[],"mappings":"A\\u0041"}')).toBeNull()
    expect(read('{"sources":["a"],"sources":["b"],"mappings":""}')).toBeNull()
  })
})
