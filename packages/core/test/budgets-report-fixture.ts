/**
 * Hand-made reports for the pure budget / diff / markdown tests: every figure is chosen here, so
 * every expected number in the tests is derived from these inputs, not copied from the output.
 */
import type { Chunk, Output, Report, Sizes } from '@weighbridge/core'
import { SCHEMA_VERSION } from '@weighbridge/core'

export interface FakeModule {
  id: string
  /** Package name for node_modules modules. */
  pkg?: string
  raw: number
  gzip: number
}

export interface FakeChunk {
  name: string
  file: string
  kind?: 'js' | 'css'
  isEntry?: boolean
  modules: FakeModule[]
  glue?: { raw: number, gzip: number }
  imports?: string[]
  dynamicImports?: string[]
}

export interface FakeBuild {
  chunks: FakeChunk[]
  /** Non-chunk outputs (images, html, maps). */
  assets?: { file: string, kind: Output['kind'], raw: number, gzip: number }[]
  /** Entry name → initial files. */
  entries?: { name: string, file: string, files: string[] }[]
  findings?: Report['findings']
}

const sizes = (raw: number, gzip: number): Sizes => ({ rawBytes: raw, gzipBytes: gzip, brotliBytes: Math.round(gzip * 0.9) })

export function makeReport(build: FakeBuild): Report {
  const outputs: Output[] = []
  const chunks: Chunk[] = []
  const packages = new Map<string, string>()
  const modules = new Map<string, string | null>()
  for (const chunk of build.chunks) {
    const glue = chunk.glue ?? { raw: 0, gzip: 0 }
    const raw = chunk.modules.reduce((sum, module) => sum + module.raw, glue.raw)
    const gzip = chunk.modules.reduce((sum, module) => sum + module.gzip, glue.gzip)
    const brotli = chunk.modules.reduce((sum, module) => sum + Math.round(module.gzip * 0.9), Math.round(glue.gzip * 0.9))
    outputs.push({ file: chunk.file, kind: chunk.kind ?? 'js', rawBytes: raw, gzipBytes: gzip, brotliBytes: brotli })
    for (const module of chunk.modules) {
      const packageId = module.pkg ? `node_modules/${module.pkg}` : null
      if (module.pkg)
        packages.set(`node_modules/${module.pkg}`, module.pkg)
      modules.set(module.id, packageId)
    }
    chunks.push({
      file: chunk.file,
      kind: chunk.kind ?? 'js',
      name: chunk.name,
      isEntry: chunk.isEntry ?? false,
      isDynamicEntry: !chunk.isEntry,
      entryModule: chunk.modules[0]?.id ?? null,
      imports: chunk.imports ?? [],
      dynamicImports: chunk.dynamicImports ?? [],
      css: [],
      assets: [],
      modules: [...chunk.modules].sort((a, b) => a.id < b.id ? -1 : 1).map(module => ({ id: module.id, ...sizes(module.raw, module.gzip), renderedBytes: module.raw, renderedExports: null })),
      glue: sizes(glue.raw, glue.gzip),
      attribution: 'exact',
    })
  }
  for (const asset of build.assets ?? [])
    outputs.push({ file: asset.file, kind: asset.kind, rawBytes: asset.raw, gzipBytes: asset.gzip, brotliBytes: Math.round(asset.gzip * 0.9) })
  outputs.sort((a, b) => a.file < b.file ? -1 : 1)
  const sumFiles = (files: string[]): Sizes => files.reduce<Sizes>((total, file) => {
    const output = outputs.find(candidate => candidate.file === file)!
    return { rawBytes: total.rawBytes + output.rawBytes, gzipBytes: total.gzipBytes! + output.gzipBytes!, brotliBytes: total.brotliBytes! + output.brotliBytes! }
  }, { rawBytes: 0, gzipBytes: 0, brotliBytes: 0 })
  return {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'weighbridge', version: '0.0.0-test' },
    bundler: { name: 'vite', version: '8.3.8' },
    compression: { gzipLevel: 9, brotliQuality: 11 },
    outputs,
    chunks: chunks.sort((a, b) => a.file < b.file ? -1 : 1),
    modules: [...modules].sort(([a], [b]) => a < b ? -1 : 1).map(([id, pkg]) => ({
      id,
      package: pkg,
      originalBytes: null,
      format: 'esm',
      exports: null,
      sideEffects: null,
      isEntry: false,
      imports: [],
      importers: [],
      dynamicImporters: [],
    })),
    packages: [...packages].sort(([a], [b]) => a < b ? -1 : 1).map(([id, name]) => ({ id, name, version: '1.0.0', sideEffects: null, hasEsmBuild: true })),
    entries: (build.entries ?? []).map(entry => ({
      name: entry.name,
      kind: entry.file.endsWith('.html') ? 'html' : 'chunk',
      file: entry.file,
      chunks: entry.files.filter(file => file.endsWith('.js')),
      initialLoad: { ...sumFiles(entry.files), files: [...entry.files].sort() },
      lazyLoad: { rawBytes: 0, gzipBytes: 0, brotliBytes: 0, files: [] },
    })),
    findings: build.findings ?? [],
    budgets: [],
    diff: null,
    runtime: null,
  }
}

