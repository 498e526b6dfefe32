/**
 * Benchmark: the BUILT `weighbridge analyze` CLI (packages/weighbridge/bin/weighbridge.mjs → dist/)
 * against the peers on the same artefacts, each tool a fresh `node` process, wall time and peak RSS
 * and CPU time (`process.resourceUsage()`, written on exit by a preloaded script) per run:
 *   1. a webpack stats.json of a generated app (default 20,000 modules) + its dist:
 *      vs webpack-bundle-analyzer's CLI (`-m json`), which computes parsed + gzip sizes per module;
 *   2. the same dist with its source maps: vs source-map-explorer (`--json`), raw bytes per source;
 *   3. `--huge [MB]`: a ~500 MB stats.json written as a stream; weighbridge analyses it with
 *      bounded memory (not in the tests).
 * Compared like with like: our default (gzip 9 + brotli 11, report.json + report.html) and our
 * setting that computes and writes what the peer does (`--brotli false` for webpack-bundle-analyzer's
 * gzip, `--gzip false --brotli false` for source-map-explorer's raw bytes, both with `--no-html`: the
 * peers write a JSON file only); the ratios are printed for both.
 *
 *   npx -y pnpm@10 --filter 'weighbridge...' run build     # the CLI under test
 *   cd bench && npx tsx cli-analyze.ts [moduleCount] [--runs 3] [--huge [500]] [--only stats|dist|huge]
 *
 * The generated app, its build and the huge file are cached in bench/.tmp/cli-analyze-v<gen>-<count>/.
 */
import { spawn } from 'node:child_process'
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { APP_GENERATION, buildApp, generateApp, writeHugeStats } from './cli-analyze-app'

const here = path.dirname(fileURLToPath(import.meta.url))
const repo = path.resolve(here, '..')
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    runs: { type: 'string', default: '3' },
    huge: { type: 'boolean', default: false },
    only: { type: 'string', multiple: true },
  },
})
const moduleCount = Number(positionals[0] ?? 20_000)
const hugeMegabytes = Number(positionals[1] ?? 500)
const runs = Number(flags.runs)
const only = new Set(flags.only ?? ['stats', 'dist', ...(flags.huge ? ['huge'] : [])])
const work = path.join(here, '.tmp', `cli-analyze-v${APP_GENERATION}-${moduleCount}`)
const app = path.join(work, 'app')
const dist = path.join(work, 'dist')
const statsFile = path.join(work, 'stats.json')
const out = path.join(work, 'out')
const rssProbe = path.join(work, 'report-resource-usage.cjs')

const weighbridgeBin = path.join(repo, 'packages/weighbridge/bin/weighbridge.mjs')
const wbaBin = path.join(here, 'node_modules/webpack-bundle-analyzer/lib/bin/analyzer.js')
const smeBin = path.join(here, 'node_modules/source-map-explorer/bin/cli.js')

interface Sample {
  wallMs: number
  /** User + system CPU time of the whole process (all threads): steadier than wall time on a busy machine. */
  cpuMs: number
  maxRssBytes: number
}

interface Row {
  label: string
  samples: Sample[]
}

