/**
 * Split plans proven by rebuilding. For test/fixtures/split-app (two entries sharing code, three
 * lazy routes sharing code, lodash-es) with Vite 8, Rollup 4 and webpack 5, and for
 * examples/vite-app with Vite 8: build with the plugin, run `weighbridge split` on the report, then
 * rebuild with a bundler config file that imports the written configuration as it is on disk, and
 * measure again. Each entry's initial load (gzip) must be within 10 % of the prediction and no
 * larger than before; the reported figures are checked against zlib on the emitted files.
 * Also: bad input (esbuild, conflicting goals, unresolvable ids, empty and single-module builds)
 * gives exit 2 and writes nothing, and the plugin option `split` writes the same plan.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import zlib from 'node:zlib'
import nodeResolve from '@rollup/plugin-node-resolve'
import type { Report, SplitPlan } from '@weighbridge/core'
import { rollup } from 'rollup'
import { loadConfigFile } from 'rollup/loadConfigFile'
import { build as viteBuild } from 'vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import webpack from 'webpack'
import weighbridgeRollup from 'weighbridge/rollup'
import weighbridgeVite from 'weighbridge/vite'
import weighbridgeWebpack from 'weighbridge/webpack'
import { runCli } from '../packages/weighbridge/src/cli'

const repoRoot = path.resolve(import.meta.dirname, '..')
const fixture = path.join(repoRoot, 'test/fixtures/split-app')
const exampleApp = path.join(repoRoot, 'examples/vite-app')
const tmp = path.join(repoRoot, 'test/.tmp', `split-rebuild-${process.pid}-${Date.now()}`)
const pluginOptions = { cache: false, summary: false, html: false, findings: false, logLevel: 'silent' } as const
const entryInput = (appDir: string): Record<string, string> => ({ 'page-a': path.join(appDir, 'src/page-a.js'), 'page-b': path.join(appDir, 'src/page-b.js') })

interface CliOutcome { code: number, stdout: string, stderr: string }

async function runSplitCli(args: string[], cwd: string): Promise<CliOutcome> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(['split', ...args], { stdout: { write: (text: string) => { stdout += text } }, stderr: { write: (text: string) => { stderr += text } }, cwd, colors: false })
  return { code, stdout, stderr }
}

function readReport(file: string): Report {
  return JSON.parse(readFileSync(file, 'utf8')) as Report
}

function copyFixture(name: string): string {
  const appDir = path.join(tmp, name)
  cpSync(fixture, appDir, { recursive: true })
  return appDir
}

/** zlib's gzip (level 9) of files on disk, relative to the project root. */
function measureGzip(root: string, files: string[]): number {
  return files.reduce((sum, file) => sum + zlib.gzipSync(readFileSync(path.join(root, file)), { level: 9 }).length, 0)
}

function runWebpack(config: webpack.Configuration): Promise<void> {
  return new Promise((resolve, reject) => {
    webpack(config).run((error, stats) => {
      if (error || !stats || stats.hasErrors())
        reject(error ?? new Error(stats?.toString('errors-only') ?? 'webpack gave no stats'))
      else
        resolve()
    })
  })
}

interface Proof {
  root: string
  before: Report
  after: Report
  plan: SplitPlan
  configFile: string
}

/** Plans with the CLI (`--json`), checks the files are there, returns the plan. */
async function planWithCli(reportFile: string, bundler: string, outFile: string, root: string, extra: string[] = []): Promise<SplitPlan> {
  const outcome = await runSplitCli([reportFile, '--bundler', bundler, '--out', outFile, '--root', root, '--json', ...extra], root)
  expect(outcome.stderr).toBe('')
  expect(outcome.code).toBe(0)
  expect(existsSync(outFile)).toBe(true)
  expect(existsSync(outFile.replace(/\.mjs$/, '.md'))).toBe(true)
  return (JSON.parse(outcome.stdout) as { plan: SplitPlan }).plan
}

