/**
 * The webpack / Rspack adapter without source maps, on output shapes other than the defaults the
 * conformance test builds: string module ids with ES5 factories (`"./src/a.js":function(e,t,r){}`),
 * two entry modules inlined into one bootstrap, a separate runtime chunk (entries get factories),
 * and ES module output. Module bytes are checked against webpack-bundle-analyzer's parser on the
 * emitted files, with module ids read from the compilation's chunk graph.
 */
import type { Report } from '@weighbridge/core'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { normalizeModuleId } from '@weighbridge/core'
import { beforeAll, describe, expect, it } from 'vitest'
import weighbridgeRspack from 'weighbridge/rspack'
import weighbridgeWebpack from 'weighbridge/webpack'
import { runCompiler } from './run-compiler'

const require = createRequire(import.meta.url)
const { parseBundle } = require('webpack-bundle-analyzer/lib/parseUtils.js') as {
  parseBundle: (file: string, options: { expectedModuleIds: string[] }) => { modules: Record<string, string>, runtimeSrc: string }
}
const fixture = path.resolve(import.meta.dirname, 'fixtures/conformance')
const tmp = path.resolve(import.meta.dirname, `.tmp/webpack-module-ranges-${process.pid}-${Date.now()}`)

const VARIANTS = {
  /** Named (string) ids, ES5 factories, both entries inlined into one bootstrap. */
  'webpack-named-es5': { bundler: 'webpack', entry: { main: ['./src/main.js', './src/admin.js'] }, optimization: { moduleIds: 'named', chunkIds: 'named' }, output: { environment: { arrowFunction: false, methodShorthand: false, const: false, destructuring: false } } },
  /** A runtime chunk of its own: the entry chunks push their modules, entries included. */
  'webpack-runtime-chunk': { bundler: 'webpack', entry: { main: './src/main.js', admin: './src/admin.js' }, optimization: { runtimeChunk: 'single' } },
  /** ES module output (`import`/`export` in the chunk files). */
  'webpack-esm-output': { bundler: 'webpack', entry: { main: './src/main.js', admin: './src/admin.js' }, experiments: { outputModule: true }, output: { module: true } },
  'rspack-named-es5': { bundler: 'rspack', entry: { main: './src/main.js', admin: './src/admin.js' }, optimization: { moduleIds: 'named', chunkIds: 'named' }, output: { environment: { arrowFunction: false, methodShorthand: false, const: false, destructuring: false } } },
} as const
type Variant = keyof typeof VARIANTS

interface Built {
  report: Report
  /** Emitted JS file (absolute) → [module id, files of the module or its parts][] from the chunk graph. */
  modulesByFile: Map<string, { id: string, resources: string[] }[]>
}
const builds = new Map<Variant, Built>()

async function build(variant: Variant): Promise<Built> {
  const { bundler, output, ...rest } = VARIANTS[variant] as { bundler: 'webpack' | 'rspack', output?: object } & Record<string, unknown>
  const outDir = path.join(tmp, variant)
  const reportFile = path.join(tmp, `${variant}.report.json`)
  const modulesByFile: Built['modulesByFile'] = new Map()
  const recorder = {
    apply(compiler: any) {
      compiler.hooks.afterEmit.tap('record-module-ids', (compilation: any) => {
        for (const chunk of compilation.chunks) {
          const modules: { id: string, resources: string[] }[] = []
          for (const module of compilation.chunkGraph.getChunkModulesIterable(chunk)) {
            const id = compilation.chunkGraph.getModuleId(module)
            if (id !== null && id !== undefined && id !== '')
              modules.push({ id: String(id), resources: (module.modules ? [...module.modules] : [module]).map((part: any) => part.resource).filter(Boolean) })
          }
          for (const file of chunk.files) {
            if (/\.m?js$/.test(file))
              modulesByFile.set(path.join(outDir, file), modules)
          }
        }
      })
    },
  }
  const options = { reportFile, summary: false, cache: false as const, html: false, root: fixture }
  const create = bundler === 'webpack' ? (await import('webpack')).default : (await import('@rspack/core')).rspack
  const plugin = bundler === 'webpack' ? weighbridgeWebpack(options) : weighbridgeRspack(options)
  const compiler = (create as (config: object) => any)({
    mode: 'production',
    context: fixture,
    ...rest,
    output: { path: outDir, filename: '[name].js', clean: true, ...output },
    module: { rules: [{ test: /\.css$/, type: 'asset/resource' }, { test: /\.png$/, type: 'asset/resource' }] },
    plugins: [plugin, recorder],
    infrastructureLogging: { level: 'none' },
  })
  await runCompiler(compiler)
  return { report: JSON.parse(readFileSync(reportFile, 'utf8')) as Report, modulesByFile }
}

beforeAll(async () => {
  for (const variant of Object.keys(VARIANTS) as Variant[])
    builds.set(variant, await build(variant))
}, 120_000)

