import { describe, expect, it } from 'vitest'
import type { Report } from '@weighbridge/core'
import { checkBudgets, formatBytes, formatLimit, parseGrowthLimit, parseSizeLimit, renderBudgetSnippet, suggestBudgets, validateBudgets } from '@weighbridge/core'
import { makeAppBuild, makeReport } from './budgets-report-fixture'

const sumGzip = (report: Report, files: string[]): number =>
  files.reduce((total, file) => total + report.outputs.find(output => output.file === file)!.gzipBytes!, 0)

function check(report: Report, budgets: unknown[], baseline?: Report) {
  const validation = validateBudgets(budgets)
  expect(validation.problems).toEqual([])
  return checkBudgets(report, validation.budgets, { baseline: baseline ?? null })
}

describe('size limits', () => {
  it('reads decimal and binary units, numbers as bytes', () => {
    expect(parseSizeLimit('170 kB')).toMatchObject({ unit: 'bytes', value: 170_000 })
    expect(parseSizeLimit('1.5 MB')).toMatchObject({ value: 1_500_000 })
    expect(parseSizeLimit('64 KiB')).toMatchObject({ value: 65_536 })
    expect(parseSizeLimit('2MiB')).toMatchObject({ value: 2 * 1024 * 1024 })
    expect(parseSizeLimit('170KB')).toMatchObject({ value: 170_000 })
    expect(parseSizeLimit(12_000)).toMatchObject({ value: 12_000 })
    expect(parseSizeLimit('900 B')).toMatchObject({ value: 900 })
    expect(parseGrowthLimit('+10 kB')).toMatchObject({ unit: 'bytes', value: 10_000 })
    expect(parseGrowthLimit('10%')).toMatchObject({ unit: 'percent', value: 10 })
    expect(parseGrowthLimit('2.5 %')).toMatchObject({ unit: 'percent', value: 2.5 })
  })

  it('rejects what is not a size, saying what it expected', () => {
    expect(parseSizeLimit('12 kbs')).toMatch(/got '12 kbs', expected a size like '170 kB'/)
    expect(parseSizeLimit(-5)).toMatch(/got -5.*not negative/)
    expect(parseSizeLimit('-5 kB')).toMatch(/not negative/)
    expect(parseSizeLimit('10%')).toMatch(/growth limit/)
    expect(parseSizeLimit(Number.NaN)).toMatch(/got NaN/)
    expect(parseSizeLimit(true)).toMatch(/got true/)
    expect(parseGrowthLimit('-10%')).toBeTypeOf('string')
    expect(parseGrowthLimit('ten percent')).toMatch(/expected a growth like/)
  })

  it('prints sizes as people read them and rounds suggested limits up', () => {
    expect(formatBytes(212_400)).toBe('212.4 kB')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(1_500_000)).toBe('1.50 MB')
    expect(formatLimit(22_900 * 1.1)).toBe('25.2 kB')
    expect(formatLimit(123_456)).toBe('124 kB')
    const limit = parseSizeLimit(formatLimit(54_321)) as { value: number }
    expect(limit.value).toBeGreaterThanOrEqual(54_321)
  })
})

