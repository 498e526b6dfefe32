/**
 * The bench harness on a small generated app: the generator is reproducible, its app builds with
 * Vite and runs in Chromium, the build child reports real figures (files on disk, Vite's output)
 * and where each package resolved from, a child compiled for plain `node` (how `pnpm bench` runs
 * them, packages from dist) refuses to run when Weighbridge would load from its sources, the
 * compression floor (run that compiled way) compresses exactly what zlib does on the same files,
 * and `pnpm bench`'s argument mistakes are one readable line.
 */
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import path from 'node:path'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { compileChildScript, runChild } from '../bench/src/child-process'
import { listCompressibleFiles, type CompressionFloor } from '../bench/src/compression-floor'
import { generateApp, type GeneratedApp } from '../bench/src/generate-app'
import type { BenchContext } from '../bench/src/section'
import { createScriptSection, nestMarkdown } from '../bench/src/sections/scripts'
import type { ViteBuildJob, ViteBuildResult } from '../bench/src/vite-build-child'
import { createTempDir, launchBrowser, openWatchedPage } from './report-helpers/browser'

const benchSrc = path.resolve(import.meta.dirname, '../bench/src')
const repoRoot = path.resolve(import.meta.dirname, '..')

/** Hashes of the generated sources (index.html and src/), by path. */
function hashSources(root: string): Map<string, string> {
  const hashes = new Map<string, string>()
  for (const entry of readdirSync(root, { recursive: true, withFileTypes: true })) {
    const file = path.join(entry.parentPath, entry.name)
    const relative = path.relative(root, file)
    if (!entry.isFile() || !(relative === 'index.html' || relative.startsWith('src/'))) continue
    hashes.set(relative, createHash('sha256').update(readFileSync(file)).digest('hex'))
  }
  return hashes
}

function listSourceFiles(root: string): string[] {
  return readdirSync(path.join(root, 'src'), { recursive: true, withFileTypes: true }).filter(entry => entry.isFile()).map(entry => entry.name)
}