function findChunk(report: Report, file: string) {
  return report.chunks.find(chunk => path.resolve(fixture, chunk.file) === file)!
}

function bytesOf(chunk: Report['chunks'][number], resource: string): number {
  return chunk.modules.find(m => m.id === normalizeModuleId(resource, fixture))?.rawBytes ?? 0
}

describe.each(['webpack-named-es5', 'webpack-runtime-chunk', 'rspack-named-es5'] as const)('%s', (variant) => {
  it('gives each module the bytes webpack-bundle-analyzer parses for it', () => {
    const { report, modulesByFile } = builds.get(variant)!
    let compared = 0
    for (const [file, modules] of modulesByFile) {
      const chunk = findChunk(report, file)
      const parsed = parseBundle(file, { expectedModuleIds: modules.map(m => m.id) })
      for (const module of modules.filter(m => parsed.modules[m.id] !== undefined)) {
        expect(module.resources.reduce((sum, resource) => sum + bytesOf(chunk, resource), 0), `${variant} ${path.basename(file)} ${module.id}`)
          .toBe(Buffer.byteLength(parsed.modules[module.id]!))
        compared += 1
      }
    }
    expect(compared).toBeGreaterThanOrEqual(25)
    const ids = report.modules.map(m => m.id)
    expect(ids.filter(id => id.includes('undefined'))).toEqual([])
    expect(ids).toContain('src/main.js')
  })
})

describe('output shapes', () => {
  it('splits a bootstrap with two inlined entry modules between them', () => {
    const { report, modulesByFile } = builds.get('webpack-named-es5')!
    const main = report.chunks.find(chunk => chunk.kind === 'js' && chunk.name === 'main')!
    const file = path.resolve(fixture, main.file)
    const parsed = parseBundle(file, { expectedModuleIds: modulesByFile.get(file)!.map(m => m.id) })
    // Named ids: the factories are keyed by path, and neither entry has one.
    expect(Object.keys(parsed.modules)).toContain('./src/shared.js')
    expect(Object.keys(parsed.modules).some(id => id.startsWith('./src/main.js') || id.startsWith('./src/admin.js'))).toBe(false)
    const entryBytes = ['src/main.js', 'src/admin.js'].map(id => main.modules.find(m => m.id === id)!.rawBytes)
    expect(entryBytes.every(bytes => bytes > 50)).toBe(true)
    // What the analyzer calls runtime = our glue + the inlined entries (and the parts concatenated into them).
    const modules = modulesByFile.get(file)!
    const rendered = new Set(modules.filter(m => parsed.modules[m.id] !== undefined).flatMap(m => m.resources))
    const inlined = new Set(modules.filter(m => parsed.modules[m.id] === undefined).flatMap(m => m.resources).filter(resource => !rendered.has(resource)))
    expect([...inlined].map(resource => normalizeModuleId(resource, fixture))).toEqual(expect.arrayContaining(['src/main.js', 'src/admin.js']))
    const inlinedBytes = [...inlined].reduce((sum, resource) => sum + bytesOf(main, resource), 0)
    expect(main.glue.rawBytes + inlinedBytes).toBe(Buffer.byteLength(parsed.runtimeSrc))
    expect(main.attribution).toBe('estimated')
  })

  it('reads a runtime chunk with no modules, and entry factories in the entry chunks', () => {
    const { report } = builds.get('webpack-runtime-chunk')!
    const runtime = report.chunks.find(chunk => chunk.kind === 'js' && chunk.name === 'runtime')!
    expect(runtime.modules).toEqual([])
    const admin = report.chunks.find(chunk => chunk.kind === 'js' && chunk.name === 'admin')!
    expect(admin.attribution).toBe('exact')
    // Only the chunk-push wrapper is left: `(self.webpackChunk=...).push([[...],{...},e=>{...}])`.
    expect(admin.glue.rawBytes).toBeLessThan(120)
  })

  it('parses ES module output', () => {
    const { report } = builds.get('webpack-esm-output')!
    const lazy = report.chunks.filter(chunk => chunk.kind === 'js' && chunk.isDynamicEntry)
    expect(lazy.length).toBe(2)
    for (const chunk of lazy) {
      // `export const modules={387(e,t,r){...}}`: one factory, found exactly; the export wrapper is glue.
      expect(chunk.attribution).toBe('exact')
      expect(chunk.modules[0]!.rawBytes).toBeGreaterThan(150)
      expect(chunk.glue.rawBytes).toBeGreaterThan(30)
    }
    const main = report.chunks.find(chunk => chunk.kind === 'js' && chunk.name === 'main')!
    expect(main.modules.find(m => m.id === 'src/main.js')!.rawBytes).toBeGreaterThan(100)
    expect(main.modules.filter(m => m.id.includes('node_modules/lodash/')).every(m => m.rawBytes > 0)).toBe(true)
  })
})
