/**
 * Budgets and baselines on real webpack 5 builds of test/fixtures/budgets-app through
 * `weighbridge/webpack`: a budget passes, one warns (the build succeeds with a webpack warning), one
 * fails (a webpack error, report.json written), and a rebuild with an added dependency diffs against
 * the saved baseline. Sizes are checked against zlib on the emitted files.
 */
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Report } from '@weighbridge/core'
import MiniCssExtractPlugin from 'mini-css-extract-plugin'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import webpack from 'webpack'
import weighbridgeWebpack from 'weighbridge/webpack'
import type { WeighbridgeOptions } from 'weighbridge'

const require = createRequire(import.meta.url)
const repoRoot = path.resolve(import.meta.dirname, '..')
const fixture = path.join(repoRoot, 'test/fixtures/budgets-app')
const tmp = path.join(repoRoot, 'test/.tmp', `budgets-webpack-${process.pid}-${Date.now()}`)

interface WebpackOutcome {
  errors: string[]
  warnings: string[]
}

function createApp(name: string, options: { addLodash?: boolean } = {}): string {
  const appDir = path.join(tmp, name)
  cpSync(fixture, appDir, { recursive: true })
  if (options.addLodash)
    appendFileSync(path.join(appDir, 'src/main.js'), `\nimport chunk from 'lodash/chunk.js'\nconsole.log(chunk(['a', 'b', 'c'], 2))\n`)
  return appDir
}

function buildApp(appDir: string, options: WeighbridgeOptions): Promise<WebpackOutcome> {
  const compiler = webpack({
    mode: 'production',
    context: appDir,
    entry: { main: './src/main.js' },
    output: { path: path.join(appDir, 'dist'), filename: '[name].[contenthash].js', chunkFilename: '[name].[contenthash].js', clean: true },
    // webpack's production defaults: no source maps, module concatenation on. The adapter finds the
    // module factories in the emitted files and splits concatenated modules into their parts, so
    // the messages name per-module contributors.
    module: { rules: [{ test: /\.css$/, use: [MiniCssExtractPlugin.loader, require.resolve('css-loader')] }] },
    plugins: [new MiniCssExtractPlugin({ filename: '[name].[contenthash].css' }), weighbridgeWebpack({ cache: false, summary: false, ...options }) as never],
    infrastructureLogging: { level: 'none' },
  })
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => {})
      if (error || !stats)
        return reject(error ?? new Error('webpack gave no stats'))
      const json = stats.toJson({ all: false, errors: true, warnings: true })
      resolve({ errors: (json.errors ?? []).map(item => item.message), warnings: (json.warnings ?? []).map(item => item.message) })
    })
  })
}

function readReport(appDir: string, file = '.weighbridge/report.json'): Report {
  return JSON.parse(readFileSync(path.join(appDir, file), 'utf8')) as Report
}

function measureGzip(appDir: string, files: string[]): number {
  return files.reduce((sum, file) => sum + zlib.gzipSync(readFileSync(path.join(appDir, file)), { level: 9 }).length, 0)
}

const apps = {} as Record<'base' | 'grown' | 'failing', string>
const outcomes = {} as Record<'base' | 'grown' | 'failing', WebpackOutcome>

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true })
  apps.base = createApp('base')
  apps.grown = createApp('grown', { addLodash: true })
  apps.failing = createApp('failing')
  outcomes.base = await buildApp(apps.base, {
    budgets: [
      { kind: 'initial', entry: 'main', limit: '100 kB' },
      { kind: 'chunk', match: 'main', warn: '500 B' },
    ],
    saveBaseline: true,
  })
  cpSync(path.join(apps.base, '.weighbridge/baseline.json'), path.join(apps.grown, '.weighbridge/baseline.json'))
  outcomes.grown = await buildApp(apps.grown, { baseline: '.weighbridge/baseline.json', budgets: [{ kind: 'growth', limit: '+50 kB' }] })
  outcomes.failing = await buildApp(apps.failing, { budgets: [{ kind: 'initial', limit: '1 kB' }, { kind: 'package', package: 'lodash-es', warn: '100 B' }] })
})

afterAll(() => {
  if (!process.env.KEEP_TMP) rmSync(tmp, { recursive: true, force: true })
})

