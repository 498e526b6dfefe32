import type { Chunk, ChunkModule, Entry, ImportKind, Module, Output, OutputKind, Package, Report, Sizes } from '@weighbridge/core'
import fc from 'fast-check'
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

  it('keeps what it cannot recompute: odd numbers, glue and loads that do not add up, unlisted modules', () => {
    const report = oddReport()
    const payload = encodePayload(report)
    expect(payload.x.length).toBeGreaterThan(0)
    expect(decodePayload(JSON.parse(serializeForScriptTag(payload)))).toEqual(report)
  })

  it('leaves out what it can recompute, and gets it back', () => {
    // The same report with glue, loads, importers and rendered exports that follow from the rest...
    const derivable = oddReport()
    derivable.chunks[0]!.glue = { rawBytes: 1_000 - 700 - 1_000_000, gzipBytes: null, brotliBytes: 90 - 70 }
    const before = serializeForScriptTag(encodePayload(derivable)).length
    // ...takes more room once they do not.
    const explicit = structuredClone(derivable)
    explicit.chunks[0]!.glue = { rawBytes: 7, gzipBytes: 5, brotliBytes: 4 }
    explicit.chunks[0]!.name = 'not-a-prefix'
    explicit.modules[1]!.importers = ['src/b.js', 'src/z.js']
    expect(serializeForScriptTag(encodePayload(explicit)).length).toBeGreaterThan(before + 10)
    for (const report of [derivable, explicit]) expect(decodePayload(JSON.parse(serializeForScriptTag(encodePayload(report))))).toEqual(report)
  })

  it('decodes any report it encoded exactly (property)', () => {
    fc.assert(fc.property(reportArbitrary(), (report) => {
      expect(decodePayload(JSON.parse(serializeForScriptTag(encodePayload(report))))).toEqual(report)
    }), { numRuns: 150 })
  })

  it('refuses a payload of another format version with a readable message', () => {
    const payload = { ...encodePayload(smallReport()), v: 1 } as unknown as Parameters<typeof decodePayload>[0]
    expect(() => decodePayload(payload)).toThrow(/Unsupported report payload version 1; expected 2/)
  })
})

