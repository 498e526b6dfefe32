/**
 * `weighbridge analyze` on real artefacts: a webpack stats.json (+ its dist), an esbuild metafile, a
 * saved report.json; bad inputs give one line, exit code 2 and no file; fuzzed inputs never throw
 * anything but our InputError; large stats stream; the real binary runs as a child process.
 */
import { Buffer } from 'node:buffer'
import { execFile } from 'node:child_process'
import fs from 'node:fs'
import path from 'node:path'
import { promisify } from 'node:util'
import { encode } from '@jridgewell/sourcemap-codec'
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import type { Report } from '@weighbridge/core'
import { runCli } from '../packages/weighbridge/src/cli'
import { analyzeInput } from '../packages/weighbridge/src/cli/analyze'
import { InputError } from '../packages/weighbridge/src/importers/input-error'
import { JsonKeyFilter, readJsonFile, UNUSED_STATS_KEYS } from '../packages/weighbridge/src/importers/read-json'
import { readSourceMapOf, toModuleRanges } from '../packages/weighbridge/src/importers/source-map'
import { attributeChunkBytes } from '../packages/core/src/attribute-bytes'
import { buildWebpackStatsFixture } from './webpack-stats-fixture'

const repo = path.resolve(__dirname, '..')
const fixture = path.resolve(__dirname, 'fixtures/conformance')
const tmp = path.resolve(__dirname, `.tmp/cli-analyze-${process.pid}-${Date.now()}`)
const webpackDist = path.join(tmp, 'webpack-dist')
const statsFile = path.join(tmp, 'stats.json')
const esbuildDist = path.join(tmp, 'esbuild-dist')
const metafileFile = path.join(tmp, 'meta.json')

async function run(args: string[]): Promise<{ code: number, stdout: string, stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(args, { stdout: { write: (t: string) => { stdout += t } }, stderr: { write: (t: string) => { stderr += t } }, cwd: fixture, colors: false })
  return { code, stdout, stderr }
}

beforeAll(async () => {
  fs.mkdirSync(tmp, { recursive: true })
  await buildWebpackStatsFixture(fixture, webpackDist, statsFile)

  const esbuild = await import('esbuild')
  const result = await esbuild.build({
    absWorkingDir: fixture,
    entryPoints: ['src/main.js', 'src/admin.js'],
    bundle: true,
    splitting: true,
    format: 'esm',
    minify: true,
    sourcemap: true,
    metafile: true,
    outdir: esbuildDist,
    loader: { '.png': 'file' },
    logLevel: 'silent',
  })
  fs.writeFileSync(metafileFile, JSON.stringify(result.metafile))
}, 120_000)

