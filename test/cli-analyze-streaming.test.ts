/**
 * The memory-saving paths of `weighbridge analyze` against the plain ones (the independent source):
 * the stats filter's shadowed keys (a reason's `resolvedModuleIdentifier` next to a string
 * `moduleIdentifier`) against JSON.parse and a model of the rule, and a report from the filtered
 * stats against one from JSON.parse of the whole file; report.json written in pieces against
 * `serializeReport`, byte for byte, on reports of a real webpack build.
 */
import { Buffer } from 'node:buffer'
import fs from 'node:fs'
import path from 'node:path'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { serializeReport, serializeReportParts } from '@weighbridge/core'
import { runCli } from '../packages/weighbridge/src/cli'
import { analyzeInput } from '../packages/weighbridge/src/cli/analyze'
import { JsonKeyFilter, readJsonFile, SHADOWED_STATS_KEYS, UNUSED_STATS_KEYS } from '../packages/weighbridge/src/importers/read-json'
import { buildWebpackStatsFixture } from './webpack-stats-fixture'

const fixture = path.resolve(__dirname, 'fixtures/conformance')
const tmp = path.resolve(__dirname, `.tmp/cli-analyze-streaming-${process.pid}-${Date.now()}`)
const webpackDist = path.join(tmp, 'webpack-dist')
const statsFile = path.join(tmp, 'stats.json')

beforeAll(async () => {
  fs.mkdirSync(tmp, { recursive: true })
  await buildWebpackStatsFixture(fixture, webpackDist, statsFile)
}, 120_000)

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

describe('shadowed stats keys', () => {
  it('drops a key only after its shadowing key with a string value in the same object, whatever the chunking', () => {
    const drop = new Set(['loc'])
    const shadowed = new Map([['b', 'a']])
    // The rule, on parsed values: members in order; `b` goes when an earlier `a` of its object is a string.
    const keep = (value: unknown, parentKey: string | null): unknown => {
      if (Array.isArray(value))
        return value.map(item => keep(item, null))
      if (value === null || typeof value !== 'object')
        return value
      const userKeyed = parentKey === 'entrypoints'
      const kept: [string, unknown][] = []
      let stringA = false
      for (const [key, item] of Object.entries(value)) {
        if (!userKeyed && (drop.has(key) || (key === 'b' && stringA)))
          continue
        if (key === 'a' && typeof item === 'string')
          stringA = true
        kept.push([key, keep(item, key)])
      }
      return Object.fromEntries(kept)
    }
    const key = fc.constantFrom('a', 'b', 'loc', 'c', 'entrypoints', 'ab', 'ba')
    const { object } = fc.letrec(tie => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string({ maxLength: 6 }), fc.integer(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 6 }),
    }))
    fc.assert(fc.property(object, fc.integer({ min: 1, max: 9 }), fc.boolean(), (value, chunkBytes, pretty) => {
      const bytes = Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined))
      const filter = new JsonKeyFilter(drop, shadowed)
      for (let start = 0; start < bytes.length; start += chunkBytes)
        filter.write(bytes.subarray(start, start + chunkBytes))
      expect(filter.isComplete()).toBe(true)
      expect(JSON.parse(filter.end())).toEqual(keep(value, null))
    }), { numRuns: 1000, seed: 7 })
  })

  it('drops the resolvedModuleIdentifier of real webpack reasons and nothing a report needs', async () => {
    const whole = JSON.parse(fs.readFileSync(statsFile, 'utf8'))
    const reasons = (whole.modules as { reasons?: { moduleIdentifier?: unknown, resolvedModuleIdentifier?: unknown }[], modules?: unknown[] }[])
      .flatMap(m => [m, ...(m.modules ?? []) as typeof m[]]).flatMap(m => m.reasons ?? [])
    expect(reasons.filter(r => typeof r.moduleIdentifier === 'string' && typeof r.resolvedModuleIdentifier === 'string').length).toBeGreaterThan(5)
    const filtered = await readJsonFile(statsFile, { expected: 'stats', streamAboveBytes: 0, dropKeys: UNUSED_STATS_KEYS, shadowedKeys: SHADOWED_STATS_KEYS }) as typeof whole
    const filteredReasons = (filtered.modules as typeof whole.modules).flatMap((m: { modules?: unknown[] }) => [m, ...(m.modules ?? [])]).flatMap((m: { reasons?: object[] }) => m.reasons ?? [])
    expect(filteredReasons.length).toBe(reasons.length)
    expect(filteredReasons.every((r: { moduleIdentifier?: unknown, resolvedModuleIdentifier?: unknown }) => typeof r.moduleIdentifier !== 'string' || r.resolvedModuleIdentifier === undefined)).toBe(true)

    // The same report from the filtered stream and from JSON.parse of the whole file.
    const options = { root: fixture, dist: webpackDist, gzip: 9 as const, brotli: false as const }
    const streamed = await analyzeInput(statsFile, { ...options, streamAboveBytes: 0 })
    const parsed = await analyzeInput(statsFile, { ...options, streamAboveBytes: Number.POSITIVE_INFINITY })
    expect(streamed.report.modules.length).toBeGreaterThan(5)
    expect(streamed.report.modules.some(m => m.importers.length > 0)).toBe(true)
    expect(serializeReport(streamed.report)).toBe(serializeReport(parsed.report))
  })
})

describe('report.json in pieces', () => {
  it('writes the bytes serializeReport gives, for stats and dist reports', async () => {
    for (const input of [statsFile, webpackDist]) {
      const { report } = await analyzeInput(input, { root: fixture, dist: webpackDist, brotli: false })
      const pieces = [...serializeReportParts(report)]
      expect(pieces.length).toBeGreaterThan(report.modules.length)
      expect(pieces.join('')).toBe(serializeReport(report))
    }
  })

  it('agrees on edge shapes: empty arrays, empty report members, nested arrays', () => {
    const { report } = { report: JSON.parse(serializeReport({
      schemaVersion: 1,
      generator: { name: 'weighbridge', version: '0' },
      bundler: { name: 'unknown', version: null },
      compression: { gzipLevel: null, brotliQuality: null },
      outputs: [],
      chunks: [],
      modules: [],
      packages: [],
      entries: [],
      findings: [],
      budgets: [],
      diff: null,
      runtime: null,
    } as never)) }
    expect([...serializeReportParts(report)].join('')).toBe(serializeReport(report))
  })

  it('the CLI file equals --json on stdout', async () => {
    const out = path.join(tmp, 'cli-report.json')
    let stdout = ''
    const io = { stdout: { write: (text: string) => { stdout += text } }, stderr: { write: () => {} }, cwd: fixture, colors: false }
    expect(await runCli(['analyze', statsFile, '--dist', webpackDist, '--brotli', 'false', '--no-html', '--out', out], io)).toBe(0)
    const written = fs.readFileSync(out, 'utf8')
    stdout = ''
    expect(await runCli(['analyze', statsFile, '--dist', webpackDist, '--brotli', 'false', '--json'], io)).toBe(0)
    expect(written).toBe(stdout)
    expect(JSON.parse(written).modules.length).toBeGreaterThan(5)
  })
})
