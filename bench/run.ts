/**
 * `pnpm bench` (from the repository root: builds the packages, then runs this) runs the bench
 * sections and writes bench/RESULTS.md. Weighbridge runs from the built packages/<name>/dist, as users run it.
 *
 *   pnpm bench                       default (~15 min on 2 cores): Vite builds of the example app (5 runs),
 *                                    5k (3) and 20k (2) apps, peers fewer runs; findings analyses; split planning
 *   pnpm bench --quick               1 run, example + 5k apps, writes bench/.tmp/RESULTS.quick.md
 *   pnpm bench --full                7 / 5 / 3 runs of every variant
 *   pnpm bench --sections all        also cli-analyze, report-vs-peers, runtime, webpack-overhead
 *   pnpm bench --runs example=5,5k=3,20k=2 --peer-runs 1 --apps example,5k --variants plain,weighbridge-cold,sonda
 *   pnpm bench --sections vite-builds --out /tmp/results.md
 */
import { readdirSync, statSync } from 'node:fs'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { packagesEnvName } from './src/child-process'
import { readMachineInfo } from './src/machine'
import type { BenchContext, BenchMode, BenchOptions } from './src/section'
import { sections } from './src/sections/index'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(benchDir, '..')
const tmpDir = join(benchDir, '.tmp')

class UserError extends Error {}

const appKeys = ['example', '5k', '20k']
/** Measured runs per app of plain and the Weighbridge variants, and of the peers (and their plain+sourcemap baseline). */
const runsByMode: Record<BenchMode, { runs: Record<string, number>, peerRuns: Record<string, number> }> = {
  'quick': { runs: { 'example': 1, '5k': 1, '20k': 1 }, peerRuns: { 'example': 1, '5k': 1, '20k': 1 } },
  // The example app builds in ~0.4 s and its plain build alone swings 0.33-0.66 s on 2 cores: 11 runs.
  'default': { runs: { 'example': 11, '5k': 3, '20k': 2 }, peerRuns: { 'example': 3, '5k': 2, '20k': 1 } },
  'full': { runs: { 'example': 15, '5k': 5, '20k': 3 }, peerRuns: { 'example': 7, '5k': 5, '20k': 3 } },
}

/** `5` (every app) or `example=5,5k=3,20k=2` (the apps named; the others keep `fallback`). */
function readRunCounts(name: string, text: string | undefined, fallback: Record<string, number>): Record<string, number> {
  if (text === undefined) return { ...fallback }
  const readCount = (value: string): number => {
    const count = Number(value)
    if (!Number.isInteger(count) || count < 1) throw new UserError(`--${name} must be a whole number of runs, at least 1, or app=N pairs (example=5,5k=3,20k=2); received "${text}"`)
    return count
  }
  if (!text.includes('=')) return Object.fromEntries(appKeys.map(key => [key, readCount(text)]))
  const counts = { ...fallback }
  for (const pair of text.split(',').map(item => item.trim()).filter(item => item !== '')) {
    const [key, value = ''] = pair.split('=')
    if (!appKeys.includes(key!)) throw new UserError(`--${name}: unknown app "${key}" in "${text}"; known: ${appKeys.join(', ')}`)
    counts[key!] = readCount(value)
  }
  return counts
}

function readOptions(): BenchOptions & { sections: string[], out: string } {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        'quick': { type: 'boolean', default: false },
        'full': { type: 'boolean', default: false },
        'runs': { type: 'string' },
        'peer-runs': { type: 'string' },
        'apps': { type: 'string', default: '' },
        'variants': { type: 'string', default: '' },
        'sections': { type: 'string', default: '' },
        'out': { type: 'string' },
      },
      strict: true,
    })
  } catch (error) {
    throw new UserError(`${(error as Error).message}; options: --quick, --full, --runs N|app=N,..., --peer-runs N|app=N,..., --apps a,b, --variants a,b, --sections a,b|all, --out FILE`)
  }
  const { values } = parsed
  if (values.quick && values.full) throw new UserError('--quick and --full exclude each other; pass one of them (or neither for the default run)')
  const mode: BenchMode = values.quick ? 'quick' : values.full ? 'full' : 'default'
  const runsByApp = readRunCounts('runs', values.runs, runsByMode[mode].runs)
  const peerRunsByApp = readRunCounts('peer-runs', values['peer-runs'], Object.fromEntries(appKeys.map(key => [key, Math.min(runsByMode[mode].peerRuns[key]!, runsByApp[key]!)])))
  const readList = (text: string): string[] => text.split(',').map(item => item.trim()).filter(item => item !== '')
  return {
    mode,
    quick: mode === 'quick',
    runs: runsByApp.example!,
    runsByApp,
    peerRunsByApp,
    apps: readList(values.apps),
    variants: readList(values.variants),
    packages: 'dist',
    sections: readList(values.sections),
    out: values.out ?? (mode === 'quick' ? join(tmpDir, 'RESULTS.quick.md') : join(benchDir, 'RESULTS.md')),
  }
}

