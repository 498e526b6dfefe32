/**
 * Budgets, baselines, diffs and CI output on real Vite 8 builds of test/fixtures/budgets-app through
 * the plugin (in-process, and the real `vite build` CLI for the failing build), and the
 * `weighbridge check / baseline / diff / budgets` commands on the reports they wrote. Sizes are
 * checked against zlib on the emitted files.
 */
import { spawnSync } from 'node:child_process'
import { appendFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import type { Report } from '@weighbridge/core'
import { formatDeltaBytes } from '@weighbridge/core'
import { Ajv2020 } from 'ajv/dist/2020.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { build, createLogger } from 'vite'
import type { Logger } from 'vite'
import weighbridgeVite from 'weighbridge/vite'
import { runCli } from '../packages/weighbridge/src/cli'
import type { WeighbridgeOptions } from 'weighbridge'

const repoRoot = path.resolve(import.meta.dirname, '..')
const fixture = path.join(repoRoot, 'test/fixtures/budgets-app')
const tmp = path.join(repoRoot, 'test/.tmp', `budgets-vite-${process.pid}-${Date.now()}`)
const viteBin = path.join(repoRoot, 'test/node_modules/vite/bin/vite.js')

function createApp(name: string, options: { addLodash?: boolean } = {}): string {
  const appDir = path.join(tmp, name)
  cpSync(fixture, appDir, { recursive: true })
  if (options.addLodash)
    appendFileSync(path.join(appDir, 'src/main.js'), `\nimport chunk from 'lodash/chunk.js'\nconsole.log(chunk(['a', 'b', 'c'], 2))\n`)
  return appDir
}

interface ViteBuildOutcome {
  warnings: string[]
  error: Error | null
}

async function buildApp(appDir: string, options: WeighbridgeOptions, outDir = 'dist'): Promise<ViteBuildOutcome> {
  const warnings: string[] = []
  const logger: Logger = { ...createLogger('warn'), warn: (message) => { warnings.push(message) }, warnOnce: (message) => { warnings.push(message) }, info: () => {} }
  try {
    await build({
      root: appDir,
      configFile: false,
      logLevel: 'warn',
      customLogger: logger,
      build: { outDir, emptyOutDir: true },
      plugins: [weighbridgeVite({ cache: false, summary: false, ...options })],
    })
    return { warnings, error: null }
  }
  catch (error) {
    return { warnings, error: error as Error }
  }
}

function readReport(appDir: string, file = '.weighbridge/report.json'): Report {
  return JSON.parse(readFileSync(path.join(appDir, file), 'utf8')) as Report
}

/** gzip -9 of the file on disk: the independent figure. */
function measureGzip(appDir: string, file: string): number {
  return zlib.gzipSync(readFileSync(path.join(appDir, file)), { level: 9 }).length
}

function captureIo(cwd: string) {
  let stdout = ''
  let stderr = ''
  return {
    io: { stdout: { write: (text: string) => { stdout += text } }, stderr: { write: (text: string) => { stderr += text } }, cwd, colors: false },
    read: () => ({ stdout, stderr }),
  }
}

async function runCommand(cwd: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number, stdout: string, stderr: string }> {
  const saved = { ...process.env }
  Object.assign(process.env, { GITHUB_ACTIONS: '', GITHUB_STEP_SUMMARY: '' }, env)
  try {
    const capture = captureIo(cwd)
    const code = await runCli(args, capture.io)
    return { code, ...capture.read() }
  }
  finally {
    process.env = saved
  }
}

const apps = {} as Record<'base' | 'grown' | 'failing' | 'broken', string>
const outcomes = {} as Record<'base' | 'grown' | 'broken', ViteBuildOutcome>
let failingRun: { status: number | null, output: string, stderr: string }
const corruptBaseline = '{"schemaVersion": 1, "outputs": [ {"file": "dist/ass'

beforeAll(async () => {
  mkdirSync(tmp, { recursive: true })
  apps.base = createApp('base')
  apps.grown = createApp('grown', { addLodash: true })
  apps.failing = createApp('failing')
  apps.broken = createApp('broken')

  // 1. One budget passes, one is over its warn limit, one glob matches nothing; saves the baseline.
  outcomes.base = await buildApp(apps.base, {
    budgets: [
      { kind: 'initial', limit: '100 kB' },
      { kind: 'total', type: 'js', warn: '1 kB', error: '500 kB' },
      { kind: 'chunk', match: 'vendor-nope*', limit: '1 kB' },
    ],
    saveBaseline: true,
  })

  // 2. The same app plus a new dependency (lodash), compared with the first build's baseline.
  cpSync(path.join(apps.base, '.weighbridge/baseline.json'), path.join(apps.grown, '.weighbridge/baseline.json'))
  cpSync(path.join(apps.base, 'dist'), path.join(apps.grown, 'dist-before'), { recursive: true })
  outcomes.grown = await buildApp(apps.grown, {
    baseline: '.weighbridge/baseline.json',
    budgets: [{ kind: 'growth', of: 'package', package: 'lodash*', warn: '+100 B' }],
  }, 'dist-after')

  // 3. A corrupted baseline with saveBaseline on: the build fails naming it, the file stays as it was.
  mkdirSync(path.join(apps.broken, '.weighbridge'), { recursive: true })
  writeFileSync(path.join(apps.broken, '.weighbridge/baseline.json'), corruptBaseline)
  outcomes.broken = await buildApp(apps.broken, { baseline: '.weighbridge/baseline.json', saveBaseline: true })

  // 4. The real `vite build` CLI with a vite.config.ts importing the plugin from source: budget over.
  // `--configLoader native`: Node imports the config (through tsx) and resolves 'weighbridge/vite'
  // with the `weighbridge-source` condition; Vite's default loader would resolve it to dist/.
  writeFileSync(path.join(apps.failing, 'vite.config.ts'), [
    `import weighbridge from 'weighbridge/vite'`,
    `export default { logLevel: 'warn', plugins: [weighbridge({ cache: false, budgets: [{ kind: 'initial', entry: 'index.html', limit: '1 kB' }] })] }`,
    '',
  ].join('\n'))
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--conditions=weighbridge-source', viteBin, 'build', '--configLoader', 'native'], {
    cwd: apps.failing,
    encoding: 'utf8',
    env: { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: path.join(tmp, 'failing-step-summary.md'), NO_COLOR: '1' },
    timeout: 90_000,
  })
  failingRun = { status: child.status, output: `${child.stdout}\n${child.stderr}`, stderr: child.stderr }
})

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true })
})

