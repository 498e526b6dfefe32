/**
 * A measuring tool must not change what it measures: webpack 5 and Rspack production builds of
 * test/fixtures/conformance (two entries, lazy chunks, CSS, an image, lodash) emit the same files,
 * byte for byte, with and without the plugin (default options, and `runtime: true`, which ships
 * nothing in a production build). The comparison can fail: a no-op loader of the user's alone
 * changes the emitted files (webpack's deterministic ids hash the module identifiers, which name
 * the loaders), and the test checks that it does.
 *
 * And the attribution holds with the user's own loaders: with a tiny loader that appends a comment
 * to every app module (module identifiers `…/append-comment.cjs!…/src/main.js`), module bytes plus
 * glue still add up to each file, every app and lodash module is in a chunk, and the per-package
 * and per-module bytes match the build without the loader within a few bytes (the ids webpack
 * writes in front of each factory may differ in length).
 */
import type { Report } from '@weighbridge/core'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCompiler } from './run-compiler'
import type { RunnableCompiler } from './run-compiler'

const require = createRequire(import.meta.url)
const fixture = path.resolve(__dirname, 'fixtures/conformance')
const tmp = path.resolve(__dirname, `.tmp/webpack-untouched-${process.pid}-${Date.now()}`)
const BUNDLERS = ['webpack', 'rspack'] as const
type Bundler = typeof BUNDLERS[number]
type Variant = 'plain' | 'plugin' | 'runtime' | 'loader-plain' | 'loader-plugin' | 'maps-plugin' | 'maps-loader-plugin'

/** The user's loader: appends a comment to each app module (the minifier drops it again). */
const LOADER_SOURCE = 'module.exports = function appendComment(source) {\n  return `${source}\\n/* checked by a user loader */\\n`\n}\n'
let loaderFile: string

interface Built {
  outDir: string
  /** Emitted files relative to `outDir` → bytes. */
  files: Map<string, Buffer>
  report: Report | null
}

const builds = new Map<`${Bundler}:${Variant}`, Built>()

function readTree(dir: string): Map<string, Buffer> {
  const files = new Map<string, Buffer>()
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name)
      files.set(path.relative(dir, file).replaceAll('\\', '/'), fs.readFileSync(file))
    }
  }
  return new Map([...files].sort(([a], [b]) => (a < b ? -1 : 1)))
}

async function build(bundler: Bundler, variant: Variant): Promise<Built> {
  const outDir = path.join(tmp, `${bundler}-${variant}`)
  const reportFile = path.join(tmp, `${bundler}-${variant}.report.json`)
  const withPlugin = variant !== 'plain' && variant !== 'loader-plain'
  const withLoader = variant.includes('loader')
  const withMaps = variant.startsWith('maps')
  const pluginOptions = { reportFile, summary: false, logLevel: 'silent' as const, cache: false as const, brotli: false as const, root: fixture, ...(variant === 'runtime' ? { runtime: true } : {}) }
  const rspackApi = bundler === 'rspack' ? (await import('@rspack/core')).rspack : null
  const MiniCssExtractPlugin = bundler === 'webpack' ? (await import('mini-css-extract-plugin')).default : null
  const extract = rspackApi
    ? { loader: rspackApi.CssExtractRspackPlugin.loader, plugin: new rspackApi.CssExtractRspackPlugin({ filename: '[name].[contenthash].css' }) }
    : { loader: MiniCssExtractPlugin!.loader, plugin: new MiniCssExtractPlugin!({ filename: '[name].[contenthash].css' }) }
  const plugins: object[] = [extract.plugin]
  if (withPlugin) {
    const { default: weighbridge } = bundler === 'webpack' ? await import('weighbridge/webpack') : await import('weighbridge/rspack')
    plugins.push(weighbridge(pluginOptions as never) as object)
  }
  const config = {
    mode: 'production' as const,
    context: fixture,
    ...(withMaps ? { devtool: 'hidden-source-map' as const } : {}),
    entry: { main: './src/main.js', admin: './src/admin.js' },
    output: { path: outDir, filename: '[name].[contenthash].js', chunkFilename: '[name].[contenthash].js', clean: true },
    module: { rules: [
      { test: /\.css$/, use: [extract.loader, require.resolve('css-loader')] },
      { test: /\.png$/, type: 'asset/resource' as const },
      ...(withLoader ? [{ test: /[\\/]src[\\/][^\\/]+\.js$/, use: [loaderFile] }] : []),
    ] },
    plugins,
    infrastructureLogging: { level: 'none' as const },
  }
  const compiler = (rspackApi ? rspackApi(config as never) : (await import('webpack')).default(config as never)) as unknown as RunnableCompiler
  await runCompiler(compiler)
  return { outDir, files: readTree(outDir), report: withPlugin ? JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report : null }
}

beforeAll(async () => {
  fs.mkdirSync(tmp, { recursive: true })
  loaderFile = path.join(tmp, 'append-comment.cjs')
  fs.writeFileSync(loaderFile, LOADER_SOURCE)
  for (const bundler of BUNDLERS) {
    for (const variant of ['plain', 'plugin', 'runtime', 'loader-plain', 'loader-plugin', 'maps-plugin', 'maps-loader-plugin'] as const)
      builds.set(`${bundler}:${variant}`, await build(bundler, variant))
  }
}, 240_000)