/** The version of a package installed for the bench (all compared tools are bench dependencies). */
async function readVersion(packageName: string): Promise<string> {
  try {
    const manifest = JSON.parse(await readFile(join(benchDir, 'node_modules', packageName, 'package.json'), 'utf8')) as { version?: string }
    return manifest.version ?? 'unknown'
  } catch {
    return 'not installed'
  }
}

async function writeFileAtomically(path: string, contents: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const temporary = `${path}.${process.pid}.tmp`
  await writeFile(temporary, contents)
  await rename(temporary, path)
}

/** The modification times of the files under `folder` folded with `pick` (`initial` when there are none). */
function foldMtimesMs(folder: string, pick: (mtimeMs: number, newest: number) => number, initial: number): number {
  let result = initial
  try {
    for (const entry of readdirSync(folder, { recursive: true, withFileTypes: true })) {
      if (entry.isFile()) result = pick(statSync(join(entry.parentPath, entry.name)).mtimeMs, result)
    }
  } catch {
    // missing folder: the initial value says so
  }
  return result
}

/**
 * The built packages the bench loads: each must have a dist; a dist older than its sources is
 * reported (the root `pnpm bench` builds right before, so that happens when someone edits meanwhile
 * or runs the bench package's script alone).
 */
function checkBuiltPackages(): { builtAt: string, staleNotes: string[] } {
  const staleNotes: string[] = []
  let oldestBuildMs = Infinity
  let newestBuildMs = 0
  for (const name of ['core', 'report', 'runtime', 'weighbridge']) {
    const packageDir = join(repoRoot, 'packages', name)
    const distOldestMs = foldMtimesMs(join(packageDir, 'dist'), Math.min, Infinity)
    if (distOldestMs === Infinity) throw new UserError(`packages/${name}/dist is missing: the bench measures the built packages; run \`pnpm bench\` from the repository root (it builds them first) or \`pnpm --filter "weighbridge..." run build\``)
    const sourceNewestMs = foldMtimesMs(join(packageDir, 'src'), Math.max, 0)
    if (sourceNewestMs > distOldestMs) staleNotes.push(`packages/${name}/src changed after packages/${name}/dist was written (${new Date(sourceNewestMs).toISOString().slice(11, 19)} > ${new Date(distOldestMs).toISOString().slice(11, 19)} UTC)`)
    oldestBuildMs = Math.min(oldestBuildMs, distOldestMs)
    newestBuildMs = Math.max(newestBuildMs, foldMtimesMs(join(packageDir, 'dist'), Math.max, 0))
  }
  const formatTime = (timeMs: number): string => new Date(timeMs).toISOString().replace('T', ' ').slice(0, 19)
  // turbo leaves the files of a package whose inputs did not change as they were: a range, not one time.
  return { builtAt: `${formatTime(oldestBuildMs)} to ${formatTime(newestBuildMs).slice(11)}`, staleNotes }
}

function describeRuns(options: BenchOptions): string {
  return appKeys.map(key => `${key} ${options.runsByApp[key]}${options.peerRunsByApp[key] !== options.runsByApp[key] ? ` (peers ${options.peerRunsByApp[key]})` : ''}`).join(', ')
}

