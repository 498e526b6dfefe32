/**
 * Byte attribution of one chunk file: UTF-16 columns → UTF-8 byte offsets (checked against
 * Buffer), source map segments, the exact search with hash placeholders, the estimate, and the
 * rule that every segment stays inside the file and disjoint.
 */
import type { CollectedChunkModule } from '../src/collected'
import { Buffer } from 'node:buffer'
import path from 'node:path'
import { encode } from '@jridgewell/sourcemap-codec'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { attributeChunkBytes } from '../src/attribute-bytes'
import { countUtf8Bytes, createByteOffsetConverter } from '../src/utf8-offsets'

const codeUnits = fc.array(fc.integer({ min: 0, max: 0xFFFF }), { maxLength: 200 }).map(units => String.fromCharCode(...units))

describe('utf8 offsets', () => {
  it('counts like Buffer, also for astral characters and lone surrogates', () => {
    fc.assert(fc.property(codeUnits, fc.nat(), (text, cut) => {
      const at = text.length === 0 ? 0 : cut % (text.length + 1)
      expect(countUtf8Bytes(text)).toBe(Buffer.byteLength(text, 'utf8'))
      expect(countUtf8Bytes(text, 0, at) + countUtf8Bytes(text, at)).toBe(Buffer.byteLength(text, 'utf8'))
      const toByteOffset = createByteOffsetConverter(text)
      // Ascending and then a jump back: the converter must answer both.
      expect(toByteOffset(at)).toBe(countUtf8Bytes(text, 0, at))
      expect(toByteOffset(text.length)).toBe(Buffer.byteLength(text, 'utf8'))
      expect(toByteOffset(at)).toBe(countUtf8Bytes(text, 0, at))
    }))
  })
})