describe('budget validation', () => {
  it('collects every mistake with its config path', () => {
    const { problems, budgets } = validateBudgets([
      { kind: 'intial', limit: '10 kB' },
      { kind: 'initial', limit: '12 kbs' },
      { kind: 'total', limit: -5 },
      { kind: 'chunk', match: 'vendor*', limt: '5 kB' },
      { kind: 'package', limit: '5 kB' },
      { kind: 'initial' },
      { kind: 'initial', warn: '20 kB', error: '10 kB' },
      { kind: 'growth', limit: '10%', warn: '+5 kB' },
      { kind: 'count', of: 'modules', limit: '10 kB' },
      { kind: 'initial', metric: 'zstd', limit: '1 kB' },
      { kind: 'initial', limit: '1 kB', error: '2 kB' },
      'initial < 10 kB',
      { kind: 'initial', limit: '100 kB' },
    ])
    expect(problems).toEqual([
      `budgets[0].kind: got 'intial', expected one of 'initial', 'total', 'chunk', 'output', 'asset', 'package', 'count', 'growth'; did you mean 'initial'?`,
      `budgets[1].limit: got '12 kbs', expected a size like '170 kB', '1.5 MB', '64 KiB' or a number of bytes (kB = 1,000 bytes, KiB = 1,024)`,
      `budgets[2].limit: got -5, expected a size like '170 kB', '1.5 MB', '64 KiB' or a number of bytes (not negative)`,
      `budgets[3].limt: unknown option for kind 'chunk'; did you mean 'limit'?`,
      expect.stringMatching(/^budgets\[3\]: no limit/),
      `budgets[4].package: missing; kind 'package' needs a package name or glob like 'lodash' or '@mui/*'`,
      expect.stringMatching(/^budgets\[5\]: no limit; set limit \(fails the build\) and\/or warn/),
      `budgets[6].warn: '20 kB' is above the error limit '10 kB'; the warn limit should be the lower one`,
      `budgets[7].warn: '+5 kB' and error '10%' use different units; use both sizes or both percentages`,
      `budgets[8].limit: got '10 kB', expected a whole number like 40`,
      `budgets[9].metric: got 'zstd', expected 'raw', 'gzip' or 'brotli'`,
      expect.stringMatching(/^budgets\[10\]\.limit: set either limit or error/),
      `budgets[11]: got 'initial < 10 kB', expected a budget object like { kind: 'initial', limit: '170 kB' }`,
    ])
    expect(budgets.map(budget => budget.path)).toEqual(['budgets[12]'])
    expect(validateBudgets({ kind: 'initial' }).problems[0]).toMatch(/^budgets: got an object, expected an array/)
  })
})

