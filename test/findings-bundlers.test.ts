/**
 * Findings on webpack, Rspack and esbuild builds made through the plugin (test/fixtures/findings-cjs:
 * lodash, CommonJS, imported from its root for two functions). Each report must flag lodash with
 * WB-TS001, priced in bytes that match the chunk records and the files on disk, located at the
 * import line, with the lodash-es fix; every id a finding names must be a module or package of the
 * report (relative POSIX paths).
 */
import type { Finding, Report } from '@weighbridge/core'
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import zlib from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runCompiler } from './run-compiler'
import type { RunnableCompiler } from './run-compiler'

const require = createRequire(import.meta.url)
const fixture = path.resolve(import.meta.dirname, 'fixtures/findings-cjs')
const tmp = path.resolve(import.meta.dirname, `.tmp/findings-bundlers-${process.pid}-${Date.now()}`)
const BUNDLERS = ['webpack', 'rspack', 'esbuild'] as const
type Bundler = typeof BUNDLERS[number]
const reports = new Map<Bundler, Report>()

function pluginOptions(bundler: Bundler) {
  return { reportFile: path.join(tmp, `${bundler}.report.json`), summary: false, logLevel: 'silent' as const, cache: false as const, brotli: false as const, root: fixture }
}

async function buildWith(bundler: Bundler): Promise<void> {
  const outDir = path.join(tmp, bundler)
  if (bundler === 'esbuild') {
    const esbuild = await import('esbuild')
    const { default: weighbridge } = await import('weighbridge/esbuild')
    await esbuild.build({ absWorkingDir: fixture, entryPoints: ['src/main.js'], bundle: true, format: 'esm', minify: true, outdir: outDir, logLevel: 'silent', plugins: [weighbridge(pluginOptions(bundler))] })
    return
  }
  // No minifier: lodash whole through terser would dominate the test's time; the figures stay exact.
  const config = (plugin: object) => ({
    mode: 'production' as const,
    context: fixture,
    entry: { main: './src/main.js' },
    output: { path: outDir, filename: '[name].[contenthash].js', clean: true },
    optimization: { minimize: false },
    plugins: [plugin],
    infrastructureLogging: { level: 'none' as const },
  })
  const run = (compiler: RunnableCompiler) => runCompiler(compiler)
  if (bundler === 'webpack') {
    const { default: webpack } = await import('webpack')
    const { default: weighbridge } = await import('weighbridge/webpack')
    await run(webpack(config(weighbridge(pluginOptions(bundler))) as never) as never)
  }
  else {
    const { rspack } = await import('@rspack/core')
    const { default: weighbridge } = await import('weighbridge/rspack')
    await run(rspack(config(weighbridge(pluginOptions(bundler))) as never) as never)
  }
}

beforeAll(async () => {
  fs.mkdirSync(tmp, { recursive: true })
  for (const bundler of BUNDLERS) {
    await buildWith(bundler)
    reports.set(bundler, JSON.parse(fs.readFileSync(path.join(tmp, `${bundler}.report.json`), 'utf8')) as Report)
  }
}, 120_000)

afterAll(() => {
  fs.rmSync(tmp, { recursive: true, force: true })
})

function findLodash(report: Report): Finding {
  const found = report.findings.filter(finding => finding.rule === 'WB-TS001')
  expect(found.map(finding => finding.id), `${report.bundler.name}: ${report.findings.map(finding => finding.id).join(', ')}`).toHaveLength(1)
  return found[0]!
}