describe('attributeChunkBytes', () => {
  const dir = '/project/dist'
  const fileName = path.join(dir, 'app.js')

  it('maps source map columns (UTF-16) to UTF-8 byte ranges', () => {
    // Line 0: module a (with non-ASCII and an astral character), then module b; line 1: b only.
    const partA = 'const a="ünï😀模";'
    const partB = 'const b=1;'
    const text = `${partA}${partB}\nexport{a,b};`
    const mappings = encode([
      [[0, 0, 0, 0], [partA.length, 1, 0, 0]],
      [[0, 1, 1, 0]],
    ])
    const modules: CollectedChunkModule[] = [{ id: '/project/src/a.js', renderedLength: 30 }, { id: '/project/src/b.js', renderedLength: 12 }]
    const result = attributeChunkBytes({
      fileName,
      bytes: Buffer.from(text),
      text,
      modules,
      map: { version: 3, sources: ['../src/a.js', '../src/b.js'], mappings },
    })
    expect(result.method).toBe('sourcemap')
    const aBytes = Buffer.byteLength(partA)
    const total = Buffer.byteLength(text)
    expect(result.segments).toEqual([
      { start: 0, end: aBytes, key: 0 },
      // b's first segment runs to the line end, takes the newline, and its line-1 segment follows.
      { start: aBytes, end: total, key: 1 },
    ])
  })

  it('resolves sources against sourceRoot and leaves unknown sources and bare segments to glue', () => {
    const text = 'AAAA;BBBB;CCCC;'
    const mappings = encode([[[0, 0, 0, 0], [5], [10, 1, 0, 0]]])
    const result = attributeChunkBytes({
      fileName,
      bytes: Buffer.from(text),
      text,
      modules: [{ id: '/project/src/a.js' }],
      map: { version: 3, sourceRoot: '../src', sources: ['a.js', 'elsewhere.js'], mappings },
    })
    expect(result).toEqual({ method: 'sourcemap', segments: [{ start: 0, end: 5, key: 0 }] })
  })

  it('gives an unmapped runtime module the gap between its mapped neighbours, capped by its size', () => {
    const text = 'RUNTIME_CODE;aaaa;GLUE'
    const mappings = encode([[[13, 0, 0, 0], [18]]])
    const result = attributeChunkBytes({
      fileName,
      bytes: Buffer.from(text),
      text,
      modules: [{ id: '\0runtime.js', code: 'runtime_code_before_minify;' }, { id: '/project/src/a.js', code: 'aaaa;' }],
      map: { version: 3, sources: ['../src/a.js'], mappings },
    })
    expect(result.method).toBe('sourcemap')
    expect(result.segments).toEqual([{ start: 0, end: 13, key: 0 }, { start: 13, end: 18, key: 1 }])
  })

  it('finds module code verbatim, with Rollup hash placeholders matching the final file names', () => {
    const first = 'const a = "ü";\n'
    const second = 'import("./lazy-!~{001}~.js");\n'
    const text = `// header\n${first}\nimport("./lazy-Cx9_a-1.js");\n\nexport { a };\n`
    const result = attributeChunkBytes({
      fileName,
      bytes: Buffer.from(text),
      text,
      modules: [{ id: '/project/src/a.js', code: first }, { id: '/project/src/empty.js', code: null }, { id: '/project/src/b.js', code: second }],
    })
    expect(result.method).toBe('exact')
    const firstStart = Buffer.byteLength('// header\n')
    const secondStart = Buffer.byteLength(text.slice(0, text.indexOf('import(')))
    expect(result.segments).toEqual([
      { start: firstStart, end: firstStart + Buffer.byteLength(first), key: 0 },
      { start: secondStart, end: secondStart + Buffer.byteLength('import("./lazy-Cx9_a-1.js");\n'), key: 2 },
    ])
  })

  it('prefers the bundler\'s own sizes, and estimates by rendered length when nothing else works', () => {
    const text = 'x'.repeat(100)
    const bytes = Buffer.from(text)
    expect(attributeChunkBytes({ fileName, bytes, text, modules: [{ id: 'a', outputBytes: 30 }, { id: 'b', outputBytes: 90 }] }))
      .toEqual({ method: 'bundler', segments: [{ start: 0, end: 30, key: 0 }, { start: 30, end: 100, key: 1 }] })
    expect(attributeChunkBytes({ fileName, bytes, text, modules: [{ id: 'a', renderedLength: 60 }, { id: 'b', renderedLength: 20 }] }))
      .toEqual({ method: 'estimated', segments: [{ start: 0, end: 60, key: 0 }, { start: 60, end: 80, key: 1 }] })
    // More rendered bytes than the file has: shares scaled down to fit.
    expect(attributeChunkBytes({ fileName, bytes, text, modules: [{ id: 'a', renderedLength: 300 }, { id: 'b' }], fallbackWeights: [null, 100] }))
      .toEqual({ method: 'estimated', segments: [{ start: 0, end: 75, key: 0 }, { start: 75, end: 100, key: 1 }] })
  })

  it('always returns sorted, disjoint segments inside the file', () => {
    fc.assert(fc.property(codeUnits, fc.array(fc.tuple(fc.nat(40), fc.nat(3), fc.nat(3)), { maxLength: 30 }), (text, raw) => {
      const lines = text.split('\n').map((_, index) => raw.filter((_, i) => i % 3 === index % 3)
        .map(([column, source]) => [column, source % 2, 0, 0] as [number, number, number, number])
        .sort((a, b) => a[0] - b[0]))
      const bytes = Buffer.from(text)
      const result = attributeChunkBytes({
        fileName,
        bytes,
        text,
        modules: [{ id: '/project/src/a.js', renderedLength: 5 }, { id: '/project/src/b.js', renderedLength: 7 }, { id: '\0helper', renderedLength: 3 }],
        map: { version: 3, sources: ['../src/a.js', '../src/b.js'], mappings: encode(lines) },
      })
      let cursor = 0
      for (const segment of result.segments) {
        expect(segment.start).toBeGreaterThanOrEqual(cursor)
        expect(segment.end).toBeGreaterThan(segment.start)
        cursor = segment.end
      }
      expect(cursor).toBeLessThanOrEqual(bytes.length)
    }))
  })
})
