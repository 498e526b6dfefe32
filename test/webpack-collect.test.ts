/**
 * The webpack / Rspack adapter's cheaper `collect`, checked against the way it read builds before:
 * - import edges from `compilation.moduleGraph` (stats without `reasons`) give the same report as
 *   `toJson`'s `reasons`, on webpack and Rspack (concatenated modules, CommonJS, dynamic imports);
 * - module ranges are remembered by file content: a second build with the same output reads them
 *   from the cache folder (parses nothing), a changed file is located again, a corrupt or
 *   misfitting cache entry is ignored, and the cached ranges equal freshly located ones;
 * - the factory scan (`scan-webpack-factories.ts`) that blanks factory bodies before parsing gives
 *   what parsing the whole file gives, on real webpack / Rspack output and on hand-made bundles full
 *   of regular expressions, template literals and braces in strings.
 */
import type { CollectedBuild } from '@weighbridge/core'
import { createHash } from 'node:crypto'
import { cpSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { buildReport, computeFindings, createMeasurer, serializeReport } from '@weighbridge/core'
import { afterAll, describe, expect, it } from 'vitest'
import { locateWebpackModules } from '../packages/weighbridge/src/adapters/locate-webpack-modules'
import { scanModuleFactories } from '../packages/weighbridge/src/adapters/scan-webpack-factories'
import type { CollectOptions, CollectTimings, WebpackLikeCompilation, WebpackLikeCompiler } from '../packages/weighbridge/src/adapters/webpack-like'
import { collectCompilation, tapWebpackLikeCompiler } from '../packages/weighbridge/src/adapters/webpack-like'
import { createWebpackRangeCache } from '../packages/weighbridge/src/adapters/webpack-range-cache'
import type { WebpackRangeCache } from '../packages/weighbridge/src/adapters/webpack-range-cache'
import { runCompiler } from './run-compiler'

const fixture = path.resolve(import.meta.dirname, 'fixtures/conformance')
const tmp = path.resolve(import.meta.dirname, `.tmp/webpack-collect-${process.pid}-${Date.now().toString(36)}`)

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

type Bundler = 'webpack' | 'rspack'

interface BuildOptions {
  bundler: Bundler
  root: string
  outDir: string
  /** webpack options besides mode, context, output path and plugins. */
  config?: Record<string, unknown>
  output?: Record<string, unknown>
  /** Runs at the adapter's stage, with the finished compilation. */
  inspect: (compiler: WebpackLikeCompiler, compilation: WebpackLikeCompilation) => void
}

async function build({ bundler, root, outDir, config = {}, output = {}, inspect }: BuildOptions): Promise<void> {
  const plugin = {
    apply(compiler: WebpackLikeCompiler) {
      const stage = compiler.webpack!.Compilation.PROCESS_ASSETS_STAGE_REPORT
      compiler.hooks.thisCompilation.tap('inspect', (compilation) => {
        compilation.hooks.processAssets.tapPromise({ name: 'inspect', stage }, async () => inspect(compiler, compilation))
      })
    },
  }
  const create = bundler === 'webpack' ? (await import('webpack')).default : (await import('@rspack/core')).rspack
  const compiler = (create as (options: object) => any)({
    mode: 'production',
    context: root,
    entry: { main: './src/main.js', admin: './src/admin.js' },
    ...config,
    output: { path: outDir, filename: '[name].[contenthash:8].js', clean: true, ...output },
    module: { rules: [{ test: /\.css$/, type: 'asset/resource' }, { test: /\.png$/, type: 'asset/resource' }] },
    plugins: [plugin],
    infrastructureLogging: { level: 'none' },
  })
  await runCompiler(compiler)
}

function collect(compiler: WebpackLikeCompiler, compilation: WebpackLikeCompilation, bundler: Bundler, options: CollectOptions = {}): { collected: CollectedBuild, timings: CollectTimings } {
  const timings: CollectTimings = {}
  return { collected: collectCompilation(compiler, compilation, bundler, { ...options, timings }), timings }
}

/** The module graph with each module's edge lists sorted (their order follows the stats' module order). */
function sortedGraph(collected: CollectedBuild) {
  return collected.modules.map(m => ({
    ...m,
    importedIds: [...m.importedIds ?? []].sort(),
    dynamicallyImportedIds: [...m.dynamicallyImportedIds ?? []].sort(),
    requiredIds: [...m.requiredIds ?? []].sort(),
  }))
}

function rangesByFile(collected: CollectedBuild): Record<string, unknown> {
  return Object.fromEntries(collected.files.filter(file => file.chunk?.kind === 'js').map(file => [path.basename(file.fileName), file.chunk!.ranges ?? null]))
}

async function reportOf(collected: CollectedBuild, root: string): Promise<string> {
  const measurer = createMeasurer({ gzip: 9, brotli: false, cacheDir: false })
  const report = await buildReport({ ...collected, root }, { measurer, generatorVersion: 'test', compression: { gzipLevel: 9, brotliQuality: null } })
  report.findings = await computeFindings(report, { root })
  await measurer.close()
  return serializeReport(report)
}

describe.each(['webpack', 'rspack'] as const)('%s: edges from the module graph', (bundler) => {
  it('gives the edges and the report that toJson\'s reasons give', async () => {
    const results: { graph: ReturnType<typeof collect>, reasons: ReturnType<typeof collect> }[] = []
    await build({
      bundler,
      root: fixture,
      outDir: path.join(tmp, `edges-${bundler}`),
      inspect: (compiler, compilation) => {
        results.push({ graph: collect(compiler, compilation, bundler), reasons: collect(compiler, compilation, bundler, { edgesFrom: 'stats' }) })
      },
    })
    const [{ graph, reasons }] = results as [typeof results[number]]
    // The fast path ran (no fallback to the reasons), the reference did not.
    expect(graph.timings.edges).toBeTypeOf('number')
    expect(graph.timings.statsWithReasons).toBeUndefined()
    expect(reasons.timings.edges).toBeUndefined()
    expect(reasons.timings.statsWithReasons).toBeTypeOf('number')

    expect(sortedGraph(graph.collected)).toEqual(sortedGraph(reasons.collected))
    const main = graph.collected.modules.find(m => m.id === path.join(fixture, 'src/main.js'))!
    expect(main.importedIds).toEqual(expect.arrayContaining([path.join(fixture, 'src/shared.js'), path.join(fixture, 'src/logo.png')]))
    expect(main.dynamicallyImportedIds).toEqual([path.join(fixture, 'src/lazy-chart.js')])
    expect(graph.collected.modules.some(m => (m.requiredIds ?? []).length > 0)).toBe(true)
    expect(graph.collected.modules.find(m => m.id === path.join(fixture, 'src/main.js'))?.isEntry).toBe(true)
    expect(rangesByFile(graph.collected)).toEqual(rangesByFile(reasons.collected))
    expect(await reportOf(graph.collected, fixture)).toBe(await reportOf(reasons.collected, fixture))
  })
})

describe('the prefetch', () => {
  it('hashes each emitted file once, and the hash travels with the file to the report', async () => {
    const prefetched = new Set<string>()
    let collected: CollectedBuild | undefined
    const plugin = {
      apply(compiler: unknown) {
        tapWebpackLikeCompiler(compiler as WebpackLikeCompiler, 'webpack', async (build) => {
          collected = build
        }, (bytes, contentHash) => prefetched.add(`${bytes.length}:${contentHash}`))
      },
    }
    const webpack = (await import('webpack')).default
    const compiler = webpack({ mode: 'production', context: fixture, entry: './src/main.js', output: { path: path.join(tmp, 'prefetch'), clean: true }, module: { rules: [{ test: /\.(?:css|png)$/, type: 'asset/resource' }] }, plugins: [plugin] })
    await runCompiler(compiler as never)
    const compressed = collected!.files.filter(file => !file.fileName.endsWith('.map'))
    expect(compressed.length).toBeGreaterThanOrEqual(4)
    for (const file of compressed) {
      const sha256 = createHash('sha256').update(file.contents).digest('hex')
      expect(file.contentHash, path.basename(file.fileName)).toBe(sha256)
      expect(prefetched.has(`${file.contents.length}:${sha256}`)).toBe(true)
    }
  }, 60_000)
})

describe('module ranges cached by file content', () => {
  const root = path.join(tmp, 'app')
  const cacheDir = path.join(tmp, 'range-cache')
  const outDir = path.join(tmp, 'cache-dist')

  /** One build: the ranges through `cache`, and freshly located ones (no cache) from the same compilation. */
  async function buildWith(cache: WebpackRangeCache) {
    const before = { ...cache.stats }
    let cached: CollectedBuild | undefined
    let fresh: CollectedBuild | undefined
    let filesRead: CollectTimings['filesRead']
    await build({
      bundler: 'webpack',
      root,
      outDir,
      inspect: (compiler, compilation) => {
        const result = collect(compiler, compilation, 'webpack', { rangeCache: cache })
        cached = result.collected
        filesRead = result.timings.filesRead
        fresh = collect(compiler, compilation, 'webpack').collected
      },
    })
    const after = cache.stats
    return {
      cached: rangesByFile(cached!),
      fresh: rangesByFile(fresh!),
      jsFiles: fresh!.files.filter(file => file.chunk?.kind === 'js' && file.chunk.modules.length > 0).length,
      reused: after.reused - before.reused,
      readFromDisk: after.readFromDisk - before.readFromDisk,
      located: after.located - before.located,
      rejected: after.rejected - before.rejected,
      filesRead: filesRead!,
    }
  }

  const cacheFiles = (): string[] => readdirSync(cacheDir).filter(name => name.startsWith('webpack-ranges-')).sort()

  it('locates each file once, reuses the ranges from disk in a new process, and locates a changed file again', async () => {
    cpSync(fixture, root, { recursive: true })
    const first = await buildWith(createWebpackRangeCache(cacheDir))
    expect(first.jsFiles).toBeGreaterThanOrEqual(4)
    expect(first).toMatchObject({ reused: 0, located: first.jsFiles, rejected: 0 })
    expect(first.filesRead).toEqual({ scanned: first.jsFiles, parsed: 0 })
    expect(first.cached).toEqual(first.fresh)
    expect(Object.values(first.cached).filter(ranges => ranges !== null).length).toBe(first.jsFiles)
    expect(cacheFiles().length).toBe(first.jsFiles)

    // A fresh cache object (a new process) on the same folder: nothing is parsed.
    const second = await buildWith(createWebpackRangeCache(cacheDir))
    expect(second).toMatchObject({ reused: first.jsFiles, readFromDisk: first.jsFiles, located: 0, rejected: 0 })
    expect(second.filesRead).toEqual({ scanned: 0, parsed: 0 })
    expect(second.cached).toEqual(first.cached)

    // The same cache object again (watch mode): from memory.
    const memory = createWebpackRangeCache(cacheDir)
    await buildWith(memory)
    const third = await buildWith(memory)
    expect(third).toMatchObject({ reused: first.jsFiles, readFromDisk: 0, located: 0 })

    // One lazy module changes: its chunk is located again (and the files naming it), the rest reused.
    const chart = path.join(root, 'src/lazy-chart.js')
    writeFileSync(chart, readFileSync(chart, 'utf8').replace(`'data-chart'`, `'data-chart-v2'`))
    const changed = await buildWith(createWebpackRangeCache(cacheDir))
    expect(changed.located).toBeGreaterThanOrEqual(1)
    expect(changed.reused).toBeGreaterThanOrEqual(1)
    expect(changed.reused + changed.located).toBe(changed.jsFiles)
    expect(changed.cached).toEqual(changed.fresh)
    expect(Object.keys(changed.cached).sort()).not.toEqual(Object.keys(first.cached).sort())
  }, 120_000)

  it('ignores corrupt entries and entries that do not fit their file, and replaces them', async () => {
    const names = cacheFiles()
    expect(names.length).toBeGreaterThan(0)
    const baseline = await buildWith(createWebpackRangeCache(cacheDir))
    expect(baseline.located).toBe(0)
    // Half the entries: garbage; the other half: a valid checksum over segments past the file's end.
    names.forEach((name, index) => {
      const file = path.join(cacheDir, name)
      if (index % 2 === 0) {
        writeFileSync(file, 'not a cache entry')
        return
      }
      const body = JSON.stringify({ method: 'exact', segments: [0, 10_000_000, 0] })
      writeFileSync(file, `${createHashHex(body)}\n${body}`)
    })
    const repaired = await buildWith(createWebpackRangeCache(cacheDir))
    expect(repaired.rejected).toBe(baseline.jsFiles)
    expect(repaired.located).toBe(baseline.jsFiles)
    expect(repaired.cached).toEqual(baseline.cached)
    expect(repaired.cached).toEqual(repaired.fresh)
    // Rewritten: the next build reads them all again.
    const next = await buildWith(createWebpackRangeCache(cacheDir))
    expect(next).toMatchObject({ reused: baseline.jsFiles, located: 0, rejected: 0 })
  }, 120_000)

  it('keeps entries in memory only with `cache: false`', async () => {
    const memoryOnly = createWebpackRangeCache(false)
    const before = cacheFiles()
    const first = await buildWith(memoryOnly)
    const second = await buildWith(memoryOnly)
    expect(first.located).toBe(first.jsFiles)
    expect(second).toMatchObject({ reused: first.jsFiles, readFromDisk: 0, located: 0 })
    expect(cacheFiles()).toEqual(before)
  }, 120_000)
})

/** The cache's own checksum: sha256 of the body, hex. */
function createHashHex(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

describe('the factory scan', () => {
  const SHAPES = {
    'webpack-defaults': { bundler: 'webpack' },
    'webpack-named-es5': { bundler: 'webpack', config: { optimization: { moduleIds: 'named', chunkIds: 'named', concatenateModules: false } }, output: { environment: { arrowFunction: false, methodShorthand: false, const: false, destructuring: false } } },
    'webpack-runtime-chunk': { bundler: 'webpack', config: { optimization: { runtimeChunk: 'single', concatenateModules: false } } },
    'webpack-esm-output': { bundler: 'webpack', config: { experiments: { outputModule: true } }, output: { module: true } },
    'webpack-unminified': { bundler: 'webpack', config: { optimization: { minimize: false } } },
    'rspack-defaults': { bundler: 'rspack' },
    'rspack-named-es5': { bundler: 'rspack', config: { optimization: { moduleIds: 'named', chunkIds: 'named' } }, output: { environment: { arrowFunction: false, methodShorthand: false, const: false, destructuring: false } } },
  } as const

  it.each(Object.keys(SHAPES) as (keyof typeof SHAPES)[])('%s: locates what parsing the whole file locates', async (shape) => {
    const { bundler, ...options } = SHAPES[shape] as { bundler: Bundler, config?: Record<string, unknown>, output?: Record<string, unknown> }
    const files: { name: string, code: string, ids: string[] }[] = []
    await build({
      bundler,
      root: fixture,
      outDir: path.join(tmp, `scan-${shape}`),
      ...options,
      inspect: (_compiler, compilation) => {
        const anyCompilation = compilation as unknown as { chunks: Iterable<{ files: Iterable<string> }>, chunkGraph: { getChunkModulesIterable: (chunk: unknown) => Iterable<unknown>, getModuleId: (module: unknown) => string | number | null } }
        for (const chunk of anyCompilation.chunks) {
          const ids = [...anyCompilation.chunkGraph.getChunkModulesIterable(chunk)].map(m => anyCompilation.chunkGraph.getModuleId(m)).filter(id => id !== null && id !== '').map(String)
          for (const name of chunk.files) {
            if (/\.m?js$/.test(name))
              files.push({ name, code: compilation.getAsset(name)!.source.source().toString(), ids })
          }
        }
      },
    })
    expect(files.length).toBeGreaterThanOrEqual(4)
    let scanned = 0
    let factories = 0
    for (const { name, code, ids } of files) {
      let how = ''
      const fast = locateWebpackModules(code, ids, { onRead: (read) => { how = read } })
      const whole = locateWebpackModules(code, ids, { scan: false })
      expect(fast, `${shape} ${name}`).toEqual(whole)
      if (how === 'scanned')
        scanned += 1
      factories += whole?.factories.size ?? 0
    }
    expect(factories).toBeGreaterThanOrEqual(5)
    // Every file with factories went the fast way (the runtime chunk has none).
    expect(scanned).toBe(files.filter(file => (locateWebpackModules(file.code, file.ids, { scan: false })?.factories.size ?? 0) > 0).length)
  }, 60_000)

  /** A webpack 5 bootstrap around `factories` (`id(e,t,r){...}` entries), with an inlined entry requiring 10 (`entry`: more of its code). */
  const bootstrap = (factories: string, entry = ''): string => `(()=>{var e={${factories}},t={};function r(o){var n=t[o];if(void 0!==n)return n.exports;var a=t[o]={exports:{}};return e[o](a,a.exports,r),a.exports}r.d=(e,t)=>{for(var o in t)r.o(t,o)&&!r.o(e,o)&&Object.defineProperty(e,o,{enumerable:!0,get:t[o]})},r.o=(e,t)=>Object.prototype.hasOwnProperty.call(e,t),(()=>{r.g=function(){if("object"==typeof globalThis)return globalThis;try{return this||new Function("return this")()}catch(e){if("object"==typeof window)return window}}()})();(()=>{"use strict";var e=r(10);${entry}console.log(e.a,/}{/.source,\`\${{a:"}"}.a}\`)})()})();`
  const padding = 'var pad="' + 'x'.repeat(80) + '";'

  const TRICKY = {
    'regular expressions with brackets, slashes and quotes': `10(e,t,r){${padding}var a=/[}{]\\/"'\`(/g,b=a.source.split(/\\//),c=/[/]{2}/.test("//");if(b)/}/.test(c);e.exports={a,b,c}}`,
    'template literals nested in substitutions': `10(e,t,r){${padding}var a=1,b=\`{\${\`}\${{a:"{"}.a}\`}}\`,c=\`\${a/2}/\${a}}\`;e.exports={a:b+c}}`,
    'braces in strings and comments': `10(e,t,r){${padding}var a="}{",b='{',c="\\"}";/* } { */e.exports={a:a+b+c}// }\n}`,
    'divisions and keywords as names': `10(e,t,r){${padding}var n=4,i=2,a=n/i/2,o={return:6,of:3},s=o.return/2/1,l=o.of/1;for(const of of[1])a+=of/1;e.exports={a:a+s+l}}`,
    'numbers that look like other tokens': `10(e,t,r){${padding}var a=0x1f+1e+5+.5+1_000+0b11+0o7+10n.toString().length+1..toFixed(1).length,b=a?.5:1;e.exports={a:a+b}}`,
    'classes, private fields, getters and arrows': `10(e,t,r){${padding}r.d(t,{a:()=>n});class i{#x=4;static y={get z(){return 1}};get x(){return this.#x/2}m(){return[()=>{},function(){}]}}const n=new i().x}, 20:function(e,t){${padding}t.a={b(){return 1}}}, 30:(e,t,r)=>{${padding}t.c=r(20)}`,
    'a division right after a function (the scan misreads it as a regular expression)': `10(e,t,r){${padding}var f=function(){}/2;if(f){e.exports={a:f}/1}}, 20(e,t){${padding}t.b=1}`,
  } as const

  /** Inlined entry code (after the runtime), and whether the scan may blank some of its function bodies. */
  const ENTRIES = {
    'nested functions (blanked)': { code: `function n(t){${padding}return [t].map(e=>{${padding}return e*2})}class s{m(){${padding}return n(1)}}e.b=new s().m();`, blanked: true },
    'a public path set inside a function (kept: it makes the part runtime code)': { code: `function n(){${padding}r.p="/static/";return r.p}e.c=n();`, blanked: false },
    'a local name like the require function, assigned a member (kept)': { code: `function n(r){${padding}r.x=1;return r}e.c=n({});`, blanked: false },
    'an object of functions keyed by module ids (kept: the walk would count it)': { code: `var q={20:()=>1,30:()=>2,40:()=>3};function n(){${padding}return {20:function(){return q}}}e.d=n();`, blanked: false },
  } as const

  it.each(Object.keys(ENTRIES) as (keyof typeof ENTRIES)[])('hand-made bundle with inlined entry code: %s', (name) => {
    const { code: entry, blanked } = ENTRIES[name]
    const code = bootstrap(`10(e,t,r){${padding}t.a=1}, 20(e,t){${padding}t.b=2}`, entry)
    const ids = ['10', '20', '30', '40']
    let how = ''
    const fast = locateWebpackModules(code, ids, { onRead: (read) => { how = read } })
    const whole = locateWebpackModules(code, ids, { scan: false })
    expect(whole, 'the hand-made bundle must be valid JavaScript').not.toBeNull()
    expect(fast).toEqual(whole)
    const scanned = scanModuleFactories(code, new Set(ids))!
    const entryStart = code.indexOf('"use strict";var e=r(10);')
    const entryBodies = scanned.tailBodies.filter(([start]) => start >= entryStart)
    expect(entryBodies.length > 0).toBe(blanked)
    // The runtime parts (`r.g = ...` inside an IIFE) are never blanked.
    expect(scanned.tailBodies.some(([start, end]) => code.slice(start, end).includes('r.g='))).toBe(false)
    if (name.startsWith('an object of functions'))
      expect(how).toBe('parsed') // the walk picks that object (it has more factories), not the scanned one
    else expect(how).toBe('scanned')
  })

  it.each(Object.keys(TRICKY) as (keyof typeof TRICKY)[])('hand-made bundle: %s', (name) => {
    const code = bootstrap(TRICKY[name])
    const ids = ['10', '20', '30']
    let how = ''
    const fast = locateWebpackModules(code, ids, { onRead: (read) => { how = read } })
    const whole = locateWebpackModules(code, ids, { scan: false })
    expect(whole, 'the hand-made bundle must be valid JavaScript').not.toBeNull()
    expect(whole!.factories.size).toBeGreaterThanOrEqual(1)
    expect(whole!.inlinedTail).not.toBeNull()
    expect(fast).toEqual(whole)
    // Misread or not, the answer is the whole file's; only a misread that moves a bracket costs the full parse.
    expect(how).toBe(name.startsWith('a division right after a function') ? 'parsed' : 'scanned')
  })
})

