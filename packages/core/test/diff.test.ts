import { spawn } from 'node:child_process'
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { diffReports, readReportFile, ReportFileError, saveBaselineFile, serializeReport, writeFileAtomic } from '@weighbridge/core'
import { makeAppBuild, makeReport } from './budgets-report-fixture'

const root = fileURLToPath(new URL('../../..', import.meta.url))
const tmp = join(root, 'test/.tmp', `core-diff-${process.pid}-${Date.now()}`)

beforeAll(() => mkdirSync(tmp, { recursive: true }))
afterAll(() => rmSync(tmp, { recursive: true, force: true }))

describe('diffReports', () => {
  const before = makeReport(makeAppBuild())
  const next = makeAppBuild({ extraMainModules: [{ id: 'node_modules/date-fns/index.js', pkg: 'date-fns', raw: 9_000, gzip: 4_000 }] })
  // New hashes everywhere: chunks must be matched by name.
  for (const chunk of next.chunks)
    chunk.file = chunk.file.replace(/-\w+\.(js|css)$/, '-N3wHash0.$1')
  next.entries![0]!.files = next.entries![0]!.files.map(file => file.replace(/-\w+\.(js|css)$/, '-N3wHash0.$1'))
  next.chunks[1]!.modules = next.chunks[1]!.modules.filter(module => module.pkg !== 'lodash-es')
  next.chunks[2]!.modules[1]!.gzip = 55_000
  const after = makeReport(next)
  const diff = diffReports(before, after, { baselineLabel: 'main' })

  it('names added, removed, grown and shrunk modules and packages with gzip deltas', () => {
    expect(diff.baseline).toBe('main')
    expect(diff.packages.map(delta => [delta.id, delta.kind, delta.deltaGzipBytes, delta.deltaRawBytes])).toEqual([
      ['chart.js', 'shrunk', -5_000, 0],
      ['date-fns', 'added', 4_000, 9_000],
      ['lodash-es', 'removed', -1_000, -3_000],
    ])
    expect(diff.modules.map(delta => [delta.id, delta.kind, delta.deltaGzipBytes])).toEqual([
      ['node_modules/chart.js/dist/chart.js', 'shrunk', -5_000],
      ['node_modules/date-fns/index.js', 'added', 4_000],
      ['node_modules/lodash-es/debounce.js', 'removed', -1_000],
    ])
    expect(diff.modules[1]!.before).toBeNull()
    expect(diff.modules[2]!.after).toBeNull()
  })

  it('matches chunks and entries by name, not by hashed file', () => {
    expect(diff.chunks.map(delta => [delta.id, delta.kind, delta.deltaGzipBytes])).toEqual([
      ['chart', 'shrunk', -5_000],
      ['index', 'grown', 4_000],
      ['vendor', 'shrunk', -1_000],
    ])
    expect(diff.entries).toEqual([{
      id: 'index.html',
      kind: 'grown',
      before: { rawBytes: 14_300 + 53_100 + 5_000, gzipBytes: 22_900, brotliBytes: expect.any(Number) },
      after: { rawBytes: 14_300 + 9_000 + 50_100 + 5_000, gzipBytes: 22_900 + 4_000 - 1_000, brotliBytes: expect.any(Number) },
      deltaRawBytes: 9_000 - 3_000,
      deltaGzipBytes: 3_000,
    }])
    const sumGzip = (outputs: typeof before.outputs) => outputs.filter(output => output.kind !== 'map').reduce((sum, output) => sum + output.gzipBytes!, 0)
    expect(diff.totals.before.gzipBytes).toBe(sumGzip(before.outputs))
    expect(diff.totals.after.gzipBytes! - diff.totals.before.gzipBytes!).toBe(4_000 - 1_000 - 5_000)
  })

  it('finds nothing between a report and itself', () => {
    const same = diffReports(before, structuredClone(before))
    expect([same.modules, same.packages, same.chunks, same.entries]).toEqual([[], [], [], []])
  })
})