function checkProof(proof: Proof): void {
  const { before, after, plan } = proof
  expect(plan.groups.length).toBeGreaterThan(0)
  expect(plan.entries.length).toBeGreaterThan(0)
  for (const predicted of plan.entries) {
    const today = before.entries.find(entry => entry.name === predicted.name)!
    const rebuilt = after.entries.find(entry => entry.name === predicted.name)
    expect(rebuilt, `entry ${predicted.name} after the rebuild`).toBeDefined()
    const actualGzip = rebuilt!.initialLoad.gzipBytes!
    // The measured figure is the files' real gzip size.
    expect(actualGzip).toBe(measureGzip(proof.root, rebuilt!.initialLoad.files))
    expect(predicted.today.gzipBytes).toBe(today.initialLoad.gzipBytes)
    const error = Math.abs(actualGzip - predicted.predicted.gzipBytes) / actualGzip
    expect(error, `${predicted.name}: predicted ${predicted.predicted.gzipBytes} B, measured ${actualGzip} B`).toBeLessThan(0.10)
    expect(actualGzip, `${predicted.name}: initial load before ${today.initialLoad.gzipBytes} B, after ${actualGzip} B`).toBeLessThanOrEqual(today.initialLoad.gzipBytes!)
  }
  // Every planned group became a chunk of its own (its name is the chunk name).
  const chunkNames = new Set(after.chunks.filter(chunk => chunk.kind === 'js').map(chunk => chunk.name))
  for (const group of plan.groups) expect(chunkNames, `chunk ${group.name}`).toContain(group.name)
}