/** A small app: one page with a vendor chunk and CSS, a lazy chart chunk, a logo and a font. */
export function makeAppBuild(overrides: { extraMainModules?: FakeModule[], chartGzip?: number } = {}): FakeBuild {
  return {
    chunks: [
      {
        name: 'index',
        file: 'dist/assets/index-AbC12345.js',
        isEntry: true,
        imports: ['dist/assets/vendor-XyZ98765.js'],
        dynamicImports: ['dist/assets/chart-Qwe45678.js'],
        glue: { raw: 300, gzip: 150 },
        modules: [
          { id: 'src/main.ts', raw: 4_000, gzip: 1_500 },
          { id: 'src/app.ts', raw: 10_000, gzip: 3_000 },
          ...(overrides.extraMainModules ?? []),
        ],
      },
      {
        name: 'vendor',
        file: 'dist/assets/vendor-XyZ98765.js',
        glue: { raw: 100, gzip: 50 },
        modules: [
          { id: 'node_modules/react/index.js', pkg: 'react', raw: 20_000, gzip: 7_000 },
          { id: 'node_modules/react/cjs/react.production.js', pkg: 'react', raw: 30_000, gzip: 9_000 },
          { id: 'node_modules/lodash-es/debounce.js', pkg: 'lodash-es', raw: 3_000, gzip: 1_000 },
        ],
      },
      {
        name: 'chart',
        file: 'dist/assets/chart-Qwe45678.js',
        modules: [
          { id: 'src/chart.ts', raw: 2_000, gzip: 800 },
          { id: 'node_modules/chart.js/dist/chart.js', pkg: 'chart.js', raw: 200_000, gzip: overrides.chartGzip ?? 60_000 },
        ],
      },
      {
        name: 'index',
        kind: 'css',
        file: 'dist/assets/index-Css11111.css',
        modules: [{ id: 'src/style.css', raw: 5_000, gzip: 1_200 }],
      },
    ],
    assets: [
      { file: 'dist/index.html', kind: 'html', raw: 600, gzip: 350 },
      { file: 'dist/assets/logo-Img22222.png', kind: 'image', raw: 48_000, gzip: 47_500 },
      { file: 'dist/assets/inter-Fnt33333.woff2', kind: 'font', raw: 24_000, gzip: 24_010 },
      { file: 'dist/assets/index-AbC12345.js.map', kind: 'map', raw: 90_000, gzip: 30_000 },
    ],
    entries: [
      { name: 'index.html', file: 'dist/index.html', files: ['dist/assets/index-AbC12345.js', 'dist/assets/vendor-XyZ98765.js', 'dist/assets/index-Css11111.css'] },
    ],
  }
}