describe('report and baseline files', () => {
  const report = makeReport(makeAppBuild())

  it('saves a baseline and reads it back', async () => {
    const file = join(tmp, 'saved/.weighbridge/baseline.json')
    await saveBaselineFile({ ...report, diff: diffReports(report, report) }, file)
    const read = readReportFile(file, { role: 'baseline' })
    expect(read.diff).toBeNull()
    expect(read.modules).toEqual(report.modules)
    expect(readdirSync(join(tmp, 'saved/.weighbridge'))).toEqual(['baseline.json'])
  })

  it('rejects corrupted, foreign and future-schema files with one line naming the file, leaving it untouched', () => {
    const cases: [string, string, RegExp][] = [
      ['truncated.json', serializeReport(report).slice(0, 500), /^baseline .*truncated\.json is not valid JSON \(.*\), it may be truncated or corrupted; save a new one with `weighbridge baseline save`/],
      ['future.json', serializeReport({ ...report, schemaVersion: 7 as 1 }), /^baseline .*future\.json has schemaVersion 7, newer than this weighbridge reads \(1\); upgrade weighbridge/],
      ['foreign.json', JSON.stringify({ name: 'my-app', version: '1.0.0' }), /^baseline .*foreign\.json is not a Weighbridge report \(schemaVersion missing\)/],
      ['array.json', '[]', /is not a Weighbridge report \(got JSON array\)/],
      ['partial.json', JSON.stringify({ schemaVersion: 1, outputs: [] }), /is incomplete \(no chunks, modules, packages, entries list\)/],
    ]
    for (const [name, text, message] of cases) {
      const file = join(tmp, name)
      writeFileSync(file, text)
      const mtimeMs = statSync(file).mtimeMs
      let caught: unknown
      try {
        readReportFile(file, { role: 'baseline' })
      }
      catch (error) {
        caught = error
      }
      expect(caught).toBeInstanceOf(ReportFileError)
      expect((caught as Error).message).toMatch(message)
      expect((caught as Error).message).not.toContain('\n')
      expect(readFileSync(file, 'utf8')).toBe(text)
      expect(statSync(file).mtimeMs).toBe(mtimeMs)
    }
    expect(() => readReportFile(join(tmp, 'missing.json'), { role: 'baseline' })).toThrow(/missing\.json does not exist; save one with `weighbridge baseline save`/)
  })

  it('keeps the old baseline intact when the writer is killed between writing and renaming', async () => {
    const folder = join(tmp, 'killed')
    const file = join(folder, 'baseline.json')
    mkdirSync(folder, { recursive: true })
    const old = serializeReport(report)
    writeFileSync(file, old)
    // A child writes a big baseline in pieces; after the first 8 MB it says so and stalls, and we
    // SIGKILL it there: the temp file is half-written, the rename has not happened.
    const child = spawn(process.execPath, ['--import', 'tsx', '--conditions=weighbridge-source', '--input-type=module', '-e', `
      import { writeFileAtomic } from '@weighbridge/core'
      async function* pieces() {
        const piece = '{"modules":[' + '"x",'.repeat(256 * 1024)
        for (let i = 0; i < 8; i++) yield piece
        process.stdout.write('written\\n')
        await new Promise(resolve => setTimeout(resolve, 60_000))
        yield ']}'
      }
      await writeFileAtomic(${JSON.stringify(file)}, pieces())
    `], { cwd: join(root, 'packages/core'), stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (data) => { stderr += String(data) })
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (data) => {
        if (String(data).includes('written'))
          resolve()
      })
      child.on('exit', code => reject(new Error(`writer exited early (${code}): ${stderr}`)))
    })
    const temps = readdirSync(folder).filter(name => name.endsWith('.tmp'))
    expect(temps).toHaveLength(1)
    expect(statSync(join(folder, temps[0]!)).size).toBeGreaterThanOrEqual(8 * 1024 * 1024)
    const exited = new Promise(resolve => child.on('exit', (_code, signal) => resolve(signal)))
    child.kill('SIGKILL')
    expect(await exited).toBe('SIGKILL')
    expect(readFileSync(file, 'utf8')).toBe(old)
    expect(readReportFile(file, { role: 'baseline' }).modules).toEqual(report.modules)
  })

  it('replaces the file in one step when the write completes', async () => {
    const file = join(tmp, 'complete/out.json')
    await writeFileAtomic(file, 'one')
    await writeFileAtomic(file, ['t', 'w', 'o'])
    expect(readFileSync(file, 'utf8')).toBe('two')
    expect(readdirSync(join(tmp, 'complete'))).toEqual(['out.json'])
  })
})
