/**
 * `pnpm bench`: runs the bench sections and writes bench/RESULTS.md.
 *
 *   pnpm bench                       full run: example, 5k and 20k apps, 3 runs (2 for 20k)
 *   pnpm bench --quick               one run each, example and 5k only, writes bench/.tmp/RESULTS.quick.md
 *   pnpm bench --runs 5 --runs-large 3 --apps example,5k --variants plain,visualizer
 *   pnpm bench --sections vite-builds --out somewhere.md
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { loadavg } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { readMachineInfo } from './src/machine'
import type { BenchContext, BenchOptions } from './src/section'
import { sections } from './src/sections/index'

const benchDir = dirname(fileURLToPath(import.meta.url))
const repoRoot = join(benchDir, '..')
const tmpDir = join(benchDir, '.tmp')

class UserError extends Error {}

function readOptions(): BenchOptions & { sections: string[], out: string } {
  let parsed
  try {
    parsed = parseArgs({
      options: {
        'quick': { type: 'boolean', default: false },
        'runs': { type: 'string', default: '3' },
        'runs-large': { type: 'string', default: '2' },
        'apps': { type: 'string', default: '' },
        'variants': { type: 'string', default: '' },
        'sections': { type: 'string', default: '' },
        'out': { type: 'string' },
      },
      strict: true,
    })
  } catch (error) {
    throw new UserError(`${(error as Error).message}; options: --quick, --runs N, --runs-large N, --apps a,b, --variants a,b, --sections a,b, --out FILE`)
  }
  const { values } = parsed
  const readCount = (name: string, text: string): number => {
    const count = Number(text)
    if (!Number.isInteger(count) || count < 1) throw new UserError(`--${name} must be a whole number of runs, at least 1; received "${text}"`)
    return count
  }
  const readList = (text: string): string[] => text.split(',').map(item => item.trim()).filter(item => item !== '')
  const quick = values.quick
  return {
    quick,
    runs: readCount('runs', values.runs),
    runsLarge: readCount('runs-large', values['runs-large']),
    apps: readList(values.apps),
    variants: readList(values.variants),
    sections: readList(values.sections),
    out: values.out ?? (quick ? join(tmpDir, 'RESULTS.quick.md') : join(benchDir, 'RESULTS.md')),
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

async function main(): Promise<void> {
  const options = readOptions()
  const unknownSections = options.sections.filter(name => !sections.some(section => section.name === name))
  if (unknownSections.length > 0) throw new UserError(`Unknown section ${unknownSections.join(', ')} in --sections; known: ${sections.map(section => section.name).join(', ')}`)
  const selected = options.sections.length > 0 ? sections.filter(section => options.sections.includes(section.name)) : sections

  const machine = readMachineInfo(repoRoot)
  const startedAt = Date.now()
  const context: BenchContext = {
    options,
    benchDir,
    repoRoot,
    tmpDir,
    log: message => console.log(`[bench ${((Date.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${message}`),
  }
  console.log(`Weighbridge bench: ${machine.cores} cores, Node ${machine.node}, ${options.quick ? 'quick' : 'full'} run`)

  const markdownParts: string[] = []
  const data: Record<string, unknown> = {}
  for (const section of selected) {
    context.log(`section ${section.name}: ${section.description}`)
    const result = await section.run(context)
    console.log(`\n${result.consoleText}\n`)
    markdownParts.push(result.markdown)
    data[section.name] = result.data
  }

  const versions = Object.fromEntries(await Promise.all(['vite', 'rollup-plugin-visualizer', 'sonda', 'weighbridge'].map(async name => [name, await readVersion(name)] as const)))
  const durationMin = (Date.now() - startedAt) / 60_000
  const markdown = [
    '# Weighbridge benchmarks',
    '',
    `Measured ${machine.date}${machine.commit ? ` at commit \`${machine.commit}\`` : ''} with \`pnpm bench${process.argv.slice(2).length > 0 ? ` ${process.argv.slice(2).join(' ')}` : ''}\` (${durationMin.toFixed(0)} min).`,
    '',
    `- Machine: ${machine.cores} cores (${machine.cpuModel}), ${(machine.memoryBytes / 1e9).toFixed(1)} GB memory, ${machine.platform}`,
    `- Load average (1 min) at start ${machine.loadAverage.toFixed(1)}, at end ${loadavg()[0]!.toFixed(1)} (${machine.cores} cores): above the core count, other work was running and wall times are inflated.`,
    `- Node ${machine.node}; ${Object.entries(versions).map(([name, version]) => `${name} ${version}`).join(', ')}`,
    `- Runs: ${options.quick ? '1 per variant (quick)' : `${options.runs} per variant (${options.runsLarge} for the 20k app)`}`,
    '- Apps are generated with a seeded PRNG (bench/src/generate-app.ts): the same on every machine.',
    '- Sizes: kB = 1,000 bytes, MB = 1,000,000 bytes.',
    '',
    ...markdownParts.flatMap(part => [part, '']),
  ].join('\n')
  await writeFileAtomically(options.out, markdown)
  await writeFileAtomically(join(tmpDir, 'results.json'), `${JSON.stringify({ machine, versions, options, data }, null, 2)}\n`)
  console.log(`Wrote ${relative(process.cwd(), options.out) || options.out} and ${relative(process.cwd(), join(tmpDir, 'results.json'))}`)
}

main().catch((error: unknown) => {
  if (error instanceof UserError) console.error(`bench: ${error.message}`)
  else console.error(error)
  process.exitCode = 1
})
