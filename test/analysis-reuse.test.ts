/**
 * An unchanged rebuild reuses the last analysis (packages/weighbridge/src/analysis-reuse.ts), on real
 * Vite 8 builds of a copy of test/fixtures/budgets-app with the plugin from source: the second
 * identical build says `reused` in the timing log, leaves report.json / report.html as they were and
 * prints the same summary; an edit that changes the output, a comment-only edit, a deleted
 * report.html and a corrupt state each get a full analysis (checked against the files on disk); a
 * broken budget still fails the reused build with the same message. `finishBuild()` itself (on a
 * dist folder read by the CLI's importer) returns `reused` and reads `report` from report.json lazily.
 */
import type { Report } from '@weighbridge/core'
import { serializeReport } from '@weighbridge/core'
import type { WeighbridgeOptions } from 'weighbridge'
import { createHash } from 'node:crypto'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { build } from 'vite'
import { finishBuild, resolveOptions } from 'weighbridge'
import weighbridgeVite from 'weighbridge/vite'
import { ANALYSIS_STATE_FILE } from '../packages/weighbridge/src/analysis-reuse'
import { collectDistFolder } from '../packages/weighbridge/src/importers/dist-folder'
import { createLogger } from '../packages/weighbridge/src/logger'
import { createPluginMeasurer } from '../packages/weighbridge/src/pipeline'
import { createTempDir } from './rollup-family/builds'

const fixture = path.resolve(import.meta.dirname, 'fixtures/budgets-app')
const CACHE = '.wb-cache'
const dirs: string[] = []

afterAll(() => {
  for (const dir of dirs)
    rmSync(dir, { recursive: true, force: true })
})

function createApp(label: string): string {
  const dir = createTempDir(`analysis-reuse-${label}`)
  dirs.push(dir)
  cpSync(fixture, dir, { recursive: true })
  return dir
}

interface BuildOutcome {
  /** The plugin's stdout (the summary). */
  stdout: string
  /** The timing line (`WEIGHBRIDGE_DEBUG=timings`). */
  timings: string
  error: Error | null
}

/** A real Vite build with the plugin; captures what the plugin prints (summary, timing line). */
async function buildApp(appDir: string, options: WeighbridgeOptions = {}, plugin?: unknown): Promise<BuildOutcome> {
  const stdoutWrite = process.stdout.write
  const stderrWrite = process.stderr.write
  const savedDebug = process.env.WEIGHBRIDGE_DEBUG
  let stdout = ''
  let stderr = ''
  process.env.WEIGHBRIDGE_DEBUG = 'timings'
  process.stdout.write = ((chunk: string | Uint8Array) => { stdout += String(chunk); return true }) as typeof process.stdout.write
  process.stderr.write = ((chunk: string | Uint8Array) => { stderr += String(chunk); return true }) as typeof process.stderr.write
  let error: Error | null = null
  try {
    await build({
      root: appDir,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: 'dist', emptyOutDir: true },
      plugins: [plugin ?? weighbridgeVite({ cache: CACHE, ...options })] as never[],
    })
  }
  catch (caught) {
    error = caught as Error
  }
  finally {
    process.stdout.write = stdoutWrite
    process.stderr.write = stderrWrite
    if (savedDebug === undefined)
      delete process.env.WEIGHBRIDGE_DEBUG
    else
      process.env.WEIGHBRIDGE_DEBUG = savedDebug
  }
  const timings = stderr.split('\n').find(line => line.startsWith('weighbridge timings:')) ?? ''
  return { stdout, timings, error }
}

function isReused(outcome: BuildOutcome): boolean {
  expect(outcome.timings, 'the timing line').toMatch(/^weighbridge timings: /)
  return /· reused: /.test(outcome.timings)
}

/** Inode, size and mtime: a rewrite (temp file + rename) changes the inode. */
function stamp(file: string): string {
  const stats = statSync(file)
  return `${stats.ino}:${stats.size}:${stats.mtimeMs}`
}