describe('budget checks on a hand-made report', () => {
  const report = makeReport(makeAppBuild())
  const initialFiles = report.entries[0]!.initialLoad.files
  const initialGzip = sumGzip(report, initialFiles)
  const jsFiles = report.outputs.filter(output => output.kind === 'js').map(output => output.file)

  it('passes, warns and fails on the initial load, with numbers from the outputs', () => {
    expect(initialGzip).toBe(4_650 + 17_050 + 1_200)
    const { results, warnings } = check(report, [
      { kind: 'initial', limit: '30 kB' },
      { kind: 'initial', entry: 'index.html', warn: '20 kB', error: '30 kB' },
      { kind: 'initial', entry: '*.html', type: 'js', limit: '20 kB', name: 'Landing' },
    ])
    expect(warnings).toEqual([])
    expect(results.map(result => [result.path, result.level, result.actual])).toEqual([
      ['budgets[0]', 'pass', initialGzip],
      ['budgets[1]', 'warn', initialGzip],
      ['budgets[2]', 'error', initialGzip - 1_200],
    ])
    const failed = results[2]!
    expect(failed.label).toBe('Landing: initial JS of index.html (gzip)')
    expect(failed.errorLimit).toBe(20_000)
    expect(failed.message.split('\n')[0]).toBe(`budgets[2] Landing: initial JS of index.html (gzip): 21.7 kB > error limit 20 kB (1.7 kB over).`)
    // Largest: react (both modules, 16 kB), then src/app.ts, src/main.ts, lodash-es, glue of index.
    expect(failed.contributors.map(contributor => [contributor.kind, contributor.id, contributor.bytes])).toEqual([
      ['package', 'react', 16_000],
      ['module', 'src/app.ts', 3_000],
      ['module', 'src/main.ts', 1_500],
      ['package', 'lodash-es', 1_000],
      ['chunk', 'dist/assets/index-AbC12345.js', 150],
    ])
    expect(failed.message).toContain('Largest: react 16.0 kB, src/app.ts 3.0 kB, src/main.ts 1.5 kB, lodash-es 1.0 kB')
    expect(failed.message).toMatch(/Fix: load heavy code later with import\(\)/)
    expect(results[1]!.message).toContain('> warn limit 20 kB (2.9 kB over; fails at 30 kB)')
  })

  it('checks totals, chunks, outputs, assets, packages and counts', () => {
    const { results, warnings } = check(report, [
      { kind: 'total', limit: '80 kB' },
      { kind: 'total', type: 'css', metric: 'raw', limit: 5_000 },
      { kind: 'chunk', match: 'vendor', limit: '17 kB' },
      { kind: 'chunk', match: 'assets/*.js', each: false, limit: '100 kB' },
      { kind: 'asset', limit: '40 kB', metric: 'raw' },
      { kind: 'package', package: 'react', limit: '20 kB' },
      { kind: 'package', package: 'chart.*', metric: 'brotli', limit: '50 kB' },
      { kind: 'count', of: 'chunks', limit: 3 },
      { kind: 'count', of: 'packages', warn: 5 },
      { kind: 'output', match: '*.map', metric: 'raw', limit: '100 kB' },
    ])
    expect(warnings).toEqual([])
    const byPath = (path: string) => results.filter(result => result.path === path)
    expect(byPath('budgets[0]')[0]).toMatchObject({ level: 'error', actual: sumGzip(report, jsFiles) })
    expect(byPath('budgets[1]')[0]).toMatchObject({ level: 'pass', actual: 5_000 })
    expect(byPath('budgets[2]')[0]).toMatchObject({ level: 'error', actual: 17_050, label: 'chunk vendor (dist/assets/vendor-XyZ98765.js) (gzip)' })
    expect(byPath('budgets[3]')[0]).toMatchObject({ level: 'pass', actual: sumGzip(report, jsFiles) })
    // Each asset on its own: the 48 kB logo fails, the 24 kB font passes.
    expect(byPath('budgets[4]').map(result => [result.label, result.level])).toEqual([
      ['asset dist/assets/inter-Fnt33333.woff2 (raw)', 'pass'],
      ['asset dist/assets/logo-Img22222.png (raw)', 'error'],
    ])
    expect(byPath('budgets[4]')[1]!.message).toMatch(/Fix: compress or resize the image/)
    expect(byPath('budgets[5]')[0]).toMatchObject({ level: 'pass', actual: 16_000 })
    const chart = byPath('budgets[6]')[0]!
    expect(chart).toMatchObject({ level: 'error', actual: Math.round(60_000 * 0.9), label: 'package chart.js (brotli)' })
    expect(chart.contributors).toEqual([{ kind: 'module', id: 'node_modules/chart.js/dist/chart.js', bytes: 54_000, deltaBytes: null }])
    expect(chart.message).toMatch(/Fix: import only what you use/)
    expect(byPath('budgets[7]')[0]).toMatchObject({ level: 'error', actual: 4, metric: 'count' })
    expect(byPath('budgets[8]')[0]).toMatchObject({ level: 'pass', actual: 3 })
    expect(byPath('budgets[9]')[0]).toMatchObject({ level: 'pass', actual: 90_000 })
  })

  it('warns about globs that match nothing, naming them and what exists', () => {
    const { results, warnings } = check(report, [
      { kind: 'chunk', match: 'vendors', limit: '1 kB' },
      { kind: 'initial', entry: 'admin.html', limit: '1 kB' },
      { kind: 'package', package: 'moment', limit: '1 kB' },
      { kind: 'asset', match: '*.svg', limit: '1 kB' },
    ])
    expect(results).toEqual([])
    expect(warnings).toEqual([
      `budgets[0]: chunk glob 'vendors' matches nothing in this build, so the budget checks nothing; available: 'chart', 'index', 'index', 'vendor'`,
      `budgets[1]: entry 'admin.html' matches nothing in this build, so the budget checks nothing; available: 'index.html'`,
      `budgets[2]: package 'moment' matches nothing in this build, so the budget checks nothing; available: 'chart.js', 'lodash-es', 'react'`,
      `budgets[3]: asset glob '*.svg' matches nothing in this build, so the budget checks nothing; available: 'dist/assets/inter-Fnt33333.woff2', 'dist/assets/logo-Img22222.png'`,
    ])
  })

  it('fails a budget on a metric the report did not measure instead of passing it', () => {
    const raw = makeReport(makeAppBuild())
    for (const output of raw.outputs)
      output.gzipBytes = null
    const { results } = check(raw, [{ kind: 'total', limit: '1 MB' }])
    expect(results[0]).toMatchObject({ level: 'error' })
    expect(results[0]!.message).toMatch(/cannot be checked, the report has no gzip sizes.*metric: 'raw'/)
  })
})