describe('budgets in a Vite build', () => {
  it('passes a budget with the size zlib measures on the emitted files', () => {
    expect(outcomes.base.error).toBeNull()
    const report = readReport(apps.base)
    const entry = report.entries.find(candidate => candidate.name === 'index.html')!
    const zlibGzip = entry.initialLoad.files.reduce((sum, file) => sum + measureGzip(apps.base, file), 0)
    expect(entry.initialLoad.files.some(file => file.endsWith('.css'))).toBe(true)
    const initial = report.budgets.find(result => result.path === 'budgets[0]')!
    expect(initial).toMatchObject({ level: 'pass', actual: zlibGzip, errorLimit: 100_000, label: 'initial load of index.html (gzip)' })
  })

  it('warns without failing the build, naming budget, size, limit and contributors', () => {
    const report = readReport(apps.base)
    const jsFiles = report.outputs.filter(output => output.kind === 'js').map(output => output.file)
    const zlibJs = jsFiles.reduce((sum, file) => sum + measureGzip(apps.base, file), 0)
    const total = report.budgets.find(result => result.path === 'budgets[1]')!
    expect(total).toMatchObject({ level: 'warn', actual: zlibJs, warnLimit: 1_000, errorLimit: 500_000 })
    expect(total.contributors[0]).toMatchObject({ kind: 'package', id: 'lodash-es' })
    const warning = outcomes.base.warnings.find(text => text.includes('budgets[1]'))
    expect(warning).toContain(`budgets[1] total JS (gzip): ${(zlibJs / 1000).toFixed(1)} kB > warn limit 1 kB`)
    expect(warning).toContain('fails at 500 kB')
    expect(warning).toMatch(/Largest: lodash-es \d+(\.\d kB| B)/)
  })

  it('warns about a glob that matches nothing', () => {
    expect(outcomes.base.warnings.some(text => text.includes(`budgets[2]: chunk glob 'vendor-nope*' matches nothing in this build`))).toBe(true)
  })

  it('saves the baseline after a passing build', () => {
    const baseline = readReport(apps.base, '.weighbridge/baseline.json')
    const report = readReport(apps.base)
    expect(baseline.modules).toEqual(report.modules)
    expect(baseline.diff).toBeNull()
    expect(readdirSync(path.join(apps.base, '.weighbridge')).filter(name => name.endsWith('.tmp'))).toEqual([])
  })

  it('fails the real `vite build` with the budget message, after writing report.json and report.html', () => {
    expect(failingRun.status, failingRun.output).not.toBe(0)
    const report = readReport(apps.failing)
    const result = report.budgets[0]!
    expect(result.level).toBe('error')
    const entry = report.entries.find(candidate => candidate.name === 'index.html')!
    const zlibGzip = entry.initialLoad.files.reduce((sum, file) => sum + measureGzip(apps.failing, file), 0)
    expect(result.actual).toBe(zlibGzip)
    const output = failingRun.output
    expect(output).toContain(`budgets[0] initial load of index.html (gzip): ${(zlibGzip / 1000).toFixed(1)} kB > error limit 1 kB`)
    expect(output).toMatch(/Largest: lodash-es \d+(\.\d kB| B), /)
    expect(output).toMatch(/Largest: .*src\/app\.js \d+ B/)
    expect(output).toContain('Fix: load heavy code later with import()')
    // One readable message: no stack trace, no bundler internals, the message once.
    expect(failingRun.stderr).toContain('budgets[0] initial load of index.html (gzip): ')
    expect(failingRun.stderr).not.toMatch(/^\s+at /m)
    expect(failingRun.stderr).not.toMatch(/PLUGIN_ERROR|RolldownError|hook: /)
    expect(failingRun.stderr.split('budgets[0] initial load of index.html (gzip): ').length).toBe(2)
    expect(existsSync(path.join(apps.failing, '.weighbridge/report.html'))).toBe(true)
    // In GitHub Actions: an annotation per broken budget and the markdown job summary.
    expect(output).toMatch(/^::error title=Weighbridge budget budgets\[0\]%3A initial load of index\.html \(gzip\)::budgets\[0\] initial load of index\.html \(gzip\): .*%0ALargest: /m)
    expect(readFileSync(path.join(tmp, 'failing-step-summary.md'), 'utf8')).toMatch(/^## Weighbridge: ❌ 1 of 1 budgets broken\n/)
  })
})

describe('baseline and diff', () => {
  it('names the added package and its gzip delta in report.diff', () => {
    expect(outcomes.grown.error).toBeNull()
    const report = readReport(apps.grown)
    const diff = report.diff!
    expect(diff.baseline).toBe('.weighbridge/baseline.json')
    const lodash = diff.packages.find(delta => delta.id === 'lodash')!
    const lodashGzip = report.chunks.flatMap(chunk => chunk.modules).filter(module => module.id.includes('node_modules/lodash/') || module.id.includes('/lodash@')).reduce((sum, module) => sum + module.gzipBytes!, 0)
    expect(lodash).toMatchObject({ kind: 'added', before: null, deltaGzipBytes: lodashGzip })
    expect(lodashGzip).toBeGreaterThan(100)
    // lodash-es did not change; only its share of the compressed file moves a little.
    expect(Math.abs(diff.packages.find(delta => delta.id === 'lodash-es')?.deltaGzipBytes ?? 0)).toBeLessThan(100)
    // The entry's initial load: its delta equals zlib on the files of both builds.
    const baseline = readReport(apps.grown, '.weighbridge/baseline.json')
    const before = baseline.entries.find(entry => entry.name === 'index.html')!.initialLoad.files.reduce((sum, file) => sum + measureGzip(apps.grown, file.replace(/^dist\//, 'dist-before/')), 0)
    const after = report.entries.find(entry => entry.name === 'index.html')!.initialLoad.files.reduce((sum, file) => sum + measureGzip(apps.grown, file), 0)
    expect(diff.entries.find(delta => delta.id === 'index.html')).toMatchObject({ kind: 'grown', deltaGzipBytes: after - before })
    // Chunks are matched by name although every file name changed.
    expect(diff.chunks.find(delta => delta.id === 'index')?.kind).toBe('grown')
    expect(diff.chunks.some(delta => delta.kind === 'added' || delta.kind === 'removed')).toBe(false)
  })

  it('writes budgets and diff that the report schema accepts', () => {
    const schema = JSON.parse(readFileSync(path.join(repoRoot, 'packages/core/schema/report.schema.json'), 'utf8'))
    const validate = new Ajv2020({ allErrors: true, strict: true }).compile(schema)
    for (const app of [apps.base, apps.grown, apps.failing]) {
      const report = readReport(app)
      expect(report.budgets.length).toBeGreaterThan(0)
      expect(validate(report), JSON.stringify(validate.errors)).toBe(true)
    }
    expect(readReport(apps.grown).diff).not.toBeNull()
  })

  it('warns through a growth budget naming the package', () => {
    const report = readReport(apps.grown)
    const growth = report.budgets.find(result => result.label === 'growth of package lodash (gzip)')!
    expect(growth.level).toBe('warn')
    expect(outcomes.grown.warnings.some(text => text.includes('growth of package lodash (gzip): grew +'))).toBe(true)
  })

  it('prints the same diff from the CLI', async () => {
    const report = readReport(apps.grown)
    const lodash = report.diff!.packages.find(delta => delta.id === 'lodash')!
    const run = await runCommand(apps.grown, ['diff', '.weighbridge/baseline.json', '.weighbridge/report.json'])
    expect(run.stderr).toBe('')
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(new RegExp(`\\+ lodash\\s+\\${formatDeltaBytes(lodash.deltaGzipBytes!)} gzip  \\(added, `))
    const json = await runCommand(apps.grown, ['diff', '.weighbridge/baseline.json', '.weighbridge/report.json', '--json'])
    expect(JSON.parse(json.stdout).packages).toEqual(report.diff!.packages)
  })

  it('fails on a corrupted baseline naming the file, and leaves it untouched', () => {
    const error = outcomes.broken.error
    expect(error).not.toBeNull()
    expect(error!.message).toMatch(/baseline .*\.weighbridge\/baseline\.json is not valid JSON \(.*\), it may be truncated or corrupted/)
    expect(readFileSync(path.join(apps.broken, '.weighbridge/baseline.json'), 'utf8')).toBe(corruptBaseline)
    expect(existsSync(path.join(apps.broken, '.weighbridge/report.json'))).toBe(true)
  })

  it('rejects a future-schema baseline in `check`, leaving it untouched', async () => {
    const future = path.join(apps.broken, 'future-baseline.json')
    const text = JSON.stringify({ ...readReport(apps.base), schemaVersion: 99 })
    writeFileSync(future, text)
    const mtimeMs = statSync(future).mtimeMs
    writeFileSync(path.join(apps.broken, 'weighbridge.config.json'), JSON.stringify({ budgets: [{ kind: 'growth', limit: '10%' }] }))
    const run = await runCommand(apps.broken, ['check', '--baseline', 'future-baseline.json'])
    expect(run.code).toBe(2)
    expect(run.stderr).toBe('weighbridge check: baseline future-baseline.json has schemaVersion 99, newer than this weighbridge reads (1); upgrade weighbridge, or save a new one with `weighbridge baseline save` (or delete it)\n')
    expect(readFileSync(future, 'utf8')).toBe(text)
    expect(statSync(future).mtimeMs).toBe(mtimeMs)
  })

  it('saves a baseline from the CLI and refuses to overwrite the report with it', async () => {
    const run = await runCommand(apps.base, ['baseline', 'save', '--to', 'baselines/main.json'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^weighbridge baseline: saved \.weighbridge\/report\.json as baselines\/main\.json \(\d+ modules, \d+ chunks, \d+\.\d kB gzip\)\n$/)
    expect(readReport(apps.base, 'baselines/main.json').outputs).toEqual(readReport(apps.base).outputs)
    const same = await runCommand(apps.base, ['baseline', 'save', '--to', '.weighbridge/report.json'])
    expect(same.code).toBe(2)
    const unknown = await runCommand(apps.base, ['baseline', 'load'])
    expect(unknown).toMatchObject({ code: 2, stderr: expect.stringContaining('unknown action "load"') })
  })
})

describe('weighbridge check, budgets suggest and CI output', () => {
  it('bad budgets in plugin options are all reported before the build starts', () => {
    expect(() => weighbridgeVite({ budgets: [
      { kind: 'intial', limit: '10 kB' },
      { kind: 'initial', limit: '12 kbs' },
      { kind: 'total', limit: -5 },
    ] as never })).toThrowError(/3 invalid Weighbridge options:\n {2}- budgets\[0\]\.kind: got 'intial', .*did you mean 'initial'\?\n {2}- budgets\[1\]\.limit: got '12 kbs', expected a size like '170 kB'.*\n {2}- budgets\[2\]\.limit: got -5, .*not negative/)
  })

  it('exits 1 on a broken budget from a weighbridge.config.ts, with annotations and a step summary', async () => {
    writeFileSync(path.join(apps.base, 'weighbridge.config.ts'), [
      `import { defineConfig } from 'weighbridge'`,
      `const limit: string = '2 kB'`,
      `export default defineConfig({ budgets: [{ kind: 'initial', limit }, { kind: 'asset', match: '*.png', limit: '1 kB' }] })`,
      '',
    ].join('\n'))
    const summaryFile = path.join(tmp, 'step-summary.md')
    const run = await runCommand(apps.base, ['check'], { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summaryFile })
    expect(run.stderr).toBe('')
    expect(run.code).toBe(1)
    const report = readReport(apps.base)
    const zlibGzip = report.entries.find(entry => entry.name === 'index.html')!.initialLoad.files.reduce((sum, file) => sum + measureGzip(apps.base, file), 0)
    expect(run.stdout).toContain(`✖ budgets[0] initial load of index.html (gzip): ${(zlibGzip / 1000).toFixed(1)} kB > error limit 2 kB`)
    expect(run.stdout).toContain(`! budgets[1]: asset glob '*.png' matches nothing in this build`)
    expect(run.stdout).toContain('Budgets: 1 over the error limit, 0 over the warn limit, 0 within.')
    const annotation = run.stdout.split('\n').find(line => line.startsWith('::error '))!
    expect(annotation).toMatch(/^::error file=weighbridge\.config\.ts,title=Weighbridge budget budgets\[0\]%3A initial load of index\.html \(gzip\)::budgets\[0\] initial load .*%0ALargest: lodash-es/)
    const summary = readFileSync(summaryFile, 'utf8')
    expect(summary).toMatch(/^## Weighbridge: ❌ 1 of 1 budgets broken/)
    expect(summary).toContain('| ❌ | initial load of index.html (gzip) <sub>budgets[0]</sub> |')
  })

  it('exits 2 on an invalid config and 0 when budgets only warn', async () => {
    writeFileSync(path.join(apps.base, 'weighbridge.config.ts'), `export default { budgets: [{ kind: 'initial', limit: '12 kbs' }], baseine: 'x.json' }\n`)
    const invalid = await runCommand(apps.base, ['check'])
    expect(invalid.code).toBe(2)
    expect(invalid.stderr).toBe([
      'weighbridge check: weighbridge.config.ts: 2 problems:',
      `  - baseine: unknown setting; did you mean 'baseline'?`,
      `  - budgets[0].limit: got '12 kbs', expected a size like '170 kB', '1.5 MB', '64 KiB' or a number of bytes (kB = 1,000 bytes, KiB = 1,024)`,
      '',
    ].join('\n'))
    writeFileSync(path.join(apps.base, 'weighbridge.config.ts'), `export default { budgets: [{ kind: 'initial', warn: '2 kB', error: '1 MB' }] }\n`)
    const warned = await runCommand(apps.base, ['check'])
    expect(warned.code).toBe(0)
    expect(warned.stdout).toContain('⚠ budgets[0] initial load of index.html (gzip)')
    const missing = await runCommand(apps.base, ['check', 'nope/report.json'])
    expect(missing).toMatchObject({ code: 2, stderr: expect.stringContaining('report nope/report.json does not exist') })
  })

  it('suggests budgets at today\'s sizes plus headroom that pass `check` when pasted', async () => {
    const suggest = await runCommand(apps.base, ['budgets', 'suggest', '--headroom', '10%'])
    expect(suggest.stderr).toBe('')
    expect(suggest.code).toBe(0)
    const report = readReport(apps.base)
    const initialGzip = report.entries.find(entry => entry.name === 'index.html')!.initialLoad.files.reduce((sum, file) => sum + measureGzip(apps.base, file), 0)
    expect(suggest.stdout).toContain(`{ kind: 'initial', entry: 'index.html', limit: '`)
    expect(suggest.stdout).toContain(`// today ${(initialGzip / 1000).toFixed(1)} kB gzip`)
    writeFileSync(path.join(apps.base, 'weighbridge.config.ts'), suggest.stdout)
    const check = await runCommand(apps.base, ['check'])
    expect(check.stderr).toBe('')
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(/Budgets: 0 over the error limit, 0 over the warn limit, [1-9]\d* within\./)
    const badHeadroom = await runCommand(apps.base, ['budgets', 'suggest', '--headroom', 'lots'])
    expect(badHeadroom).toMatchObject({ code: 2, stderr: expect.stringContaining('--headroom must be a percentage like 10%') })
  })
})