describe('analyze on good inputs', () => {
  it('reads a webpack stats.json with its dist and writes report.json', async () => {
    const out = path.join(tmp, 'out/stats-report.json')
    const { code, stdout, stderr } = await run(['analyze', statsFile, '--out', out])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    expect(stdout).toContain('Initial load')
    expect(stdout).toMatch(/Attributed: .* method: sourcemap/)
    const report = JSON.parse(fs.readFileSync(out, 'utf8')) as Report
    expect(report.bundler.name).toBe('webpack')
    // The HTML report goes next to it, as the plugin writes it, and the summary says where.
    const html = fs.readFileSync(out.replace(/\.json$/, '.html'), 'utf8')
    expect(html).toMatch(/^<!doctype html>/i)
    expect(html).toContain('id="weighbridge-data"')
    expect(stdout).toContain(`open ${path.relative(fixture, out.replace(/\.json$/, '.html'))}`)
    for (const output of report.outputs)
      expect(output.rawBytes).toBe(fs.statSync(path.resolve(fixture, output.file)).size)
    expect(report.entries.map(e => e.name)).toEqual(['admin', 'main'])
    expect(report.packages.map(p => `${p.name}@${p.version}`)).toEqual(['lodash@4.18.1'])
    const main = report.modules.find(m => m.id === 'src/main.js')!
    expect(main.isEntry).toBe(true)
    expect(main.imports).toContainEqual({ id: 'src/lazy-chart.js', kind: 'dynamic' })
  })

  it('reads an esbuild metafile: module bytes are esbuild\'s bytesInOutput', async () => {
    const { code, stdout, stderr } = await run(['analyze', metafileFile, '--json', '--gzip', '6', '--brotli', 'false'])
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const report = JSON.parse(stdout) as Report
    expect(report.compression).toEqual({ gzipLevel: 6, brotliQuality: null })
    const metafile = JSON.parse(fs.readFileSync(metafileFile, 'utf8'))
    for (const chunk of report.chunks) {
      // esbuild's runtime chunk (__commonJS helpers) has no inputs: all of it is glue.
      expect(chunk.modules.length === 0 ? chunk.glue.rawBytes : chunk.attribution).toBe(chunk.modules.length === 0 ? report.outputs.find(o => o.file === chunk.file)!.rawBytes : 'bundler')
      const output = metafile.outputs[path.relative(fixture, path.resolve(fixture, chunk.file))]
      for (const m of chunk.modules)
        expect(m.rawBytes).toBe(output.inputs[m.id].bytesInOutput)
    }
    expect(report.entries.map(e => e.name)).toEqual(['admin', 'main'])
    expect(fs.existsSync(path.join(fixture, '.weighbridge'))).toBe(false) // --json without --out writes nothing
  })

  it('reads a saved report.json back unchanged', async () => {
    const saved = path.join(tmp, 'out/stats-report.json')
    const { code, stdout } = await run(['analyze', saved, '--json'])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toEqual(JSON.parse(fs.readFileSync(saved, 'utf8')))
  })

  it('documents the exit codes in --help of every command', async () => {
    for (const args of [['--help'], ['analyze', '--help']]) {
      const { code, stdout } = await run(args)
      expect(code).toBe(0)
      expect(stdout).toContain('Exit codes:')
      expect(stdout).toContain('2  bad input')
    }
  })
})