afterAll(() => {
  if (!process.env.KEEP_TMP)
    fs.rmSync(tmp, { recursive: true, force: true })
})

/** The differences between two emitted trees: missing, added and changed files. */
function diffTrees(a: Map<string, Buffer>, b: Map<string, Buffer>): string[] {
  const problems: string[] = []
  for (const [file, bytes] of a) {
    const other = b.get(file)
    if (!other) problems.push(`only in the first: ${file}`)
    else if (!other.equals(bytes)) problems.push(`differs: ${file} (${bytes.length} B vs ${other.length} B)`)
  }
  for (const file of b.keys()) {
    if (!a.has(file)) problems.push(`only in the second: ${file}`)
  }
  return problems
}

/** Bytes per module id and per package id (sum over the JS chunks). */
function bytesBy(report: Report, key: 'module' | 'package'): Map<string, number> {
  const packageOf = new Map(report.modules.map(m => [m.id, m.package]))
  const sums = new Map<string, number>()
  for (const chunk of report.chunks.filter(c => c.kind === 'js')) {
    for (const m of chunk.modules) {
      const id = key === 'module' ? m.id : packageOf.get(m.id)
      if (id)
        sums.set(id, (sums.get(id) ?? 0) + m.rawBytes)
    }
  }
  return sums
}

describe.each(BUNDLERS)('%s', (bundler) => {
  const get = (variant: Variant) => builds.get(`${bundler}:${variant}`)!

  it('emits the same files, byte for byte, with and without the plugin', () => {
    const plain = get('plain')
    expect(plain.files.size).toBeGreaterThanOrEqual(6)
    expect([...plain.files.keys()].filter(file => file.endsWith('.js')).length).toBeGreaterThanOrEqual(4)
    expect(diffTrees(plain.files, get('plugin').files)).toEqual([])
    // runtime: true ships nothing in a production build, and adds no loader either.
    expect(diffTrees(plain.files, get('runtime').files)).toEqual([])
    // The plugin did measure these builds.
    const measured = get('plugin')
    expect(measured.report!.outputs.map(output => path.relative(measured.outDir, path.resolve(fixture, output.file)).replaceAll('\\', '/')).sort()).toEqual([...plain.files.keys()])
  })

  it('the comparison catches a loader: a no-op loader of the user alone changes the emitted files', () => {
    expect(diffTrees(get('plain').files, get('loader-plain').files).length).toBeGreaterThan(0)
    // With the loader, the plugin still changes nothing.
    expect(diffTrees(get('loader-plain').files, get('loader-plugin').files)).toEqual([])
  })

  it.each(['loader-plugin', 'maps-loader-plugin'] as const)('%s: module bytes and glue add up to each file, with the user\'s loader on every app module', (variant) => {
    const report = get(variant).report!
    const outputs = new Map(report.outputs.map(output => [output.file, output]))
    for (const chunk of report.chunks) {
      const output = outputs.get(chunk.file)!
      for (const key of ['rawBytes', 'gzipBytes'] as const)
        expect(chunk.modules.reduce((sum, m) => sum + m[key]!, chunk.glue[key]!), `${chunk.file} ${key}`).toBe(output[key])
    }
    // Module ids are the files, without the loader: every app and lodash module is in a chunk.
    const inChunks = new Set(report.chunks.flatMap(chunk => chunk.modules.map(m => m.id)))
    const real = report.modules.filter(m => !m.id.startsWith('virtual:') && /\.js$/.test(m.id))
    expect(real.filter(m => m.id.startsWith('src/')).map(m => m.id).sort()).toEqual(['src/admin.js', 'src/lazy-chart.js', 'src/lazy-settings.js', 'src/main.js', 'src/shared.js'])
    expect(real.map(m => m.id).filter(id => id.includes('append-comment') || id.includes('!'))).toEqual([])
    for (const module of real)
      expect(inChunks.has(module.id), module.id).toBe(true)
  })

  it.each([['plugin', 'loader-plugin'], ['maps-plugin', 'maps-loader-plugin']] as const)('%s vs %s: packages and modules weigh the same with and without the loader', (without, withLoader) => {
    const before = get(without).report!
    const after = get(withLoader).report!
    const packagesBefore = bytesBy(before, 'package')
    const packagesAfter = bytesBy(after, 'package')
    const lodash = [...packagesBefore.keys()].find(id => /(^|\/)lodash$/.test(id))!
    expect(lodash).toBeDefined()
    expect(packagesBefore.get(lodash)).toBeGreaterThan(1000)
    expect([...packagesAfter.keys()].sort()).toEqual([...packagesBefore.keys()].sort())
    for (const [id, bytes] of packagesBefore)
      expect(Math.abs(packagesAfter.get(id)! - bytes), `${bundler} package ${id}: ${bytes} B without the loader, ${packagesAfter.get(id)} B with it`).toBeLessThanOrEqual(8)
    const modulesBefore = bytesBy(before, 'module')
    const modulesAfter = bytesBy(after, 'module')
    let compared = 0
    for (const [id, bytes] of modulesBefore) {
      if (!id.startsWith('src/') || !id.endsWith('.js'))
        continue
      compared++
      expect(Math.abs(modulesAfter.get(id)! - bytes), `${bundler} ${id}: ${bytes} B without the loader, ${modulesAfter.get(id)} B with it`).toBeLessThanOrEqual(8)
    }
    expect(compared).toBe(5)
  })
})
