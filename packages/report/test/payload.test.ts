import type { Report } from '@weighbridge/core'
import { describe, expect, it } from 'vitest'
import { decodePayload, encodePayload, serializeForScriptTag } from '../src/payload'
import { formatBytes, formatDeltaBytes } from '../src/index'
import { findWhyIncluded } from '../src/client/why-included'

function smallReport(): Report {
  const hostile = 'src/<img src=x onerror=alert(1)>.js'
  return {
    schemaVersion: 1,
    generator: { name: 'weighbridge', version: '1.0.0' },
    bundler: { name: 'rollup', version: '4.68.8' },
    compression: { gzipLevel: 9, brotliQuality: null },
    outputs: [{ file: 'dist/a.js', kind: 'js', rawBytes: 300, gzipBytes: 120, brotliBytes: null }],
    chunks: [{
      file: 'dist/a.js',
      kind: 'js',
      name: 'a',
      isEntry: true,
      isDynamicEntry: false,
      entryModule: 'src/main.js',
      imports: [],
      dynamicImports: [],
      css: [],
      assets: [],
      modules: [
        { id: hostile, rawBytes: 100, gzipBytes: 40, brotliBytes: null, renderedBytes: null, renderedExports: null },
        { id: 'src/main.js', rawBytes: 150, gzipBytes: 60, brotliBytes: null, renderedBytes: 170, renderedExports: ['default'] },
        { id: 'src/x\u2028</script>\ud83d\ude00.js', rawBytes: 30, gzipBytes: 10, brotliBytes: null, renderedBytes: 31, renderedExports: [] },
      ],
      glue: { rawBytes: 20, gzipBytes: 10, brotliBytes: null },
      attribution: 'exact',
    }],
    modules: [
      { id: hostile, package: null, originalBytes: 120, format: 'esm', exports: ['a', 'b'], sideEffects: true, isEntry: false, imports: [], importers: ['src/main.js'], dynamicImporters: [] },
      {
        id: 'src/main.js',
        package: null,
        originalBytes: 200,
        format: null,
        exports: ['default'],
        sideEffects: null,
        isEntry: true,
        imports: [{ id: hostile, kind: 'static' }, { id: 'src/x\u2028</script>\ud83d\ude00.js', kind: 'dynamic' }],
        importers: [],
        dynamicImporters: [],
      },
      // Importers that do not follow from `imports` (as a stats importer may report) survive the trip.
      { id: 'src/x\u2028</script>\ud83d\ude00.js', package: null, originalBytes: null, format: 'cjs', exports: null, sideEffects: false, isEntry: false, imports: [], importers: ['src/elsewhere.js'], dynamicImporters: ['src/main.js'] },
    ],
    packages: [{ id: 'node_modules/\ud83d\ude00', name: '\ud83d\ude00', version: null, sideEffects: ['*.css'], hasEsmBuild: false }],
    entries: [],
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
    generatedAt: '2026-01-01T00:00:00.000Z',
  }
}

describe('report payload', () => {
  it('decodes to exactly the report it encoded, hostile strings included', () => {
    const report = smallReport()
    const text = serializeForScriptTag(encodePayload(report))
    expect(decodePayload(JSON.parse(text))).toEqual(report)
  })

  it('leaves no `<`, U+2028 or U+2029 in the embedded text', () => {
    const text = serializeForScriptTag(encodePayload(smallReport()))
    expect(text).not.toMatch(/[<\u2028\u2029]/)
    expect(text).toContain('\\u003cimg src=x onerror=alert(1)>')
  })

  it('is smaller than the plain JSON', () => {
    const report = smallReport()
    expect(JSON.stringify(encodePayload(report)).length).toBeLessThan(JSON.stringify(report).length)
  })
})

describe('formatBytes', () => {
  it('prints sizes as people read them (kB = 1,000 bytes)', () => {
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(212_400)).toBe('212.4 kB')
    expect(formatBytes(1_000)).toBe('1.0 kB')
    expect(formatBytes(999_960)).toBe('1.00 MB')
    expect(formatBytes(1_250_000)).toBe('1.25 MB')
    expect(formatBytes(null)).toBe('–')
    expect(formatDeltaBytes(-340)).toBe('-340 B')
    expect(formatDeltaBytes(1_200)).toBe('+1.2 kB')
  })
})

describe('findWhyIncluded', () => {
  const module = (id: string, imports: [string, 'static' | 'dynamic'][] = []) => ({
    id, package: null, originalBytes: null, format: null, exports: null, sideEffects: null, isEntry: id === 'entry', imports: imports.map(([target, kind]) => ({ id: target, kind })), importers: [], dynamicImporters: [],
  })
  const modules = new Map([
    module('entry', [['a', 'static'], ['b', 'static'], ['lazy', 'dynamic']]),
    module('a', [['c', 'static']]),
    module('c', [['target', 'static']]),
    module('b', [['target', 'static']]),
    module('lazy', [['only-lazy', 'static']]),
    module('only-lazy'),
    module('target'),
    module('orphan'),
  ].map(m => [m.id, m]))

  it('finds the shortest static chain', () => {
    expect(findWhyIncluded(modules, ['entry'], 'target')).toEqual({
      chain: [{ id: 'entry', kind: null }, { id: 'b', kind: 'static' }, { id: 'target', kind: 'static' }],
      viaDynamicImport: false,
    })
  })

  it('falls back to a chain through import() and says so', () => {
    const why = findWhyIncluded(modules, ['entry'], 'only-lazy')
    expect(why.viaDynamicImport).toBe(true)
    expect(why.chain?.map(step => `${step.kind}:${step.id}`)).toEqual(['null:entry', 'dynamic:lazy', 'static:only-lazy'])
  })

  it('returns no chain for an unreachable module', () => {
    expect(findWhyIncluded(modules, ['entry'], 'orphan')).toEqual({ chain: null, viaDynamicImport: false })
  })
})