beforeAll(() => {
  mkdirSync(tmp, { recursive: true })
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('Vite 8: split-app fixture', () => {
  const proof = {} as Proof
  let pluginPlanFile: string

  beforeAll(async () => {
    const root = copyFixture('vite')
    proof.root = root
    pluginPlanFile = path.join(root, '.weighbridge/plugin/split.mjs')
    await viteBuild({ root, configFile: false, logLevel: 'silent', plugins: [weighbridgeVite({ ...pluginOptions, reportFile: '.weighbridge/before.json', split: { out: '.weighbridge/plugin/split.mjs' } })], build: { outDir: 'dist-before', rolldownOptions: { input: entryInput(root) } } })
    proof.before = readReport(path.join(root, '.weighbridge/before.json'))
    proof.configFile = path.join(root, '.weighbridge/cli/split.mjs')
    proof.plan = await planWithCli('.weighbridge/before.json', 'vite', proof.configFile, root)
    writeFileSync(path.join(root, 'vite.split.config.mjs'), `import { codeSplitting } from './.weighbridge/cli/split.mjs'\n\nexport default {\n  build: {\n    outDir: 'dist-after',\n    rolldownOptions: { input: ${JSON.stringify(entryInput(root))}, output: { codeSplitting } },\n  },\n}\n`)
    await viteBuild({ root, configFile: path.join(root, 'vite.split.config.mjs'), logLevel: 'silent', plugins: [weighbridgeVite({ ...pluginOptions, reportFile: '.weighbridge/after.json' })] })
    proof.after = readReport(path.join(root, '.weighbridge/after.json'))
  })

  it('predicts each initial load within 10 % and makes none larger', () => {
    checkProof(proof)
    // The fixture's point: page-a's two small shared modules become one chunk (one request less).
    const pageA = proof.plan.entries.find(entry => entry.name === 'page-a')!
    expect(pageA.predicted.requests).toBeLessThan(pageA.today.requests)
    expect(proof.after.entries.find(entry => entry.name === 'page-a')!.initialLoad.files.length).toBeLessThan(pageA.today.requests)
  })

  it('writes Rolldown codeSplitting groups, dependencies first, that name every planned module', async () => {
    const written = await import(pathToFileURL(proof.configFile).href) as { codeSplitting: { groups: { name: string, test: (id: string) => boolean, priority: number }[] }, CHUNK_GROUPS: { name: string }[] }
    expect(written.codeSplitting.groups.map(group => group.name)).toEqual(proof.plan.groups.map(group => group.name))
    expect(written.codeSplitting.groups.map(group => group.priority)).toEqual(proof.plan.groups.map(group => group.priority))
    const lazyCommon = proof.plan.groups.find(group => group.modules.includes('src/shared/lazy-common.js'))!
    const test = written.codeSplitting.groups.find(group => group.name === lazyCommon.name)!.test
    expect(test(path.join(proof.root, 'src/shared/lazy-common.js'))).toBe(true)
    expect(test(path.join(proof.root, 'src/page-a.js'))).toBe(false)
    // Code only lazy routes share stays out of both initial loads.
    expect(lazyCommon.reason).toBe('lazy-shared')
    for (const entry of proof.after.entries) expect(entry.initialLoad.files.some(file => path.basename(file).startsWith(`${lazyCommon.name}-`))).toBe(false)
  })

  it('the plugin option split writes the same groups as the CLI', () => {
    const pluginText = readFileSync(pluginPlanFile, 'utf8')
    const cliText = readFileSync(proof.configFile, 'utf8')
    const groupsOf = (text: string): string => text.slice(text.indexOf('export const CHUNK_GROUPS'), text.indexOf('const groupByModule'))
    expect(groupsOf(pluginText)).toBe(groupsOf(cliText))
    expect(readFileSync(pluginPlanFile.replace(/\.mjs$/, '.md'), 'utf8')).toContain('## Initial loads (gzip)')
  })
})

describe('Rollup 4: split-app fixture', () => {
  const proof = {} as Proof

  beforeAll(async () => {
    const root = copyFixture('rollup')
    proof.root = root
    const bundle = await rollup({ input: entryInput(root), plugins: [nodeResolve(), weighbridgeRollup({ ...pluginOptions, root, reportFile: '.weighbridge/before.json' })] })
    await bundle.write({ dir: path.join(root, 'dist-before'), format: 'es' })
    await bundle.close()
    proof.before = readReport(path.join(root, '.weighbridge/before.json'))
    proof.configFile = path.join(root, 'split.rollup.mjs')
    proof.plan = await planWithCli('.weighbridge/before.json', 'rollup', proof.configFile, root)
    const configPath = path.join(root, 'rollup.split.config.mjs')
    writeFileSync(configPath, `import nodeResolve from '@rollup/plugin-node-resolve'\nimport { manualChunks } from './split.rollup.mjs'\n\nexport default {\n  input: ${JSON.stringify(entryInput(root))},\n  plugins: [nodeResolve()],\n  output: { dir: ${JSON.stringify(path.join(root, 'dist-after'))}, format: 'es', manualChunks },\n}\n`)
    const { options } = await loadConfigFile(configPath, {})
    const config = options[0]!
    config.plugins = [...config.plugins, ...[weighbridgeRollup({ ...pluginOptions, root, reportFile: '.weighbridge/after.json' })].flat()]
    const rebuilt = await rollup(config)
    for (const output of config.output) await rebuilt.write(output)
    await rebuilt.close()
    proof.after = readReport(path.join(root, '.weighbridge/after.json'))
  })

  it('predicts each initial load within 10 % and makes none larger', () => {
    checkProof(proof)
  })

  it('manualChunks sends a module to its planned chunk, and nothing else', async () => {
    const written = await import(pathToFileURL(proof.configFile).href) as { manualChunks: (id: string) => string | undefined }
    for (const group of proof.plan.groups) {
      for (const id of group.modules) expect(written.manualChunks(path.join(proof.root, id))).toBe(group.name)
    }
    expect(written.manualChunks(path.join(proof.root, 'src/routes/chart-body.js'))).toBeUndefined()
    expect(written.manualChunks('\0virtual:unknown')).toBeUndefined()
  })
})

describe('webpack 5: split-app fixture', () => {
  const proof = {} as Proof

  beforeAll(async () => {
    const root = copyFixture('webpack')
    proof.root = root
    const base = (outDir: string): webpack.Configuration => ({
      mode: 'production',
      context: root,
      devtool: 'hidden-source-map',
      entry: { 'page-a': './src/page-a.js', 'page-b': './src/page-b.js' },
      output: { path: path.join(root, outDir), filename: '[name].js', chunkFilename: '[name].[contenthash:8].js', clean: true },
      // Scope hoisting off: the webpack adapter attributes bytes per module through the source map.
      optimization: { concatenateModules: false },
      infrastructureLogging: { level: 'none' },
    })
    await runWebpack({ ...base('dist-before'), plugins: [weighbridgeWebpack({ ...pluginOptions, reportFile: '.weighbridge/before.json' }) as never] })
    proof.before = readReport(path.join(root, '.weighbridge/before.json'))
    proof.configFile = path.join(root, 'split.webpack.mjs')
    proof.plan = await planWithCli('.weighbridge/before.json', 'webpack', proof.configFile, root)
    const configPath = path.join(root, 'webpack.split.config.mjs')
    writeFileSync(configPath, `import { splitChunks } from './split.webpack.mjs'\n\nexport default {\n  mode: 'production',\n  context: ${JSON.stringify(root)},\n  devtool: 'hidden-source-map',\n  entry: { 'page-a': './src/page-a.js', 'page-b': './src/page-b.js' },\n  output: { path: ${JSON.stringify(path.join(root, 'dist-after'))}, filename: '[name].js', chunkFilename: '[name].[contenthash:8].js', clean: true },\n  optimization: { concatenateModules: false, splitChunks },\n}\n`)
    const config = (await import(pathToFileURL(configPath).href) as { default: webpack.Configuration }).default
    await runWebpack({ ...config, infrastructureLogging: { level: 'none' }, plugins: [weighbridgeWebpack({ ...pluginOptions, reportFile: '.weighbridge/after.json' }) as never] })
    proof.after = readReport(path.join(root, '.weighbridge/after.json'))
  })

  it('predicts each initial load within 10 % and makes none larger', () => {
    checkProof(proof)
  })

  it('lazy routes fetch the shared lodash-es code from one cache group instead of webpack\'s default split', () => {
    const group = proof.plan.groups.find(candidate => candidate.loadedBy.includes('chart') && candidate.loadedBy.includes('table'))!
    expect(group).toBeDefined()
    const chunk = proof.after.chunks.find(candidate => candidate.name === group.name)!
    expect(chunk.modules.some(module => module.id.includes('lodash-es/'))).toBe(true)
    expect(readdirSync(path.join(proof.root, 'dist-after')).some(file => file.startsWith(`${group.name}.`))).toBe(true)
  })
})

describe('Vite 8: examples/vite-app', () => {
  const proof = {} as Proof

  beforeAll(async () => {
    const work = path.join(tmp, 'vite-app')
    mkdirSync(work, { recursive: true })
    proof.root = exampleApp
    const reportBefore = path.join(work, 'before.json')
    await viteBuild({ root: exampleApp, configFile: false, logLevel: 'silent', plugins: [weighbridgeVite({ ...pluginOptions, reportFile: reportBefore })], build: { outDir: path.join(work, 'dist-before'), emptyOutDir: true } })
    proof.before = readReport(reportBefore)
    proof.configFile = path.join(work, 'split.vite.mjs')
    proof.plan = await planWithCli(reportBefore, 'vite', proof.configFile, exampleApp)
    const configPath = path.join(work, 'vite.split.config.mjs')
    writeFileSync(configPath, `import { codeSplitting } from './split.vite.mjs'\n\nexport default {\n  build: { rolldownOptions: { output: { codeSplitting } } },\n}\n`)
    await viteBuild({ root: exampleApp, configFile: configPath, logLevel: 'silent', plugins: [weighbridgeVite({ ...pluginOptions, reportFile: path.join(work, 'after.json') })], build: { outDir: path.join(work, 'dist-after'), emptyOutDir: true } })
    proof.after = readReport(path.join(work, 'after.json'))
  })

  it('predicts the initial load of index and index.html within 10 % and makes none larger', () => {
    checkProof(proof)
    expect(proof.plan.entries.map(entry => entry.name)).toEqual(['index', 'index.html'])
  })

  it('merges the routes\' tiny shared chunks: each route fetches fewer files, predicted and measured', () => {
    const shared = proof.plan.groups.find(group => group.modules.includes('src/shared/format.ts'))!
    expect(shared.reason).toBe('lazy-shared')
    expect(shared.loadedBy).toEqual(['dashboard', 'home', 'reports', 'settings'])
    const dashboard = proof.plan.routes.find(route => route.name === 'dashboard')!
    expect(dashboard.predicted.requests).toBeLessThan(dashboard.today.requests)
    const chunk = (report: Report, name: string) => report.chunks.find(candidate => candidate.isDynamicEntry && candidate.name === name)!
    expect(chunk(proof.after, 'dashboard').imports.length).toBeLessThan(chunk(proof.before, 'dashboard').imports.length)
  })
})

describe('bad input: one line on stderr, exit 2, nothing written', () => {
  let root: string
  let reportFile: string

  beforeAll(async () => {
    root = copyFixture('bad-input')
    const bundle = await rollup({ input: entryInput(root), plugins: [nodeResolve(), weighbridgeRollup({ ...pluginOptions, root, reportFile: '.weighbridge/report.json' })] })
    await bundle.write({ dir: path.join(root, 'dist'), format: 'es' })
    await bundle.close()
    reportFile = path.join(root, '.weighbridge/report.json')
  })

  const expectRefused = (outcome: CliOutcome, outFile: string, pattern: RegExp): void => {
    expect(outcome.code).toBe(2)
    expect(outcome.stdout).toBe('')
    expect(outcome.stderr).toMatch(pattern)
    expect(outcome.stderr.trim().split('\n')).toHaveLength(1)
    expect(outcome.stderr).not.toMatch(/\n\s+at /)
    expect(existsSync(outFile)).toBe(false)
    expect(existsSync(outFile.replace(/\.mjs$/, '.md'))).toBe(false)
  }

  it('esbuild: says it has no manual chunking and what it can do instead', async () => {
    const out = path.join(root, 'out/esbuild.mjs')
    expectRefused(await runSplitCli([reportFile, '--bundler', 'esbuild', '--out', out], root), out, /esbuild has no manual chunking.*splitting: true/)
  })

  it('conflicting goals: maxInitialRequests 1 with a minChunkBytes that forbids it', async () => {
    const out = path.join(root, 'out/conflict.mjs')
    expectRefused(await runSplitCli([reportFile, '--bundler', 'rollup', '--out', out, '--max-initial-requests', '1', '--min-chunk-bytes', '50000'], root), out, /goals conflict.*maxInitialRequests 1 cannot be met: entry page-[ab] needs at least \d requests/)
  })

  it('bad goal values and unknown bundlers', async () => {
    const out = path.join(root, 'out/bad.mjs')
    expectRefused(await runSplitCli([reportFile, '--bundler', 'rollup', '--out', out, '--min-chunk-bytes=-5'], root), out, /--min-chunk-bytes: got -5 .*expected a whole number/)
    expectRefused(await runSplitCli([reportFile, '--bundler', 'parcel', '--out', out], root), out, /--bundler must be one of vite, rollup, rolldown, webpack, rspack, esbuild; received "parcel"/)
  })

  it('a report whose module ids do not resolve under the project root', async () => {
    const out = path.join(root, 'out/elsewhere.mjs')
    const elsewhere = path.join(tmp, 'elsewhere')
    mkdirSync(elsewhere, { recursive: true })
    expectRefused(await runSplitCli([reportFile, '--bundler', 'rollup', '--out', out, '--root', elsewhere], root), out, /module ids do not resolve to files rollup can match.*"src\//)
  })

  it('a report from another bundler family plans, with a note to re-plan from the target\'s own report', async () => {
    const out = path.join(root, 'out/cross.mjs')
    const outcome = await runSplitCli([reportFile, '--bundler', 'webpack', '--out', out], root)
    expect(outcome.code).toBe(0)
    expect(outcome.stdout).toContain('Planned from a rollup report for webpack')
    expect(existsSync(out)).toBe(true)
  })

  it('an empty graph', async () => {
    const report = readReport(reportFile)
    const empty: Report = { ...report, outputs: [], chunks: [], modules: [], packages: [], entries: [] }
    const emptyFile = path.join(root, 'empty.json')
    writeFileSync(emptyFile, JSON.stringify(empty))
    const out = path.join(root, 'out/empty.mjs')
    expectRefused(await runSplitCli([emptyFile, '--bundler', 'vite', '--out', out], root), out, /no modules in its chunks \(an empty build\)/)
  })

  it('a single-module app', async () => {
    const single = path.join(tmp, 'single')
    mkdirSync(path.join(single, 'src'), { recursive: true })
    writeFileSync(path.join(single, 'src/main.js'), 'document.title = \'one module\'\n')
    const bundle = await rollup({ input: path.join(single, 'src/main.js'), plugins: [weighbridgeRollup({ ...pluginOptions, root: single, reportFile: 'report.json' })] })
    await bundle.write({ dir: path.join(single, 'dist'), format: 'es' })
    await bundle.close()
    const out = path.join(single, 'split.mjs')
    expectRefused(await runSplitCli(['report.json', '--bundler', 'rollup', '--out', out], single), out, /a single module \(src\/main\.js\): there is nothing to split/)
  })

  it('the plugin fails the build with the same message for conflicting goals, and refuses bad goals up front', async () => {
    await expect(viteBuild({ root, configFile: false, logLevel: 'silent', plugins: [weighbridgeVite({ ...pluginOptions, reportFile: '.weighbridge/plugin.json', split: { out: 'out/plugin.mjs', goals: { maxInitialRequests: 1, minChunkBytes: 50_000 } } })], build: { outDir: 'dist-plugin', rolldownOptions: { input: entryInput(root) } } }))
      .rejects.toThrow(/split: the goals conflict/)
    expect(existsSync(path.join(root, 'out/plugin.mjs'))).toBe(false)
    expect(() => weighbridgeVite({ split: { goals: { minChunkBytes: -1, maxInitalRequests: 2 } as never } })).toThrow(/2 invalid Weighbridge options:\n(?=[\s\S]*split\.goals\.minChunkBytes: got -1 \(number\); expected a whole number)(?=[\s\S]*split\.goals\.maxInitalRequests: unknown goal)/)
  })
})