/** Everything the compact paths do not cover: exotic numbers, nulls, unsorted lists, dangling ids. */
function oddReport(): Report {
  const declared = Array.from({ length: 60 }, (_, index) => `name${index}`)
  return {
    schemaVersion: 1,
    generator: { name: 'weighbridge', version: '1.0.0' },
    bundler: { name: 'webpack', version: null },
    compression: { gzipLevel: null, brotliQuality: 11 },
    outputs: [
      { file: 'dist/z.js', kind: 'js', rawBytes: 1_000, gzipBytes: null, brotliBytes: 90 },
      { file: 'dist/a.css', kind: 'css', rawBytes: -5, gzipBytes: 2.5, brotliBytes: 2 ** 60 },
      { file: 'dist/font.woff2', kind: 'font', rawBytes: 0, gzipBytes: 0, brotliBytes: null },
    ],
    chunks: [{
      file: 'dist/z.js',
      kind: 'js',
      name: 'z',
      isEntry: false,
      isDynamicEntry: true,
      entryModule: 'src/outside.js',
      imports: ['dist/not-an-output.js', 'dist/a.css'],
      dynamicImports: ['dist/z.js'],
      css: ['dist/a.css'],
      assets: ['dist/font.woff2'],
      modules: [
        { id: 'src/z.js', rawBytes: 700, gzipBytes: null, brotliBytes: 70, renderedBytes: null, renderedExports: ['name1', 'name59'] },
        { id: 'src/b.js', rawBytes: 1_000_000, gzipBytes: 3, brotliBytes: 0, renderedBytes: 1.5, renderedExports: ['b', 'unknown'] },
        { id: 'src/never-listed.js', rawBytes: 0, gzipBytes: 0, brotliBytes: 0, renderedBytes: 0, renderedExports: ['x'] },
        { id: 'src/b.js', rawBytes: 0, gzipBytes: 0, brotliBytes: 0, renderedBytes: 0, renderedExports: [] },
      ],
      glue: { rawBytes: 3, gzipBytes: 1, brotliBytes: -1 },
      attribution: 'bundler',
    }],
    // Not sorted, on purpose.
    modules: [
      { id: 'src/z.js', package: 'node_modules/never-listed', originalBytes: 2 ** 53, format: 'cjs', exports: declared, sideEffects: false, isEntry: true, imports: [{ id: 'src/b.js', kind: 'require' }, { id: 'src/b.js', kind: 'dynamic' }, { id: 'src/outside.js', kind: 'css' }], importers: [], dynamicImporters: [] },
      { id: 'src/b.js', package: null, originalBytes: -1, format: 'esm', exports: ['b'], sideEffects: true, isEntry: false, imports: [{ id: 'src/z.js', kind: 'static' }], importers: ['src/z.js'], dynamicImporters: ['src/z.js'] },
    ],
    packages: [
      { id: 'node_modules/b', name: 'b', version: '1.0.0', sideEffects: true, hasEsmBuild: true },
      { id: 'node_modules/a', name: 'a', version: null, sideEffects: ['*.css', './src/polyfill.js'], hasEsmBuild: false },
    ],
    entries: [{
      name: 'z',
      kind: 'html',
      file: 'dist/index.html',
      chunks: ['dist/z.js'],
      initialLoad: { files: ['dist/z.js', 'dist/index.html'], rawBytes: 1_000, gzipBytes: null, brotliBytes: 90 },
      lazyLoad: { files: ['dist/a.css'], rawBytes: 1, gzipBytes: 1, brotliBytes: 1 },
    }],
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
}

/** Random reports: any order, dangling references, odd numbers, hostile strings, derivable or not. */
function reportArbitrary(): fc.Arbitrary<Report> {
  const unit = fc.oneof(fc.constantFrom('/', 'a', 'b', '-', '.', '<', '"', '\\', '\u2028', '\ud83d\ude00', '\ud800'), fc.string({ unit: 'binary', maxLength: 1 }))
  const name = fc.string({ unit, maxLength: 8 })
  const number = fc.oneof({ weight: 6, arbitrary: fc.nat({ max: 100_000 }) }, fc.integer({ min: -50, max: -1 }), fc.double({ min: -1e6, max: 1e6, noNaN: true }).filter(value => !Object.is(value, -0)), fc.constant(2 ** 55))
  const nullable = fc.oneof(number, fc.constant(null))
  const sizes = fc.record({ rawBytes: number, gzipBytes: nullable, brotliBytes: nullable })
  return fc.record({
    files: fc.uniqueArray(name.map(value => `dist/${value}`), { minLength: 1, maxLength: 8 }),
    ids: fc.uniqueArray(name.map(value => `src/${value}`), { minLength: 1, maxLength: 10 }),
    packageIds: fc.uniqueArray(name.map(value => `node_modules/${value}`), { maxLength: 3 }),
    exportNames: fc.uniqueArray(name, { maxLength: 6 }),
    seed: fc.array(fc.nat({ max: 1_000 }), { minLength: 400, maxLength: 400 }),
    sizes: fc.array(sizes, { minLength: 40, maxLength: 40 }),
    strings: fc.array(name, { minLength: 10, maxLength: 10 }),
    header: fc.record({ generatedAt: fc.option(name, { nil: undefined }), extra: fc.option(fc.jsonValue().map(value => JSON.parse(JSON.stringify(value)) as unknown), { nil: undefined }) }, { requiredKeys: [] }),
  }).map(({ files, ids, packageIds, exportNames, seed, sizes: sizePool, strings, header }) => {
    let cursor = 0
    const next = (): number => seed[cursor++ % seed.length]! + cursor
    const chance = (percent: number): boolean => next() % 100 < percent
    const one = <T>(list: readonly T[]): T => list[next() % list.length]!
    const some = <T>(list: readonly T[]): T[] => list.filter(() => chance(35))
    const someSizes = (): Sizes => ({ ...sizePool[next() % sizePool.length]! })
    const outputs: Output[] = some(files).map(file => ({ file, kind: one<OutputKind>(['js', 'css', 'html', 'map', 'image', 'font', 'wasm', 'other']), ...someSizes() }))
    const modules: Module[] = some(ids).map(id => ({
      id,
      package: chance(30) && packageIds.length > 0 ? one(packageIds) : null,
      originalBytes: chance(80) ? someSizes().rawBytes : null,
      format: one([null, 'esm', 'cjs'] as const),
      exports: chance(80) ? some(exportNames) : null,
      sideEffects: one([null, true, false]),
      isEntry: chance(10),
      imports: some(ids).map(target => ({ id: target, kind: one<ImportKind>(['static', 'dynamic', 'require', 'css']) })),
      importers: [],
      dynamicImporters: [],
    }))
    // Importers as core derives them (so the compact path runs), or something else now and then.
    for (const module of modules) {
      for (const edge of module.imports) {
        const target = modules.find(candidate => candidate.id === edge.id)
        const list = target && (edge.kind === 'dynamic' ? target.dynamicImporters : target.importers)
        if (list && !list.includes(module.id)) list.push(module.id)
      }
    }
    for (const module of modules) {
      module.importers.sort()
      if (chance(15)) module.importers = some(ids)
      if (chance(10)) module.dynamicImporters.reverse()
    }
    const exportsOf = new Map(modules.map(module => [module.id, module.exports]))
    const chunks: Chunk[] = some(files).map((file) => {
      const parts: ChunkModule[] = some(ids).map((id) => {
        const declared = exportsOf.get(id) ?? null
        const roll = next() % 4
        return {
          id,
          ...someSizes(),
          renderedBytes: chance(70) ? someSizes().rawBytes : null,
          renderedExports: roll === 0 ? null : roll === 1 && declared ? [...declared] : roll === 2 && declared ? declared.filter(() => chance(50)) : some(exportNames),
        }
      })
      const output = outputs.find(candidate => candidate.file === file)
      let glue = someSizes()
      if (output && chance(60)) {
        const sum = (pick: (part: ChunkModule) => number | null): number => parts.reduce((total, part) => total + (pick(part) ?? 0), 0)
        glue = {
          rawBytes: output.rawBytes - sum(part => part.rawBytes),
          gzipBytes: output.gzipBytes === null ? null : output.gzipBytes - sum(part => part.gzipBytes),
          brotliBytes: output.brotliBytes === null ? null : output.brotliBytes - sum(part => part.brotliBytes),
        }
      }
      const base = file.slice(file.lastIndexOf('/') + 1)
      return {
        file,
        kind: one(['js', 'css'] as const),
        name: chance(60) ? base.slice(0, next() % (base.length + 1)) : one(strings),
        isEntry: chance(20),
        isDynamicEntry: chance(20),
        entryModule: chance(50) ? one(ids) : null,
        imports: some(files),
        dynamicImports: some(files),
        css: some(files),
        assets: some(files),
        modules: parts,
        glue,
        attribution: one(['exact', 'sourcemap', 'aligned', 'estimated', 'bundler'] as const),
      }
    })
    const load = (): Entry['initialLoad'] => {
      const loadFiles = some(files)
      if (chance(40)) return { files: loadFiles, ...someSizes() }
      let rawBytes = 0
      let gzipBytes: number | null = 0
      let brotliBytes: number | null = 0
      for (const output of outputs.filter(candidate => loadFiles.includes(candidate.file))) {
        rawBytes += output.rawBytes
        gzipBytes = gzipBytes === null || output.gzipBytes === null ? null : gzipBytes + output.gzipBytes
        brotliBytes = brotliBytes === null || output.brotliBytes === null ? null : brotliBytes + output.brotliBytes
      }
      return { files: loadFiles, rawBytes, gzipBytes, brotliBytes }
    }
    const entries: Entry[] = some(strings).map(entryName => ({ name: entryName, kind: one(['chunk', 'html'] as const), file: one(files), chunks: some(files), initialLoad: load(), lazyLoad: load() }))
    const packages: Package[] = some(packageIds).map(id => ({ id, name: one(strings), version: chance(70) ? one(strings) : null, sideEffects: one([null, true, false, some(strings)]), hasEsmBuild: chance(50) }))
    const report: Report = {
      schemaVersion: 1,
      generator: { name: 'weighbridge', version: one(strings) },
      bundler: { name: 'rolldown', version: null },
      compression: { gzipLevel: 9, brotliQuality: null },
      outputs,
      chunks,
      modules,
      packages,
      entries,
      findings: [],
      budgets: [],
      diff: null,
      runtime: null,
    }
    if (header.generatedAt !== undefined) report.generatedAt = header.generatedAt
    if (header.extra !== undefined) (report as unknown as Record<string, unknown>).futureField = header.extra
    return report
  })
}

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