describe('bench harness', () => {
  let workDir: string
  let app: GeneratedApp
  let plain: ViteBuildResult & { wallMs: number }
  let visualizer: ViteBuildResult & { wallMs: number }
  let weighbridge: ViteBuildResult & { wallMs: number }
  let floor: CompressionFloor
  let floorFiles: string[]

  const runBuild = async (variant: string): Promise<ViteBuildResult & { wallMs: number }> => {
    const job: ViteBuildJob = { appRoot: app.root, outDir: path.join(workDir, 'out', variant), reportDir: path.join(workDir, 'reports', variant), variant }
    const { result, wallMs } = await runChild<ViteBuildResult>({
      script: path.join(benchSrc, 'vite-build-child.ts'),
      argument: job,
      cwd: app.root,
      logFile: path.join(workDir, 'logs', `${variant}.log`),
      timeoutMs: 120_000,
    })
    return { ...result, wallMs }
  }

  beforeAll(async () => {
    workDir = createTempDir('bench-harness')
    app = await generateApp({ name: 'app-a', moduleCount: 400, seed: 7 }, path.join(workDir, 'apps'))
    plain = await runBuild('plain')
    visualizer = await runBuild('visualizer')
    weighbridge = await runBuild('weighbridge-fast')
    floorFiles = await listCompressibleFiles(path.join(workDir, 'out/plain'))
    // Compiled to .mjs and run by plain node, as `pnpm bench` runs its children (the floor imports no workspace package).
    floor = (await runChild<CompressionFloor>({
      script: path.join(benchSrc, 'compression-floor-child.ts'),
      argument: floorFiles,
      cwd: workDir,
      logFile: path.join(workDir, 'logs/floor.log'),
      timeoutMs: 120_000,
      packages: 'dist',
    })).result
  })

  afterAll(() => {
    if (workDir) rmSync(workDir, { recursive: true, force: true })
  })

  it('generates the same app from the same seed, another app from another seed, with the asked number of source files', async () => {
    expect(listSourceFiles(app.root)).toHaveLength(400)
    expect(app.moduleCount).toBe(400)
    const again = await generateApp({ name: 'app-a', moduleCount: 400, seed: 7 }, path.join(workDir, 'apps-again'))
    expect(hashSources(again.root)).toEqual(hashSources(app.root))
    const other = await generateApp({ name: 'app-a', moduleCount: 400, seed: 8 }, path.join(workDir, 'apps-other'))
    expect(hashSources(other.root)).not.toEqual(hashSources(app.root))
    const sourceBytes = [...readdirSync(path.join(app.root, 'src'), { recursive: true, withFileTypes: true })]
      .filter(entry => entry.isFile())
      .reduce((sum, entry) => sum + statSync(path.join(entry.parentPath, entry.name)).size, 0)
    expect(sourceBytes + statSync(path.join(app.root, 'index.html')).size).toBe(app.sourceBytes)
  })

  it('builds the generated app into route chunks, with npm packages and CSS, in a child process that reports real figures', () => {
    const assets = readdirSync(path.join(workDir, 'out/plain/assets'))
    const routeChunks = assets.filter(file => /^page-.*\.js$/.test(file))
    expect(routeChunks).toHaveLength(app.routeCount)
    expect(assets.some(file => file.endsWith('.css'))).toBe(true)
    // Every generated TS file that tree-shaking keeps is in the output, plus lodash-es / date-fns modules.
    expect(plain.moduleCount).toBeGreaterThan(listSourceFiles(app.root).filter(file => file.endsWith('.ts')).length * 0.9)
    expect(plain.buildMs).toBeGreaterThan(0)
    expect(plain.buildMs).toBeLessThan(plain.wallMs)
    expect(plain.maxRssBytes).toBeGreaterThan(50_000_000)
    expect(plain.reportFiles).toEqual([])
    expect(visualizer.moduleCount).toBe(plain.moduleCount)
    expect(visualizer.reportFiles).toHaveLength(1)
    const statsFile = visualizer.reportFiles[0]!
    expect(path.basename(statsFile.path)).toBe('stats.html')
    expect(statsFile.bytes).toBe(statSync(statsFile.path).size)
    expect(readFileSync(statsFile.path, 'utf8')).toContain('lodash-es')
  })

  it('reports where each package resolved from: Weighbridge from its sources in the tests, the peers from node_modules', () => {
    for (const build of [plain, visualizer, weighbridge]) {
      expect(build.resolved['weighbridge/vite']).toBe('packages/weighbridge/src/vite.ts')
      expect(build.resolved['@weighbridge/core']).toBe('packages/core/src/index.ts')
      expect(build.resolved['@weighbridge/report']).toBe('packages/report/src/index.ts')
      for (const peer of ['vite', 'rollup-plugin-visualizer', 'sonda/vite']) {
        expect(build.resolved[peer]).toMatch(/^node_modules\/.+\.[cm]?js$/)
        expect(statSync(path.join(repoRoot, build.resolved[peer]!)).isFile()).toBe(true)
      }
    }
  })

  it('a build child compiled for plain node (packages from dist) stops before building when weighbridge/vite resolves to the sources', async () => {
    const compiled = await compileChildScript(path.join(benchSrc, 'vite-build-child.ts'))
    expect(path.dirname(compiled)).toBe(path.join(repoRoot, 'bench/.tmp'))
    const text = readFileSync(compiled, 'utf8')
    // bench/src is bundled in; packages stay imports resolved at run time.
    expect(text).toContain('function checkPackageResolution')
    expect(text).not.toMatch(/from ["']\.\.?\//)
    expect(text).toContain('import("weighbridge/vite")')
    const outDir = path.join(workDir, 'out/refused')
    const refused = runChild<ViteBuildResult>({
      script: path.join(benchSrc, 'vite-build-child.ts'),
      argument: { appRoot: app.root, outDir, reportDir: path.join(workDir, 'reports/refused'), variant: 'plain' } satisfies ViteBuildJob,
      cwd: app.root,
      logFile: path.join(workDir, 'logs/refused.log'),
      timeoutMs: 60_000,
      packages: 'dist',
      extraExecArgv: ['--conditions=weighbridge-source'],
    })
    await expect(refused).rejects.toThrow(/expected the packages from dist: weighbridge\/vite resolves to packages\/weighbridge\/src\/vite\.ts, expected packages\/\*\/dist\/\*\.mjs/)
    await expect(refused).rejects.toThrow(/@weighbridge\/core resolves to packages\/core\/src\/index\.ts/)
    expect(() => statSync(outDir)).toThrow()
  })

  it('pnpm bench: argument mistakes fail before anything runs, in one line naming the option, the value and the fix', () => {
    const runBench = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'bench/run.ts'), ...args], { cwd: path.join(repoRoot, 'bench'), encoding: 'utf8', timeout: 60_000 })
    const cases: [string[], RegExp][] = [
      [['--quick', '--full'], /^bench: --quick and --full exclude each other; pass one of them/],
      [['--runs', 'example=0'], /^bench: --runs must be a whole number of runs, at least 1, or app=N pairs \(example=5,5k=3,20k=2\); received "example=0"$/],
      [['--peer-runs', '50k=2'], /^bench: --peer-runs: unknown app "50k" in "50k=2"; known: example, 5k, 20k$/],
      [['--sections', 'vite-builds,nope'], /^bench: Unknown section nope in --sections; known: vite-builds, analyses, split, .*, or all$/],
    ]
    for (const [args, message] of cases) {
      const run = runBench(args)
      expect(run.status, `${args.join(' ')}: ${run.stderr}`).toBe(1)
      expect(run.stderr.trim().split('\n')).toHaveLength(1)
      expect(run.stderr.trim()).toMatch(message)
      expect(run.stdout).toBe('')
    }
  })

  it('a standalone script as a section: its lines stream as progress, its markdown nests under the section heading, a failure is marked', async () => {
    const script = path.join(workDir, 'fake-bench.ts')
    // A real script run by the section's `node --import tsx`: prints, writes --out, fails on request.
    writeFileSync(script, [
      `import { writeFileSync } from 'node:fs'`,
      `const out = process.argv[process.argv.indexOf('--out') + 1]!`,
      `const value: number = 21 * 2`,
      `console.log('\\u001B[32mrun 1: ' + value + ' ms\\u001B[39m')`,
      `console.error('a warning')`,
      `writeFileSync(out, '# Fake results\\n\\nMeasured with fake.\\n\\n## Details\\n\\n\\u0060\\u0060\\u0060text\\n# not a heading\\n\\u0060\\u0060\\u0060\\n')`,
      `if (process.argv.includes('--fail')) { console.log('gave up'); process.exit(3) }`,
    ].join('\n'))
    const logged: string[] = []
    const context: BenchContext = {
      options: { mode: 'quick', quick: true, runs: 1, runsByApp: {}, peerRunsByApp: {}, apps: [], variants: [], packages: 'dist' },
      benchDir: path.join(repoRoot, 'bench'),
      repoRoot,
      tmpDir: path.join(workDir, 'bench-tmp'),
      log: (message) => {
        logged.push(message)
      },
    }
    const section = (fail: boolean) => createScriptSection({
      name: fail ? 'fake-failing' : 'fake',
      title: 'Fake section',
      description: 'A fake script',
      runsByDefault: false,
      script,
      args: mode => (fail ? ['--fail', mode] : [mode]),
      writesMarkdown: true,
      timeoutMs: 60_000,
    })
    const passed = await section(false).run(context)
    expect(passed.failed).toBe(false)
    expect(logged).toContain('fake | run 1: 42 ms')
    expect(logged).toContain('fake ! | a warning')
    expect(passed.markdown).toMatch(/^## Fake section\n\nA fake script\. Run by `pnpm bench` as `node --import tsx \S+fake-bench\.ts quick --out \S+fake\.md` in bench\//)
    expect(passed.markdown).toContain('\nMeasured with fake.\n\n### Details\n\n```text\n# not a heading\n```')
    expect(passed.markdown).not.toContain('Fake results')
    expect(readFileSync(path.join(workDir, 'bench-tmp/logs/sections/fake.log'), 'utf8').split('\n').sort()).toEqual(['', 'a warning', 'run 1: 42 ms'])

    const failed = await section(true).run(context)
    expect(failed.failed).toBe(true)
    expect(failed.markdown).toContain('**Failed (exit 3)**; the last lines it printed:')
    // stdout and stderr are two pipes: their lines interleave in either order.
    const shown = /```text\n([^`]*)\n```$/.exec(failed.markdown)?.[1]?.split('\n')
    expect(shown?.sort()).toEqual(['a warning', 'gave up', 'run 1: 42 ms'])
    expect(failed.consoleText).toMatch(/^fake-failing failed \(exit 3\) after /)
    expect(nestMarkdown('# T\n\nx\n## A\n#### B')).toBe('x\n### A\n##### B')
  })

  it('finds the report each Weighbridge variant writes (its own folder), and it describes the files on disk', () => {
    expect(weighbridge.moduleCount).toBe(plain.moduleCount)
    const reportJson = weighbridge.reportFiles.find(file => file.path === path.join(app.root, '.weighbridge-bench-fast/report.json'))
    expect(reportJson, weighbridge.reportFiles.map(file => file.path).join(', ')).toBeDefined()
    expect(reportJson!.bytes).toBe(statSync(reportJson!.path).size)
    const report = JSON.parse(readFileSync(reportJson!.path, 'utf8')) as { outputs: { file: string, rawBytes: number, gzipBytes: number | null, brotliBytes: number | null }[] }
    const outDir = path.join(workDir, 'out/weighbridge-fast')
    const jsOutputs = report.outputs.filter(output => output.file.endsWith('.js'))
    const jsOnDisk = readdirSync(path.join(outDir, 'assets')).filter(file => file.endsWith('.js'))
    expect(jsOutputs).toHaveLength(jsOnDisk.length)
    for (const output of jsOutputs) {
      const bytes = readFileSync(path.join(outDir, 'assets', path.basename(output.file)))
      expect(output.rawBytes).toBe(bytes.length)
      expect(output.gzipBytes).toBe(gzipSync(bytes, { level: 9 }).length)
      // The fast setting measures no brotli.
      expect(output.brotliBytes).toBeNull()
    }
  })

  it('runs in Chromium: the first route renders its generated content without errors', async () => {
    const root = path.join(workDir, 'out/plain')
    const server: Server = createServer((request, response) => {
      const urlPath = new URL(request.url ?? '/', 'http://localhost').pathname
      try {
        const body = readFileSync(path.join(root, urlPath === '/' ? 'index.html' : urlPath))
        response.writeHead(200, { 'content-type': urlPath.endsWith('.js') ? 'text/javascript' : urlPath.endsWith('.css') ? 'text/css' : 'text/html' }).end(body)
      } catch {
        response.writeHead(404).end()
      }
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    const browser = await launchBrowser()
    try {
      const { page, problems } = await openWatchedPage(browser)
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
      await page.waitForSelector('#app pre')
      expect((await page.textContent('#app pre'))!.length).toBeGreaterThan(200)
      expect(await page.locator('nav a').count()).toBe(app.routeCount)
      expect(problems).toEqual([])
    } finally {
      await browser.close()
      await new Promise(resolve => server.close(resolve))
    }
  })

  it('compression floor: compresses every JS/CSS file to exactly what zlib gives on the same file', () => {
    expect(floor.fileCount).toBe(floorFiles.length)
    expect(floorFiles.length).toBeGreaterThan(app.routeCount)
    let rawBytes = 0
    let gzipBytes = 0
    let brotliBytes = 0
    for (const file of floorFiles) {
      const bytes = readFileSync(file)
      rawBytes += bytes.length
      gzipBytes += gzipSync(bytes, { level: 9 }).length
      brotliBytes += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } }).length
    }
    expect(floor.rawBytes).toBe(rawBytes)
    expect(floor.gzipBytes).toBe(gzipBytes)
    expect(floor.brotliBytes).toBe(brotliBytes)
    expect(floor.totalMs).toBeCloseTo(floor.gzipMs + floor.brotliMs, 6)
    expect(floor.gzipMs).toBeGreaterThan(0)
    // Brotli 11 costs far more CPU than gzip 9; the CPU time covers the worker threads.
    expect(floor.brotliMs).toBeGreaterThan(floor.gzipMs)
    expect(floor.cpuMs).toBeGreaterThan(0)
  })
})