describe('growth budgets and deltas against a baseline', () => {
  const baseline = makeReport(makeAppBuild())
  // The new build: app.ts grew by 2 kB gzip, a new package came in, chart grew by 6 kB.
  const grown = makeAppBuild({ chartGzip: 66_000, extraMainModules: [{ id: 'node_modules/date-fns/index.js', pkg: 'date-fns', raw: 9_000, gzip: 4_000 }] })
  grown.chunks[0]!.modules[1]!.gzip = 5_000
  grown.chunks[0]!.file = 'dist/assets/index-NewHash1.js'
  grown.entries![0]!.files[0] = 'dist/assets/index-NewHash1.js'
  const report = makeReport(grown)
  const growth = (4_000 + 2_000) + 6_000

  it('compares totals in bytes and percent, and names what grew', () => {
    const beforeTotal = baseline.outputs.filter(output => output.kind !== 'map').reduce((sum, output) => sum + output.gzipBytes!, 0)
    const { results, warnings } = check(report, [
      { kind: 'growth', limit: '+10 kB' },
      { kind: 'growth', warn: '5%', error: '50%' },
      { kind: 'growth', of: 'initial', limit: '+5 kB' },
      { kind: 'growth', of: 'package', package: 'react', limit: '+1 B' },
      { kind: 'growth', of: 'chunk', match: 'chart', limit: '20%' },
    ], baseline)
    expect(warnings).toEqual([])
    expect(results[0]).toMatchObject({ level: 'error', actual: growth, unit: 'bytes' })
    expect(results[0]!.message.split('\n')[1]).toBe('Grew the most: chart.js 66.0 kB (+6.0 kB since baseline), date-fns 4.0 kB (new since baseline), src/app.ts 5.0 kB (+2.0 kB since baseline).')
    expect(results[1]).toMatchObject({ level: 'warn', unit: 'percent' })
    expect(results[1]!.actual).toBeCloseTo((growth / beforeTotal) * 100, 10)
    // The entry chunk got a new hash: the entry is matched by name, the chunk inside by name too.
    expect(results[2]).toMatchObject({ level: 'error', actual: 4_000 + 2_000, label: 'growth of initial load of index.html (gzip)' })
    expect(results[3]).toMatchObject({ level: 'pass', actual: 0 })
    // chart chunk: 60,000 + 800 gzip before, +6,000 now.
    expect(results[4]).toMatchObject({ level: 'pass', actual: (6_000 / 60_800) * 100 })
  })

  it('adds growth since baseline to the contributors of size budgets', () => {
    const { results } = check(report, [{ kind: 'initial', limit: '20 kB' }], baseline)
    expect(results[0]!.contributors.find(contributor => contributor.id === 'src/app.ts')).toEqual({ kind: 'module', id: 'src/app.ts', bytes: 5_000, deltaBytes: 2_000 })
    expect(results[0]!.contributors.find(contributor => contributor.id === 'date-fns')?.deltaBytes).toBe(4_000)
    expect(results[0]!.message).toContain('src/app.ts 5.0 kB (+2.0 kB since baseline)')
  })

  it('warns when growth budgets have no baseline to compare with', () => {
    const { results, warnings } = check(report, [{ kind: 'growth', limit: '10%' }])
    expect(results).toEqual([])
    expect(warnings[0]).toMatch(/^budgets\[0\] \(growth\) was not checked: there is no baseline/)
  })
})

describe('budgets suggest', () => {
  it('suggests limits at today\'s sizes plus headroom that pass today and read back', () => {
    const report = makeReport(makeAppBuild())
    const suggestions = suggestBudgets(report, { headroomPercent: 10 })
    expect(suggestions.map(suggestion => suggestion.budget.kind)).toEqual(['initial', 'total', 'total', 'chunk', 'asset'])
    expect(suggestions[0]).toMatchObject({ currentBytes: 22_900, budget: { entry: 'index.html', limit: formatLimit(22_900 * 1.1) } })
    const { problems, budgets } = validateBudgets(suggestions.map(suggestion => suggestion.budget))
    expect(problems).toEqual([])
    const { results } = checkBudgets(report, budgets)
    expect(results.every(result => result.level === 'pass')).toBe(true)
    for (const [i, suggestion] of suggestions.entries()) {
      expect(budgets[i]!.error!.value).toBeGreaterThanOrEqual(Math.floor(suggestion.currentBytes * 1.1))
      expect(budgets[i]!.error!.value).toBeLessThan(suggestion.currentBytes * 1.12)
    }
    const snippet = renderBudgetSnippet(suggestions, { headroomPercent: 10 })
    expect(snippet).toContain(`{ kind: 'initial', entry: 'index.html', limit: '25.2 kB' }, // today 22.9 kB gzip`)
    expect(JSON.parse(renderBudgetSnippet(suggestions, { format: 'json' })).budgets).toHaveLength(5)
  })
})
