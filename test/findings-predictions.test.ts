/**
 * Findings predictions checked by rebuilding: build a small app with Vite through the plugin, apply
 * the top lazy-load suggestion (the static import rewritten into `import()` as its snippet says) and
 * the duplicate-package fix (the aliased import pointed at the kept version), rebuild, and compare
 * the real drop of the initial load (gzip, measured on the emitted files) with the predictions.
 */
import type { Finding, Report } from '@weighbridge/core'
import { cpSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import weighbridge from 'weighbridge/vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repoRoot = path.resolve(import.meta.dirname, '..')
const fixtureDir = path.join(repoRoot, 'test/fixtures/findings-app')
const workDir = path.join(repoRoot, 'test/.tmp', `findings-predictions-${process.pid}-${Date.now()}`)

/** Copies the fixture and links date-fns 4 and its alias date-fns-2 (= 2.30) from examples/vite-app. */
function prepareApp(name: string): string {
  const appDir = path.join(workDir, name)
  cpSync(fixtureDir, appDir, { recursive: true })
  mkdirSync(path.join(appDir, 'node_modules'))
  for (const pkg of ['date-fns', 'date-fns-2'])
    symlinkSync(realpathSync(path.join(repoRoot, 'examples/vite-app/node_modules', pkg)), path.join(appDir, 'node_modules', pkg))
  return appDir
}

async function buildApp(appDir: string): Promise<Report> {
  const reportFile = path.join(appDir, 'report.json')
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'silent',
    build: { outDir: path.join(appDir, 'dist') },
    plugins: [weighbridge({ reportFile, cache: false, brotli: false, summary: false, logLevel: 'silent' })],
  })
  return JSON.parse(readFileSync(reportFile, 'utf8')) as Report
}

/** The page's initial load, gzip, measured here on the emitted files (independent of the report's figure). */
function measureInitialGzip(appDir: string, report: Report): number {
  const page = report.entries.find(entry => entry.kind === 'html')!
  return page.initialLoad.files
    .reduce((sum, file) => sum + gzipSync(readFileSync(path.join(appDir, file)), { level: 9 }).length, 0)
}

/** Rewrites the static import at the finding's location into the `await import()` line of its snippet. */
function applyLazySnippet(appDir: string, finding: Finding): void {
  const file = path.join(appDir, finding.location!.file)
  const lines = readFileSync(file, 'utf8').split('\n')
  const statementLine = lines[finding.location!.line! - 1]!
  expect(finding.snippet).toContain(statementLine.trim())
  const dynamicLine = finding.snippet!.split('\n').find(line => line.includes('await import('))!
  lines.splice(finding.location!.line! - 1, 1)
  // The fixture's handler is async: the snippet's line goes first in it.
  const handler = lines.findIndex(line => line.includes('async () => {'))
  lines.splice(handler + 1, 0, `  ${dynamicLine.trim()}`)
  writeFileSync(file, lines.join('\n'))
}

/** Points the aliased import at the kept version, as the finding's snippet says. */
function applyDuplicateSnippet(appDir: string, finding: Finding): void {
  const file = path.join(appDir, finding.location!.file)
  const lines = readFileSync(file, 'utf8').split('\n')
  const replacement = finding.snippet!.split('\n').find(line => line.startsWith('import '))!
  lines[finding.location!.line! - 1] = replacement
  writeFileSync(file, lines.join('\n'))
}