describe('analyze on bad inputs: one line, exit 2, nothing written', () => {
  const bad = path.join(tmp, 'bad')
  const cases: [string, () => string, RegExp][] = [
    ['truncated stats', () => write('truncated.json', fs.readFileSync(statsFile, 'utf8').slice(0, 3000)), /truncated\.json: the JSON ends early/],
    ['not JSON', () => write('garbage.json', '{ this is not json'), /garbage\.json: not valid JSON/],
    ['stats without modules', () => write('normal.json', JSON.stringify({ version: '5.112.2', hash: 'x', assets: [{ name: 'main.js', size: 1 }] })), /normal\.json: the stats have no "chunks" or "modules".*chunkModules: true/],
    ['unknown metafile shape', () => write('meta-bad.json', JSON.stringify({ inputs: {}, outputs: { 'out.js': { bytes: 'x' } } })), /meta-bad\.json: not an esbuild metafile \(output "out\.js" lacks/],
    ['unknown JSON', () => write('other.json', JSON.stringify({ name: 'x', dependencies: {} })), /other\.json: unknown JSON shape.*--kind/],
    ['a folder without JavaScript', () => { fs.mkdirSync(path.join(bad, 'empty-dist'), { recursive: true }); fs.writeFileSync(path.join(bad, 'empty-dist/index.html'), '<p>'); return path.join(bad, 'empty-dist') }, /empty-dist: no JavaScript files/],
    ['a missing map', () => copyDist('missing-map', (dir, js) => fs.appendFileSync(path.join(dir, js), '\n//# sourceMappingURL=gone.js.map')), /sourceMappingURL points at gone\.js\.map, but .* does not exist/],
    ['a map pointing past the end of the file', () => copyDist('past-end', (dir, js) => {
      const mapFile = path.join(dir, `${js}.map`)
      const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'))
      map.mappings = `${map.mappings};;;;AAAA`
      fs.writeFileSync(mapFile, JSON.stringify(map))
    }), /mappings reach line \d+ but .* has \d+ lines/],
    ['a map pointing past the end of its sources', () => copyDist('past-sources', (dir, js) => {
      const mapFile = path.join(dir, `${js}.map`)
      const map = JSON.parse(fs.readFileSync(mapFile, 'utf8'))
      map.sources = map.sources.slice(0, 1)
      map.sourcesContent = map.sourcesContent?.slice(0, 1)
      fs.writeFileSync(mapFile, JSON.stringify(map))
    }), /points at source #\d+, but the map lists 1 sources/],
  ]

  function write(name: string, text: string): string {
    fs.mkdirSync(bad, { recursive: true })
    fs.writeFileSync(path.join(bad, name), text)
    return path.join(bad, name)
  }

  function copyDist(name: string, damage: (dir: string, jsFile: string) => void): string {
    const dir = path.join(bad, name)
    fs.cpSync(webpackDist, dir, { recursive: true })
    const js = fs.readdirSync(dir).find(f => f.startsWith('main.') && f.endsWith('.js'))!
    damage(dir, js)
    return dir
  }

  it.each(cases)('%s', async (_name, make, message) => {
    const input = make()
    const out = path.join(bad, `${path.basename(input)}.report.json`)
    const { code, stdout, stderr } = await run(['analyze', input, '--out', out])
    expect(code).toBe(2)
    expect(stdout).toBe('')
    expect(stderr.trim().split('\n')).toHaveLength(1)
    expect(stderr).toMatch(message)
    expect(stderr).not.toMatch(/\n\s+at /)
    expect(fs.existsSync(out)).toBe(false)
  })

  it('rejects an unknown --kind and a bad --gzip as usage errors', async () => {
    expect((await run(['analyze', statsFile, '--kind', 'zip'])).stderr).toMatch(/--kind must be one of dist, stats, metafile, report; received "zip"/)
    expect((await run(['analyze', statsFile, '--gzip', '12'])).code).toBe(2)
    expect((await run(['frobnicate'])).code).toBe(2)
  })
})

describe('fuzzed inputs', () => {
  const fuzzDir = path.join(tmp, 'fuzz')
  const check = async (source: string, kind: 'stats' | 'metafile', text: string, index: number) => {
    const file = path.join(fuzzDir, `${kind}-${index}.json`)
    fs.writeFileSync(file, text)
    try {
      await analyzeInput(file, { root: fixture, kind, gzip: false, brotli: false, ...(kind === 'stats' ? { dist: webpackDist } : {}) })
    }
    catch (error) {
      if (!(error instanceof InputError))
        throw new Error(`${kind} fuzz case ${index} (from ${source}) threw ${(error as Error).stack}`)
    }
  }

  it('never throws anything but InputError on truncated or corrupted stats and metafiles', async () => {
    fs.mkdirSync(fuzzDir, { recursive: true })
    const inputs = { stats: fs.readFileSync(statsFile, 'utf8'), metafile: fs.readFileSync(metafileFile, 'utf8') }
    let index = 0
    const corruption = fc.record({
      kind: fc.constantFrom('stats' as const, 'metafile' as const),
      cut: fc.double({ min: 0, max: 1, noNaN: true }),
      edits: fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom('"', '{', '}', '[', ']', ',', '0', 'null', '-1', 'x', '', '"a":1', '1e999')), { maxLength: 4 }),
      truncate: fc.boolean(),
    })
    await fc.assert(fc.asyncProperty(corruption, async ({ kind, cut, edits, truncate }) => {
      let text = inputs[kind]
      for (const [at, replacement] of edits) {
        const position = Math.floor(at * text.length)
        text = text.slice(0, position) + replacement + text.slice(position + 1)
      }
      if (truncate)
        text = text.slice(0, Math.floor(cut * text.length))
      await check(kind, kind, text, index++)
    }), { numRuns: 60, seed: 4242 })
  }, 60_000)
})