function readReport(appDir: string): Report {
  return JSON.parse(readFileSync(path.join(appDir, '.weighbridge/report.json'), 'utf8')) as Report
}

function readDist(appDir: string): Map<string, string> {
  const dist = path.join(appDir, 'dist')
  return new Map(readdirSync(dist, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map((entry) => {
      const file = path.join(entry.parentPath, entry.name)
      return [path.relative(dist, file), readFileSync(file, 'utf8')]
    }))
}

/** The report agrees with the emitted files: each output's raw size is the file's size on disk. */
function expectReportMatchesDisk(appDir: string, report: Report): void {
  const files = report.outputs.filter(output => output.file.startsWith('dist/'))
  expect(files.length).toBeGreaterThan(2)
  for (const output of files)
    expect(output.rawBytes, output.file).toBe(statSync(path.join(appDir, output.file)).size)
  const app = report.modules.find(module => module.id === 'src/app.js')!
  expect(app.originalBytes).toBe(statSync(path.join(appDir, 'src/app.js')).size)
}

describe('an unchanged Vite rebuild reuses the last analysis', () => {
  const app = createApp('vite')
  const reportFile = path.join(app, '.weighbridge/report.json')
  const htmlFile = path.join(app, '.weighbridge/report.html')
  let first: BuildOutcome
  let firstStamps: string[]

  it('analyses the first build in full and stores the state in the cache folder', async () => {
    first = await buildApp(app)
    expect(first.error).toBeNull()
    expect(isReused(first)).toBe(false)
    expect(first.timings).toContain('not reused: first analysis here')
    expect(first.stdout).toContain('Report: .weighbridge/report.json · open .weighbridge/report.html')
    expectReportMatchesDisk(app, readReport(app))
    const state = JSON.parse(readFileSync(path.join(app, CACHE, ANALYSIS_STATE_FILE), 'utf8')) as { entries: { location: string }[] }
    expect(state.entries.map(entry => entry.location)).toEqual([reportFile])
    firstStamps = [stamp(reportFile), stamp(htmlFile)]
  })

  it('reuses it on an identical build: same summary, report files untouched', async () => {
    const second = await buildApp(app)
    expect(second.error).toBeNull()
    expect(isReused(second)).toBe(true)
    expect(second.timings).not.toContain('buildReport')
    expect(second.stdout).toBe(first.stdout)
    expect([stamp(reportFile), stamp(htmlFile)]).toEqual(firstStamps)
    // Still the truth: the untouched report agrees with the files this build emitted.
    expectReportMatchesDisk(app, readReport(app))
  })

  it('analyses again when an edit changes the output, with the new numbers', async () => {
    const before = readReport(app)
    writeFileSync(path.join(app, 'src/app.js'), readFileSync(path.join(app, 'src/app.js'), 'utf8').replace(`'Hej', `, `'Hej', 'Merhaba', 'Tere', `))
    const outcome = await buildApp(app)
    expect(outcome.error).toBeNull()
    expect(isReused(outcome)).toBe(false)
    expect(outcome.timings).toContain('not reused: the emitted files or the settings changed')
    const after = readReport(app)
    expectReportMatchesDisk(app, after)
    const entrySize = (report: Report): number => report.entries.find(entry => entry.name === 'index.html')!.initialLoad.rawBytes
    expect(entrySize(after)).toBeGreaterThan(entrySize(before))
    expect(outcome.stdout).not.toBe(first.stdout)
    // And the build after that one reuses again.
    expect(isReused(await buildApp(app))).toBe(true)
  })

  it('analyses again after a comment-only edit (same output, new source sizes)', async () => {
    const distBefore = readDist(app)
    const appFile = path.join(app, 'src/app.js')
    // At the end: the minifier drops it and no mapping moves, so only the source file's size changes.
    writeFileSync(appFile, `${readFileSync(appFile, 'utf8')}// A comment: the output stays byte-identical.\n`)
    const outcome = await buildApp(app)
    expect(outcome.error).toBeNull()
    expect(readDist(app)).toEqual(distBefore)
    expect(isReused(outcome)).toBe(false)
    // The files digest matched: the second part of the key (source stamps) told the change.
    expect(outcome.timings).toContain('not reused: the module graph or the source files changed')
    expectReportMatchesDisk(app, readReport(app))
    expect(isReused(await buildApp(app))).toBe(true)
  })

  it('analyses again and rewrites report.html when it was deleted', async () => {
    rmSync(htmlFile)
    const outcome = await buildApp(app)
    expect(outcome.error).toBeNull()
    expect(isReused(outcome)).toBe(false)
    expect(outcome.timings).toContain('not reused: .weighbridge/report.html changed on disk')
    expect(readFileSync(htmlFile, 'utf8')).toMatch(/^<!doctype html>/i)
  })

  it('analyses again when report.json was rewritten since (same bytes, new file)', async () => {
    expect(isReused(await buildApp(app))).toBe(true)
    writeFileSync(reportFile, readFileSync(reportFile))
    const outcome = await buildApp(app)
    expect(isReused(outcome)).toBe(false)
    expect(outcome.timings).toContain('not reused: .weighbridge/report.json changed on disk')
  })

  it('never reuses with reportFile: false (no report on disk to stand for the build)', async () => {
    const options: WeighbridgeOptions = { reportFile: false }
    expect(isReused(await buildApp(app, options))).toBe(false)
    const outcome = await buildApp(app, options)
    expect(isReused(outcome)).toBe(false)
    expect(outcome.timings).toContain('not reused: reportFile: false')
  })

  it('analyses again, without failing, when analysis-state.json is corrupt; then reuses', async () => {
    const statePath = path.join(app, CACHE, ANALYSIS_STATE_FILE)
    writeFileSync(statePath, '{"format": "weighbridge-analysis-state-v1", "entries": [ {"location": ')
    const reportBefore = stamp(reportFile)
    const outcome = await buildApp(app)
    expect(outcome.error).toBeNull()
    expect(isReused(outcome)).toBe(false)
    expect(stamp(reportFile)).not.toBe(reportBefore)
    expect(() => JSON.parse(readFileSync(statePath, 'utf8'))).not.toThrow()
    expect(isReused(await buildApp(app))).toBe(true)
    // A state whose entry has the wrong shape is ignored as well.
    writeFileSync(statePath, JSON.stringify({ format: 'weighbridge-analysis-state-v1', entries: [{ location: reportFile, key: 42 }] }))
    expect(isReused(await buildApp(app))).toBe(false)
  })

  it('does not reuse when an option that changes the report differs (gzip level)', async () => {
    const outcome = await buildApp(app, { gzip: 6 })
    expect(isReused(outcome)).toBe(false)
    expect(readReport(app).compression.gzipLevel).toBe(6)
  })
})

describe('budgets on a reused build', () => {
  it('fails the reused build with the same budget message', async () => {
    const app = createApp('budgets')
    const options: WeighbridgeOptions = { budgets: [{ kind: 'initial', entry: 'index.html', limit: '1 kB' }] }
    const first = await buildApp(app, options)
    expect(isReused(first)).toBe(false)
    expect(first.error?.message).toContain('budgets[0] initial load of index.html (gzip): ')
    const report = readReport(app)
    expect(report.budgets[0]!.level).toBe('error')
    const reportStamp = stamp(path.join(app, '.weighbridge/report.json'))

    const second = await buildApp(app, options)
    expect(isReused(second)).toBe(true)
    expect(second.error?.message).toBe(first.error!.message)
    expect(stamp(path.join(app, '.weighbridge/report.json'))).toBe(reportStamp)

    // A looser limit is a different budget: analysed again, and the build passes.
    const third = await buildApp(app, { budgets: [{ kind: 'initial', entry: 'index.html', limit: '500 kB' }] })
    expect(isReused(third)).toBe(false)
    expect(third.error).toBeNull()
    expect(readReport(app).budgets[0]!.level).toBe('pass')
  })

  it('saves the baseline again when the saved one was deleted', async () => {
    const app = createApp('save-baseline')
    const baselineFile = path.join(app, '.weighbridge/baseline.json')
    const options: WeighbridgeOptions = { saveBaseline: true }
    expect(isReused(await buildApp(app, options))).toBe(false)
    const saved = readFileSync(baselineFile, 'utf8')
    expect(isReused(await buildApp(app, options))).toBe(true)
    rmSync(baselineFile)
    const third = await buildApp(app, options)
    expect(isReused(third)).toBe(false)
    expect(third.timings).toContain('not reused: .weighbridge/baseline.json changed on disk')
    expect(readFileSync(baselineFile, 'utf8')).toBe(saved)
  })

  it('analyses again when the baseline file changes', async () => {
    const app = createApp('baseline')
    const options: WeighbridgeOptions = { baseline: '.weighbridge/baseline.json' }
    const first = await buildApp(app, options)
    expect(first.error).toBeNull()
    expect(readReport(app).diff).toBeNull()
    expect(isReused(await buildApp(app, options))).toBe(true)
    cpSync(path.join(app, '.weighbridge/report.json'), path.join(app, '.weighbridge/baseline.json'))
    const third = await buildApp(app, options)
    expect(isReused(third)).toBe(false)
    expect(readReport(app).diff).not.toBeNull()
  })
})

describe('cache: false keeps the state in memory, per plugin instance', () => {
  it('reuses with the same plugin instance only', async () => {
    const app = createApp('memory')
    const plugin = weighbridgeVite({ cache: false })
    expect(isReused(await buildApp(app, {}, plugin))).toBe(false)
    expect(isReused(await buildApp(app, {}, plugin))).toBe(true)
    expect(existsSync(path.join(app, 'node_modules/.cache/weighbridge', ANALYSIS_STATE_FILE))).toBe(false)
    expect(isReused(await buildApp(app, {}, weighbridgeVite({ cache: false })))).toBe(false)
  })
})

describe('finishBuild() on a reused build', () => {
  it('says reused and reads the report from report.json when asked', async () => {
    const app = createApp('finish')
    await build({ root: app, configFile: false, logLevel: 'silent', build: { outDir: 'dist', emptyOutDir: true, sourcemap: true } })
    const resolved = resolveOptions({ cache: CACHE, summary: false })
    const logger = createLogger('silent')
    const finish = async () => {
      const collected = await collectDistFolder({ dir: path.join(app, 'dist'), root: app })
      const measurer = createPluginMeasurer(resolved, app)
      try {
        return await finishBuild(collected, resolved, logger, measurer)
      }
      finally {
        await measurer.close()
      }
    }
    const full = await finish()
    expect(full.reused).toBe(false)
    // Each file hashed once, the hash kept on the file for the measurer: the sha256 of its bytes.
    const collected = await collectDistFolder({ dir: path.join(app, 'dist'), root: app })
    const measurer = createPluginMeasurer(resolved, app)
    const checked = await finishBuild(collected, resolved, logger, measurer)
    await measurer.close()
    expect(checked.reused).toBe(true)
    for (const file of collected.files)
      expect(file.contentHash, file.fileName).toBe(createHash('sha256').update(file.contents).digest('hex'))
    const reused = await finish()
    expect(reused.reused).toBe(true)
    expect(reused.reportPath).toBe(full.reportPath)
    expect(reused.errors).toEqual([])
    // Read lazily from the untouched report.json: the same report the full analysis returned.
    expect(serializeReport(reused.report)).toBe(serializeReport(full.report))
    expect(reused.report).toBe(reused.report)
    for (const output of reused.report.outputs)
      expect(output.rawBytes, output.file).toBe(statSync(path.join(app, output.file)).size)
  })
})