describe('budgets in a webpack build', () => {
  it('passes a budget with the size zlib measures on the emitted files', () => {
    const report = readReport(apps.base)
    const entry = report.entries.find(candidate => candidate.name === 'main')!
    expect(entry.initialLoad.files.some(file => file.endsWith('.css'))).toBe(true)
    expect(report.budgets[0]).toMatchObject({ path: 'budgets[0]', level: 'pass', actual: measureGzip(apps.base, entry.initialLoad.files), label: 'initial load of main (gzip)' })
  })

  it('warns with a webpack warning and still emits the build', () => {
    expect(outcomes.base.errors).toEqual([])
    const report = readReport(apps.base)
    const chunk = report.chunks.find(candidate => candidate.name === 'main' && candidate.kind === 'js')!
    // `match: 'main'` selects main.js and main.css (one result each, in file-name order, which the
    // content hashes decide): the JS one is the one that warns.
    const result = report.budgets.find(budget => budget.path === 'budgets[1]' && budget.label.includes(chunk.file))!
    expect(result).toMatchObject({ level: 'warn', actual: measureGzip(apps.base, [chunk.file]) })
    const warning = outcomes.base.warnings.find(text => text.includes('budgets[1]'))
    expect(warning).toContain(`budgets[1] chunk main (${chunk.file}) (gzip): `)
    expect(warning).toContain('> warn limit 500 B')
    expect(warning).toMatch(/Largest: .*lodash-es \d+ B/)
    expect(existsSync(path.join(apps.base, chunk.file))).toBe(true)
    expect(existsSync(path.join(apps.base, '.weighbridge/baseline.json'))).toBe(true)
  })

  it('fails with a webpack error naming budget, size, limit and contributors, after writing report.json', () => {
    const error = outcomes.failing.errors.find(text => text.includes('budgets[0]'))
    expect(error).toBeDefined()
    const report = readReport(apps.failing)
    expect(report.budgets[0]!.level).toBe('error')
    // Same sources as the passing build: its emitted files give the independent figure.
    const baseEntry = readReport(apps.base).entries.find(candidate => candidate.name === 'main')!
    const zlibGzip = measureGzip(apps.base, baseEntry.initialLoad.files)
    expect(report.budgets[0]!.actual).toBe(zlibGzip)
    expect(error).toContain(`budgets[0] initial load of main (gzip): ${(zlibGzip / 1000).toFixed(1)} kB > error limit 1 kB`)
    expect(error).toMatch(/Largest: .*lodash-es \d+ B.*src\/app\.js \d+ B/)
    expect(error).toContain('Fix: ')
    // The package budget only warns: a warning, not a second error.
    expect(outcomes.failing.warnings.some(text => text.includes('budgets[1] package lodash-es (gzip)'))).toBe(true)
    expect(outcomes.failing.errors.filter(text => text.includes('budgets[1]'))).toEqual([])
  })

  it('diffs a rebuild with an added dependency against the saved baseline', () => {
    expect(outcomes.grown.errors).toEqual([])
    const report = readReport(apps.grown)
    const lodash = report.diff!.packages.find(delta => delta.id === 'lodash')!
    const lodashGzip = report.chunks.flatMap(chunk => chunk.modules).filter(module => /node_modules\/(\.pnpm\/lodash@[^/]+\/node_modules\/)?lodash\//.test(module.id)).reduce((sum, module) => sum + module.gzipBytes!, 0)
    expect(lodash).toMatchObject({ kind: 'added', before: null, deltaGzipBytes: lodashGzip })
    expect(lodashGzip).toBeGreaterThan(50)
    // The main chunk is matched by name although its content hash changed.
    const mainDelta = report.diff!.chunks.find(delta => delta.id === 'main')!
    const before = readReport(apps.grown, '.weighbridge/baseline.json').chunks.find(chunk => chunk.name === 'main' && chunk.kind === 'js')!
    const after = report.chunks.find(chunk => chunk.name === 'main' && chunk.kind === 'js')!
    expect(before.file).not.toBe(after.file)
    expect(mainDelta.kind).toBe('grown')
    expect(mainDelta.deltaGzipBytes).toBe(measureGzip(apps.grown, [after.file]) - measureGzip(apps.base, [before.file]))
    expect(report.budgets[0]).toMatchObject({ kind: 'growth', level: 'pass' })
  })
})