describe.each(BUNDLERS)('findings on a %s build through the plugin', (bundler) => {
  it('flags CommonJS lodash with WB-TS001, priced in bytes that match the chunks and the file', () => {
    const report = reports.get(bundler)!
    expect(report.bundler.name).toBe(bundler)
    const finding = findLodash(report)
    const lodash = report.packages.find(pkg => pkg.name === 'lodash')!
    expect(finding.packages).toEqual([lodash.id])
    expect(finding.modules.some(id => id.endsWith('/lodash.js'))).toBe(true)
    // The shipped figures named in the message are the chunk records' lodash modules...
    const parts = report.chunks.flatMap(chunk => chunk.modules).filter(part => finding.modules.includes(part.id))
    const shippedRaw = parts.reduce((sum, part) => sum + part.rawBytes, 0)
    const shippedGzip = parts.reduce((sum, part) => sum + part.gzipBytes!, 0)
    expect(shippedRaw).toBeGreaterThan(10_000)
    expect(finding.message).toContain(`${finding.modules.length} module`)
    // ...which fit in the emitted file on disk (raw) and its gzip (zlib on the file).
    const jsFiles = report.outputs.filter(output => output.kind === 'js')
    const onDisk = jsFiles.map(output => fs.readFileSync(path.resolve(fixture, output.file)))
    expect(shippedRaw).toBeLessThanOrEqual(onDisk.reduce((sum, bytes) => sum + bytes.length, 0))
    expect(shippedGzip).toBeLessThanOrEqual(onDisk.reduce((sum, bytes) => sum + zlib.gzipSync(bytes, { level: 9 }).length, 0) * 1.2)
    // Savings: chunk and debounce from lodash-es are a small part of lodash.
    expect(finding.savings.rawBytes).toBeGreaterThan(0)
    expect(finding.savings.gzipBytes).toBeGreaterThan(shippedGzip / 2)
    expect(finding.savings.gzipBytes).toBeLessThan(shippedGzip)
    expect(finding.confidence).toBe('medium')
    expect(finding.load).toBe('initial')
    expect(finding.location).toEqual({ file: 'src/main.js', line: 3, column: 1 })
    expect(finding.message).toContain('chunk, debounce')
    expect(finding.snippet).toBe('import chunk from \'lodash-es/chunk\'\nimport debounce from \'lodash-es/debounce\'')
  })

  it('names only modules and packages of the report, as relative POSIX paths', () => {
    const report = reports.get(bundler)!
    const moduleIds = new Set(report.modules.map(module => module.id))
    const packageIds = new Set(report.packages.map(pkg => pkg.id))
    expect(report.findings.length).toBeGreaterThan(0)
    for (const finding of report.findings) {
      for (const id of finding.modules) expect(moduleIds.has(id), `${finding.id}: ${id}`).toBe(true)
      for (const id of finding.packages) expect(packageIds.has(id), `${finding.id}: ${id}`).toBe(true)
      if (finding.location) expect(fs.existsSync(path.resolve(fixture, finding.location.file)), finding.location.file).toBe(true)
    }
    for (const id of moduleIds) expect(id.startsWith('/') || id.includes('\\'), id).toBe(false)
    expect(moduleIds.has('src/main.js') && moduleIds.has('src/format.js')).toBe(true)
  })
})

it('prices lodash alike on the three bundlers (same modules, same share of the shipped bytes saved)', () => {
  const findings = BUNDLERS.map(bundler => findLodash(reports.get(bundler)!))
  expect(findings[1]!.modules).toEqual(findings[0]!.modules)
  expect(findings[2]!.modules).toEqual(findings[0]!.modules)
  // webpack / Rspack unminified, esbuild minified: compare the saved share, not the bytes.
  const shares = BUNDLERS.map((bundler, i) => {
    const parts = reports.get(bundler)!.chunks.flatMap(chunk => chunk.modules).filter(part => findings[i]!.modules.includes(part.id))
    return findings[i]!.savings.gzipBytes! / parts.reduce((sum, part) => sum + part.gzipBytes!, 0)
  })
  console.log(`lodash WB-TS001 savings share of shipped gzip: ${BUNDLERS.map((bundler, i) => `${bundler} ${(shares[i]! * 100).toFixed(1)}% (${findings[i]!.savings.gzipBytes} B)`).join(', ')}`)
  expect(Math.max(...shares) - Math.min(...shares)).toBeLessThan(0.05)
})