describe('fuzzed dist folders and source maps', () => {
  const fuzzDist = path.join(tmp, 'fuzz-dist')
  // Real inputs: esbuild's dist (ESM, sourceMappingURL comments) and webpack's (hidden maps beside the files).
  const targets = () => [esbuildDist, webpackDist].flatMap(dir => fs.readdirSync(dir).filter(f => f.endsWith('.js') && fs.existsSync(path.join(dir, `${f}.map`))).map(f => ({ dir, js: f })))
  const piece = fc.constantFrom('"', '{', '}', '[', ']', ',', ';', 'A', '/', '+', 'z', '9', '\\', '\n', '', 'null', '-1', '"sources":[]', '"mappings":1', '//# sourceMappingURL=data:application/json;base64,e30=', '\u2028', '\uD800', 'é')

  it('never throws anything but InputError on truncated or corrupted JS files and maps', async () => {
    const cases = targets()
    expect(cases.length).toBeGreaterThanOrEqual(4)
    let outcomes = { ok: 0, inputError: 0 }
    await fc.assert(fc.asyncProperty(
      fc.nat({ max: cases.length - 1 }),
      fc.constantFrom('js' as const, 'map' as const),
      fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), piece), { maxLength: 5 }),
      fc.option(fc.double({ min: 0, max: 1, noNaN: true }), { nil: null }),
      async (caseIndex, which, edits, cut) => {
        const { dir, js } = cases[caseIndex]!
        fs.rmSync(fuzzDist, { recursive: true, force: true })
        fs.cpSync(dir, fuzzDist, { recursive: true })
        const file = path.join(fuzzDist, which === 'js' ? js : `${js}.map`)
        let text = fs.readFileSync(file, 'utf8')
        for (const [at, replacement] of edits) {
          const position = Math.floor(at * text.length)
          text = text.slice(0, position) + replacement + text.slice(position + 1)
        }
        if (cut !== null)
          text = text.slice(0, Math.floor(cut * text.length))
        fs.writeFileSync(file, text)
        try {
          await analyzeInput(fuzzDist, { root: fixture, kind: 'dist', gzip: false, brotli: false })
          outcomes.ok++
        }
        catch (error) {
          if (!(error instanceof InputError))
            throw new Error(`${which} of ${js} (edits ${JSON.stringify(edits)}, cut ${cut}) threw ${(error as Error).stack}`)
          expect((error as Error).message).not.toContain('\n')
          outcomes.inputError++
        }
      },
    ), { numRuns: 80, seed: 2024 })
    // Both outcomes occur: the property is not passing because everything is rejected (or accepted).
    expect(outcomes.ok).toBeGreaterThan(0)
    expect(outcomes.inputError).toBeGreaterThan(0)
  }, 120_000)

  it('rejects random "mappings" with InputError only, and accepts every valid one', () => {
    const { dir, js } = targets()[0]!
    const code = fs.readFileSync(path.join(dir, js), 'utf8')
    const base = JSON.parse(fs.readFileSync(path.join(dir, `${js}.map`), 'utf8'))
    fc.assert(fc.property(fc.string({ unit: fc.constantFrom(...'ABCDEFGHgfedcba0123456789+/,;;;!*=-'.split('')), maxLength: 80 }), (mappings) => {
      try {
        readSourceMapOf(JSON.stringify({ ...base, mappings }), 'fuzz.map', code, Buffer.byteLength(code), js, fixture)
      }
      catch (error) {
        if (!(error instanceof InputError))
          throw error
      }
    }), { numRuns: 400, seed: 7 })
    // Valid segments inside the file always pass: columns in the first line, existing sources and lines.
    const firstLine = code.split('\n')[0]!.length
    const segment = fc.tuple(fc.nat({ max: firstLine }), fc.nat({ max: base.sources.length - 1 }))
    fc.assert(fc.property(fc.array(segment, { minLength: 1, maxLength: 20 }), (segments) => {
      const decoded = [segments.map(([column, source]) => [column, source, 0, 0] as [number, number, number, number])]
      const scan = readSourceMapOf(JSON.stringify({ ...base, mappings: encode(decoded) }), 'fuzz.map', code, Buffer.byteLength(code), js, fixture).scan
      expect(scan.segments.every(range => range.start < range.end && range.end <= Buffer.byteLength(code))).toBe(true)
    }), { numRuns: 100, seed: 8 })
  })

  it('attributes through a map exactly as the core does (one pass, no object per mapping)', () => {
    for (const { dir, js } of targets()) {
      const bytes = fs.readFileSync(path.join(dir, js))
      const code = bytes.toString('utf8')
      const { map, sources, scan } = readSourceMapOf(fs.readFileSync(path.join(dir, `${js}.map`), 'utf8'), `${js}.map`, code, bytes.length, js, fixture, path.join(dir, `${js}.map`))
      const ids = [...new Set(sources.filter((id, index): id is string => id !== null && scan.usedSources[index] === 1))]
      const ours = toModuleRanges(scan, sources.map(id => (id === null ? -1 : ids.indexOf(id))))
      if (ids.length === 0) {
        expect(ours).toEqual([]) // a runtime-only file: nothing maps to a module
        continue
      }
      const core = attributeChunkBytes({ fileName: path.join(dir, js), bytes, text: code, modules: ids.map(id => ({ id })), map })
      expect(core.method).toBe('sourcemap')
      expect(ours).toEqual(core.segments)
    }
  })

  it('keeps every byte of a JSON document but the dropped members, whatever the chunking', () => {
    const drop = new Set(['source', 'hash', 'loc'])
    const keep = (value: unknown, parentKey: string | null): unknown => {
      if (Array.isArray(value))
        return value.map(item => keep(item, null))
      if (value === null || typeof value !== 'object')
        return value
      return Object.fromEntries(Object.entries(value).filter(([key]) => !drop.has(key) || parentKey === 'entrypoints').map(([key, item]) => [key, keep(item, key)]))
    }
    const key = fc.constantFrom('source', 'hash', 'loc', 'a', 'entrypoints', 'x\\"y', 'sour"ce')
    const { object } = fc.letrec(tie => ({
      value: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.dictionary(key, tie('value'), { maxKeys: 5 }),
    }))
    fc.assert(fc.property(object, fc.integer({ min: 1, max: 9 }), fc.boolean(), (value, chunkBytes, pretty) => {
      const bytes = Buffer.from(JSON.stringify(value, null, pretty ? 2 : undefined))
      const filter = new JsonKeyFilter(drop)
      for (let start = 0; start < bytes.length; start += chunkBytes)
        filter.write(bytes.subarray(start, start + chunkBytes))
      expect(filter.isComplete()).toBe(true)
      expect(JSON.parse(filter.end())).toEqual(keep(value, null))
    }), { numRuns: 500, seed: 11 })
  })
})