async function main(): Promise<void> {
  const options = readOptions()
  const wantsAll = options.sections.includes('all')
  const unknownSections = options.sections.filter(name => name !== 'all' && !sections.some(section => section.name === name))
  if (unknownSections.length > 0) throw new UserError(`Unknown section ${unknownSections.join(', ')} in --sections; known: ${sections.map(section => section.name).join(', ')}, or all`)
  const selected = wantsAll ? sections : options.sections.length > 0 ? sections.filter(section => options.sections.includes(section.name)) : sections.filter(section => section.runsByDefault === true)

  const built = checkBuiltPackages()
  // Every bench child (and the children of spawned bench scripts) loads the built packages.
  process.env[packagesEnvName] = options.packages
  const machine = readMachineInfo(repoRoot)
  const startedAt = Date.now()
  const context: BenchContext = {
    options,
    benchDir,
    repoRoot,
    tmpDir,
    log: message => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}`),
  }
  const command = `pnpm bench${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}`
  console.log(`Weighbridge bench (${options.mode}): ${machine.cores} cores, Node ${machine.node}, load average ${machine.loadAverage.toFixed(1)}; sections ${selected.map(section => section.name).join(', ')}; runs ${describeRuns(options)}`)
  console.log(`Weighbridge from packages/*/dist (files written ${built.builtAt} UTC)`)
  for (const note of built.staleNotes) console.log(`warning: ${note}; the bench measures the build, not these edits`)
  if (machine.loadAverage > machine.cores) console.log(`warning: load average ${machine.loadAverage.toFixed(1)} is above the ${machine.cores} cores: other work is running and wall times will be inflated (CPU times less so)`)

  const markdownParts: string[] = []
  const data: Record<string, unknown> = {}
  const failedSections: string[] = []
  for (const section of selected) {
    context.log(`section ${section.name}: ${section.description}`)
    let result
    try {
      result = await section.run(context)
    } catch (error) {
      if (error instanceof UserError) throw error
      const message = (error as Error).message
      context.log(`section ${section.name} FAILED: ${message}`)
      result = { markdown: `## ${section.name}\n\n**Failed**: ${message}`, consoleText: `section ${section.name} failed: ${message}`, data: { error: message }, failed: true }
    }
    console.log(`\n${result.consoleText}\n`)
    if (result.failed) failedSections.push(section.name)
    markdownParts.push(result.markdown)
    data[section.name] = result.data
  }

  const versions = Object.fromEntries(await Promise.all(['vite', 'rollup-plugin-visualizer', 'sonda', 'weighbridge'].map(async name => [name, await readVersion(name)] as const)))
  const durationMin = (Date.now() - startedAt) / 60_000
  const markdown = [
    '# Weighbridge benchmarks',
    '',
    `Measured ${machine.date}${machine.commit ? ` at commit \`${machine.commit}\`${machine.changedFileCount > 0 ? ` (plus uncommitted changes in ${machine.changedFileCount} files)` : ''}` : ''}, with \`${command}\` from the repository root (${durationMin.toFixed(0)} min). The root script first builds the packages (\`turbo run build --filter=weighbridge...\`), then runs \`bench/run.ts\`.`,
    '',
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 1e9).toFixed(1)} GB memory, ${machine.platform}`,
    `- Load average (1 min) at start ${machine.loadAverage.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)} (${machine.cores} cores): above the core count, other work was running and wall times are inflated.`,
    `- Node ${machine.node}; ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}`,
    `- Weighbridge as users run it: the built packages/*/dist (files written ${built.builtAt} UTC), loaded by plain \`node\`; checked in every build child.${built.staleNotes.length > 0 ? ` **Sources changed after that build**: ${built.staleNotes.join('; ')}.` : ''}`,
    `- Mode ${options.mode}; Vite build runs per app: ${describeRuns(options)}. Sections: ${selected.map(section => section.name).join(', ')}.`,
    '- Apps are generated with a seeded PRNG (bench/src/generate-app.ts): the same on every machine.',
    '- Sizes: kB = 1,000 bytes, MB = 1,000,000 bytes.',
    ...(failedSections.length > 0 ? [`- **Failed sections**: ${failedSections.join(', ')} (see below).`] : []),
    '',
    ...markdownParts.flatMap(part => [part, '']),
  ].join('\n')
  await writeFileAtomically(options.out, markdown)
  await writeFileAtomically(join(tmpDir, 'results.json'), `${JSON.stringify({ machine, versions, options, command, built, data }, null, 2)}\n`)
  console.log(`Wrote ${relative(process.cwd(), options.out) || options.out} and ${relative(process.cwd(), join(tmpDir, 'results.json'))}`)
  if (failedSections.length > 0) {
    console.error(`bench: section ${failedSections.join(', ')} failed; see ${relative(process.cwd(), options.out) || options.out}`)
    process.exitCode = 1
  }
}

main().catch((error: unknown) => {
  if (error instanceof UserError) console.error(`bench: ${error.message}`)
  else console.error(error)
  process.exitCode = 1
})