describe('findings predictions, checked by rebuilding (Vite)', () => {
  let beforeDir: string
  let before: Report
  let lazy: Finding
  let duplicate: Finding
  let lazyDir: string
  let afterLazy: Report
  let bothDir: string
  let afterBoth: Report

  beforeAll(async () => {
    mkdirSync(workDir, { recursive: true })
    beforeDir = prepareApp('before')
    before = await buildApp(beforeDir)
    lazy = before.findings.find(finding => finding.rule === 'WB-LL001')!
    duplicate = before.findings.find(finding => finding.rule === 'WB-DP001')!

    lazyDir = prepareApp('after-lazy')
    applyLazySnippet(lazyDir, lazy)
    afterLazy = await buildApp(lazyDir)

    bothDir = prepareApp('after-both')
    applyLazySnippet(bothDir, lazy)
    applyDuplicateSnippet(bothDir, duplicate)
    afterBoth = await buildApp(bothDir)
  })

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true })
  })

  it('the top lazy-load candidate is the heavy report view, at the import line in main.js', () => {
    expect(lazy.id).toBe('WB-LL001:index.html>src/report.js')
    expect(lazy.location).toEqual({ file: 'src/main.js', line: 5, column: 1 })
    expect(lazy.snippet).toContain('const { renderReport } = await import(\'./report.js\')')
    expect(lazy.load).toBe('initial')
    expect(lazy.modules).toContain('src/report.js')
    expect(lazy.modules).toContain('src/report-summary.js')
    // Not in the dominated set: modules main.js also imports on its own.
    expect(lazy.modules).not.toContain('src/greeting.js')
    expect(lazy.savings.gzipBytes).toBeGreaterThan(5000)
  })

  it('the page and its entry chunk (one graph) give one candidate, not two', () => {
    expect(before.findings.filter(finding => finding.rule === 'WB-LL001' && finding.modules.includes('src/report.js'))).toHaveLength(1)
  })

  it('the duplicate is date-fns 4.4.0 + 2.30.0, imported through the alias at main.js:4', () => {
    expect(duplicate.id).toBe('WB-DP001:date-fns')
    expect(duplicate.packages).toHaveLength(2)
    expect(duplicate.message).toContain('4.4.0')
    expect(duplicate.message).toContain('2.30.0')
    expect(duplicate.location).toEqual({ file: 'src/main.js', line: 4, column: 1 })
    expect(duplicate.snippet).toContain('import { format as formatLegacy } from \'date-fns\'')
    expect(duplicate.modules.every(id => id.includes('date-fns@2.30.0'))).toBe(true)
    expect(duplicate.savings.gzipBytes).toBeGreaterThan(1000)
  })

  it('making the import dynamic drops the initial gzip by the predicted amount (±10 %)', () => {
    const drop = measureInitialGzip(beforeDir, before) - measureInitialGzip(lazyDir, afterLazy)
    const predicted = lazy.savings.gzipBytes!
    process.stdout.write(`lazy-load: predicted ${predicted} B gzip, measured drop ${drop} B\n`)
    expect(Math.abs(drop - predicted)).toBeLessThanOrEqual(predicted * 0.1)
    // The report's own initial-load figure agrees with the files on disk.
    const page = (report: Report) => report.entries.find(entry => entry.kind === 'html')!.initialLoad.gzipBytes!
    expect(page(before) - page(afterLazy)).toBe(drop)
    // The view really moved to a lazy chunk.
    expect(afterLazy.chunks.some(chunk => chunk.isDynamicEntry && chunk.modules.some(module => module.id === 'src/report.js'))).toBe(true)
  })

  it('both fixes together drop the initial gzip by the sum of the predictions (±10 %)', () => {
    const drop = measureInitialGzip(beforeDir, before) - measureInitialGzip(bothDir, afterBoth)
    const predicted = lazy.savings.gzipBytes! + duplicate.savings.gzipBytes!
    process.stdout.write(`lazy-load + duplicate: predicted ${predicted} B gzip, measured drop ${drop} B\n`)
    expect(Math.abs(drop - predicted)).toBeLessThanOrEqual(predicted * 0.1)
    expect(afterBoth.findings.some(finding => finding.rule === 'WB-DP001')).toBe(false)
    expect(afterBoth.packages.filter(pkg => pkg.name === 'date-fns').map(pkg => pkg.version)).toEqual(['4.4.0'])
  })
})