describe('large inputs', () => {
  it('streams a stats file instead of reading it into one string', async () => {
    // ~40 MB of module `source` (what `stats: { source: true }` adds): dropped while streaming.
    const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8'))
    const filler = 'x'.repeat(1_000_000)
    stats.modules = stats.modules.map((m: object, i: number) => ({ ...m, source: i < 40 ? filler : 'y' }))
    const big = path.join(tmp, 'big-stats.json')
    fs.writeFileSync(big, JSON.stringify(stats))
    const sizeBytes = fs.statSync(big).size
    expect(sizeBytes).toBeGreaterThan(20_000_000)
    let peak = 0
    const base = process.memoryUsage().heapUsed
    const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().heapUsed - base) }, 5)
    const parsed = await readJsonFile(big, { expected: 'stats', streamAboveBytes: 1_000_000, dropKeys: UNUSED_STATS_KEYS }) as { modules: { source?: string }[] }
    clearInterval(timer)
    peak = Math.max(peak, process.memoryUsage().heapUsed - base)
    expect(parsed.modules.length).toBe(stats.modules.length)
    expect(parsed.modules.every(m => m.source === undefined)).toBe(true)
    // JSON.parse of the whole file would hold the 20+ MB string plus its objects at once.
    expect(peak).toBeLessThan(sizeBytes / 2)
  }, 60_000)
})

describe('the weighbridge binary as a child process', () => {
  it('runs from source, exits 0 on a good input and 2 on a bad one', async () => {
    const exec = promisify(execFile)
    const bin = ['--import', 'tsx', '--conditions=weighbridge-source', path.join(repo, 'packages/weighbridge/src/cli-bin.ts')]
    const out = path.join(tmp, 'child/report.json')
    const good = await exec(process.execPath, [...bin, 'analyze', metafileFile, '--out', out, '--brotli', 'false'], { cwd: fixture, env: { ...process.env, NO_COLOR: '1' } })
    expect(good.stdout).toContain('weighbridge · esbuild')
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).bundler.name).toBe('esbuild')
    const failure = await exec(process.execPath, [...bin, 'analyze', path.join(tmp, 'nope.json')], { cwd: fixture }).catch((error: { code: number, stderr: string }) => error)
    expect(failure).toMatchObject({ code: 2 })
    expect((failure as { stderr: string }).stderr).toMatch(/nope\.json: no such file or folder/)
  }, 60_000)
})