/** Runs `node [probe] script ...args` to completion; wall time around the process, its peak RSS from the probe. */
async function runTool(script: string, args: string[]): Promise<Sample> {
  const rssFile = path.join(out, `rss-${process.pid}-${Math.random().toString(36).slice(2)}.txt`)
  const start = performance.now()
  const child = spawn(process.execPath, ['--require', rssProbe, script, ...args], {
    cwd: app,
    env: { ...process.env, NO_COLOR: '1', BENCH_MAX_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString()
  })
  const code = await new Promise<number | null>(resolve => child.on('exit', resolve))
  const wallMs = performance.now() - start
  if (code !== 0)
    throw new Error(`${path.basename(script)} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 2000)}`)
  const usage = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as NodeJS.ResourceUsage
  fs.rmSync(rssFile)
  return { wallMs, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, maxRssBytes: usage.maxRSS * 1024 }
}

async function measure(label: string, script: string, args: string[]): Promise<Row> {
  const samples: Sample[] = []
  for (let run = 0; run < runs; run++)
    samples.push(await runTool(script, args))
  const row = { label, samples }
  console.log(formatRow(row))
  return row
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

const wallOf = (row: Row): number => median(row.samples.map(s => s.wallMs))
const cpuOf = (row: Row): number => median(row.samples.map(s => s.cpuMs))
const rssOf = (row: Row): number => median(row.samples.map(s => s.maxRssBytes))

function formatRow(row: Row): string {
  const walls = row.samples.map(s => (s.wallMs / 1000).toFixed(2)).join(' / ')
  return `${row.label.padEnd(58)} ${(wallOf(row) / 1000).toFixed(2).padStart(6)} s wall ${(cpuOf(row) / 1000).toFixed(2).padStart(6)} s CPU ${(rssOf(row) / 1e6).toFixed(0).padStart(5)} MB peak RSS   (wall runs: ${walls} s)`
}

function formatRatio(ours: Row, peer: Row): string {
  return `${ours.label} / ${peer.label}: wall ${(wallOf(ours) / wallOf(peer)).toFixed(2)}×, CPU ${(cpuOf(ours) / cpuOf(peer)).toFixed(2)}×, peak RSS ${(rssOf(ours) / rssOf(peer)).toFixed(2)}×`
}

async function prepare(): Promise<void> {
  fs.mkdirSync(out, { recursive: true })
  fs.writeFileSync(rssProbe, `process.on('exit', () => require('node:fs').writeFileSync(process.env.BENCH_MAX_RSS_FILE, JSON.stringify(process.resourceUsage())))\n`)
  if (!fs.existsSync(path.join(repo, 'packages/weighbridge/dist/cli.mjs')))
    throw new Error('the built CLI is missing: run `npx -y pnpm@10 --filter \'weighbridge...\' run build` first')
  if (!fs.existsSync(statsFile)) {
    generateApp(app, moduleCount)
    const { STATS_OPTIONS } = await import('../packages/weighbridge/src/importers/webpack-stats')
    const buildMs = await buildApp(app, dist, statsFile, STATS_OPTIONS)
    console.log(`built ${moduleCount} modules with webpack in ${(buildMs / 1000).toFixed(1)} s`)
  }
}

async function main(): Promise<void> {
  await prepare()
  const distFiles = fs.readdirSync(dist)
  const jsFiles = distFiles.filter(f => f.endsWith('.js')).map(f => path.join(dist, f))
  const jsBytes = jsFiles.reduce((sum, f) => sum + fs.statSync(f).size, 0)
  console.log(`node ${process.version}, ${os.availableParallelism()} cores, load ${os.loadavg().map(l => l.toFixed(1)).join(' ')}; median of ${runs} runs`)
  console.log(`app: ${moduleCount} modules; stats.json ${(fs.statSync(statsFile).size / 1e6).toFixed(1)} MB; dist ${jsFiles.length} JS files, ${(jsBytes / 1e6).toFixed(2)} MB of JS (+ maps)`)
  const startup = await measure('weighbridge --help (start-up)', weighbridgeBin, ['--help'])
  const ratios: string[] = []

  if (only.has('stats')) {
    const wbDefault = await measure('weighbridge analyze stats.json (gzip+brotli, default)', weighbridgeBin, ['analyze', statsFile, '--dist', dist, '--out', path.join(out, 'wb-stats.json')])
    const wbGzip = await measure('weighbridge analyze stats.json --brotli false (gzip, JSON only)', weighbridgeBin, ['analyze', statsFile, '--dist', dist, '--brotli', 'false', '--no-html', '--out', path.join(out, 'wb-stats-gzip.json')])
    const wba = await measure('webpack-bundle-analyzer -m json (parsed+gzip)', wbaBin, [statsFile, dist, '-m', 'json', '-r', path.join(out, 'wba.json'), '-l', 'silent'])
    ratios.push(formatRatio(wbGzip, wba), formatRatio(wbDefault, wba))
  }
  if (only.has('dist')) {
    const wbDefault = await measure('weighbridge analyze dist/ (gzip+brotli, default)', weighbridgeBin, ['analyze', dist, '--out', path.join(out, 'wb-dist.json')])
    const wbRaw = await measure('weighbridge analyze dist/ --gzip false --brotli false (raw, JSON only)', weighbridgeBin, ['analyze', dist, '--gzip', 'false', '--brotli', 'false', '--no-html', '--out', path.join(out, 'wb-dist-raw.json')])
    const sme = await measure('source-map-explorer --json --no-border-checks (raw)', smeBin, [...jsFiles, '--json', path.join(out, 'sme.json'), '--no-border-checks'])
    ratios.push(formatRatio(wbRaw, sme), formatRatio(wbDefault, sme))
    checkDistAgreement()
  }
  if (only.has('huge')) {
    const hugeFile = path.join(work, `stats-${hugeMegabytes}mb.json`)
    if (!fs.existsSync(hugeFile)) {
      const sizeBytes = await writeHugeStats(statsFile, hugeFile, hugeMegabytes * 1e6)
      console.log(`wrote ${path.relative(here, hugeFile)}: ${(sizeBytes / 1e6).toFixed(0)} MB`)
    }
    const small = await measure(`weighbridge analyze stats.json (${(fs.statSync(statsFile).size / 1e6).toFixed(0)} MB) --brotli false`, weighbridgeBin, ['analyze', statsFile, '--dist', dist, '--brotli', 'false', '--no-html', '--out', path.join(out, 'wb-small.json')])
    const huge = await measure(`weighbridge analyze stats.json (${(fs.statSync(hugeFile).size / 1e6).toFixed(0)} MB) --brotli false`, weighbridgeBin, ['analyze', hugeFile, '--dist', dist, '--brotli', 'false', '--no-html', '--out', path.join(out, 'wb-huge.json')])
    const same = fs.readFileSync(path.join(out, 'wb-small.json'), 'utf8') === fs.readFileSync(path.join(out, 'wb-huge.json'), 'utf8')
    ratios.push(`huge / small stats: file ${(fs.statSync(hugeFile).size / fs.statSync(statsFile).size).toFixed(1)}×, peak RSS ${(rssOf(huge) / rssOf(small)).toFixed(2)}× (${(rssOf(huge) / 1e6).toFixed(0)} MB); same report: ${same}`)
  }
  console.log(`\n${formatRow(startup)}`)
  for (const line of ratios)
    console.log(line)
}

/** The dist report must name every source the maps name (source-map-explorer's list) and attribute ≥ 99 % of the JS. */
function checkDistAgreement(): void {
  const wb = JSON.parse(fs.readFileSync(path.join(out, 'wb-dist-raw.json'), 'utf8')) as { modules: { id: string }[], chunks: { kind: string, glue: { rawBytes: number }, modules: { rawBytes: number }[] }[] }
  const sme = JSON.parse(fs.readFileSync(path.join(out, 'sme.json'), 'utf8')) as { results: { files: Record<string, unknown> }[] }
  const smeSources = new Set(sme.results.flatMap(result => Object.keys(result.files)).filter(name => !name.startsWith('[')))
  let moduleBytes = 0
  let totalBytes = 0
  for (const chunk of wb.chunks.filter(c => c.kind === 'js')) {
    totalBytes += chunk.glue.rawBytes
    for (const m of chunk.modules) {
      moduleBytes += m.rawBytes
      totalBytes += m.rawBytes
    }
  }
  console.log(`dist: weighbridge names ${wb.modules.length} modules, source-map-explorer ${smeSources.size} sources; weighbridge attributes ${(moduleBytes / totalBytes * 100).toFixed(2)} % of the JS bytes`)
}

await main()
