/**
 * The artefacts `cli-analyze.ts` measures: a generated webpack app whose modules survive
 * minification (every module's code is reachable from the entry with runtime values, so terser can
 * neither fold nor drop it), its production build with source maps and stats.json, and, on request,
 * a ~500 MB stats.json written as a stream.
 *
 * The app: `moduleCount` modules in groups of 100 (`groupN/m0..m99.js` + `groupN/index.js`) and 20
 * shared helpers. Modules are a seeded mix of classes, reducers and lookup tables (~0.5-1.2 kB of
 * source each) importing a shared helper and, often, their predecessor. The first half of the groups
 * is imported statically by `main.js`, the second half through `import()` (one lazy chunk per group).
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { once } from 'node:events'
import { createRandom } from './src/random'
import type { Random } from './src/random'

const require = createRequire(import.meta.url)

const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'panel', 'widget', 'order', 'invoice', 'user', 'cart', 'price', 'label', 'status', 'filter', 'sort', 'page', 'item', 'token', 'route', 'theme', 'locale', 'metric', 'chart', 'series', 'axis', 'legend', 'toast', 'dialog', 'form', 'field']
const SHARED_HELPERS = 20
/** Bumped when the generated app changes, so cached builds are rebuilt. */
export const APP_GENERATION = 2

function words(random: Random, count: number, separator = '-'): string {
  return Array.from({ length: count }, () => random.pick(WORDS)).join(separator)
}

function camel(random: Random, count: number): string {
  return Array.from({ length: count }, (_, index) => {
    const word = random.pick(WORDS)
    return index === 0 ? word : word[0]!.toUpperCase() + word.slice(1)
  }).join('')
}

function writeSharedHelper(dir: string, index: number, random: Random): void {
  const low = random.int(0, 10)
  const high = random.int(100, 10_000)
  fs.writeFileSync(path.join(dir, `util${index}.js`), `/** Clamps and formats a value (helper ${index}). */
export function clamp${index}(value, min = ${low}, max = ${high}) {
  if (Number.isNaN(value)) return min
  return Math.min(max, Math.max(min, value))
}

export function format${index}(value, unit = '${random.pick(WORDS)}') {
  const rounded = Math.round(clamp${index}(value) * 100) / 100
  return \`\${rounded.toLocaleString('en-US')} \${unit}\`
}
`)
}

function writeModule(file: string, group: number, index: number, random: Random): void {
  const helper = random.int(0, SHARED_HELPERS - 1)
  const usesPrevious = index > 0 && random.chance(0.6)
  const head = [
    `import { clamp${helper}, format${helper} } from '../shared/util${helper}.js'`,
    ...(usesPrevious ? [`import { run as previous } from './m${index - 1}.js'`] : []),
  ].join('\n')
  const tail = usesPrevious ? ' + String(previous(input)).length' : ''
  const kind = random.int(0, 2)
  let body: string
  if (kind === 0) {
    const name = `${camel(random, 2)}Panel${group}x${index}`
    const labels = Array.from({ length: random.int(2, 4) }, () => `'${words(random, 2)}-${random.int(0, 999)}'`)
    body = `const LABELS = [${labels.join(', ')}]

export class ${name[0]!.toUpperCase()}${name.slice(1)} {
  constructor(options = {}) {
    this.id = options.id ?? ${random.int(1, 1_000_000)}
    this.title = options.title || '${words(random, 3, ' ')} ${group}/${index}'
    this.items = []
  }

  add(value) {
    if (typeof value !== 'number')
      throw new TypeError(\`${name}.add expects a number, got \${typeof value}\`)
    this.items.push(clamp${helper}(value * ${random.int(2, 97)}, ${random.int(0, 50)}, ${random.int(500, 5000)}))
    return this
  }

  render() {
    const cells = this.items.map((value, n) => \`<span class="\${LABELS[n % LABELS.length]}">\${format${helper}(value)}</span>\`)
    return \`<section data-panel="\${this.id}"><h2>\${this.title}</h2>\${cells.join('')}</section>\`
  }
}

export function run(input) {
  const panel = new ${name[0]!.toUpperCase()}${name.slice(1)}({ id: input })
  for (let n = 0; n < ${random.int(2, 9)}; n++)
    panel.add(input + n)
  return panel.render().length${tail}
}
`
  }
  else if (kind === 1) {
    const cases = Array.from({ length: random.int(2, 5) }, () => {
      const key = camel(random, 2)
      return `    case '${words(random, 2, '/')}/${random.int(0, 99)}':
      return { ...state, ${key}: clamp${helper}(action.payload ?? ${random.int(0, 500)}), updatedBy: '${words(random, 2)}' }`
    })
    body = `export function reduce(state = {}, action = {}) {
  switch (action.type) {
${cases.join('\n')}
    default:
      return state
  }
}

export function run(input) {
  const state = reduce({ count: input }, { type: input > ${random.int(0, 100)} ? '${words(random, 2, '/')}' : 'none', payload: input })
  return Object.keys(state).length + format${helper}(input).length${tail}
}
`
  }
  else {
    const entries = Array.from({ length: random.int(4, 10) }, () => `  ${camel(random, 2)}${random.int(0, 99)}: ${random.chance(0.5) ? random.int(0, 100_000) : `'${words(random, 3)}'`},`)
    body = `const TABLE = {
${entries.join('\n')}
}

export function lookup(key) {
  const found = TABLE[key]
  if (found === undefined)
    return clamp${helper}(String(key).length * ${random.int(3, 31)})
  return typeof found === 'number' ? found : found.length
}

export function run(input) {
  let total = 0
  for (const key of Object.keys(TABLE))
    total += lookup(key) + input
  return total + lookup(input)${tail}
}
`
  }
  fs.writeFileSync(file, `${head}\n\n${body}`)
}

export function generateApp(app: string, moduleCount: number): void {
  const random = createRandom(20_000 + moduleCount)
  const groups = Math.ceil(moduleCount / 100)
  fs.rmSync(app, { recursive: true, force: true })
  fs.mkdirSync(path.join(app, 'shared'), { recursive: true })
  for (let helper = 0; helper < SHARED_HELPERS; helper++)
    writeSharedHelper(path.join(app, 'shared'), helper, random)
  for (let group = 0; group < groups; group++) {
    const dir = path.join(app, `group${group}`)
    fs.mkdirSync(dir, { recursive: true })
    const count = Math.min(100, moduleCount - group * 100)
    for (let index = 0; index < count; index++)
      writeModule(path.join(dir, `m${index}.js`), group, index, random)
    const imports = Array.from({ length: count }, (_, index) => `import { run as run${index} } from './m${index}.js'`)
    fs.writeFileSync(path.join(dir, 'index.js'), `${imports.join('\n')}\n\nexport const group${group} = [${imports.map((_, index) => `run${index}`).join(', ')}]\n`)
  }
  const staticGroups = Math.ceil(groups / 2)
  fs.writeFileSync(path.join(app, 'main.js'), [
    ...Array.from({ length: staticGroups }, (_, group) => `import { group${group} } from './group${group}/index.js'`),
    '',
    `const all = [${Array.from({ length: staticGroups }, (_, group) => `...group${group}`).join(', ')}]`,
    'globalThis.runAll = input => all.map(run => run(input))',
    `globalThis.loadGroup = [${Array.from({ length: groups - staticGroups }, (_, offset) => `() => import('./group${staticGroups + offset}/index.js')`).join(',\n  ')}]`,
    '',
  ].join('\n'))
}

/** Builds the app with webpack (production, `devtool: 'source-map'`) and writes stats.json with the options the plugin uses. */
export async function buildApp(app: string, dist: string, statsFile: string, statsOptions: object): Promise<number> {
  const webpack = require('webpack') as typeof import('webpack')
  const start = performance.now()
  const compiler = webpack({
    mode: 'production',
    context: app,
    devtool: 'source-map',
    entry: './main.js',
    output: { path: dist, filename: '[name].[contenthash:8].js', chunkFilename: '[name].[contenthash:8].js', clean: true },
    infrastructureLogging: { level: 'none' },
    performance: { hints: false },
  })
  const stats = await new Promise<import('webpack').Stats>((resolve, reject) => compiler.run((error, result) => (error ? reject(error) : resolve(result!))))
  await new Promise(resolve => compiler.close(resolve))
  if (stats.hasErrors())
    throw new Error(stats.toString({ all: false, errors: true }))
  fs.writeFileSync(statsFile, JSON.stringify(stats.toJson(statsOptions as never)))
  return performance.now() - start
}

/**
 * Writes a stats.json of about `targetBytes` to `file`, as a stream (never one string): the real
 * stats of `statsFile` with the bulky fields webpack's default `--json` preset adds to every
 * module (`source`, `issuerPath`, `profile`, `optimizationBailout`), the source repeated until the
 * file has the wanted size. The analysis result must stay the same as for the small file.
 */
export async function writeHugeStats(statsFile: string, file: string, targetBytes: number): Promise<number> {
  const stats = JSON.parse(fs.readFileSync(statsFile, 'utf8')) as Record<string, unknown> & { modules: Record<string, unknown>[] }
  const modules = stats.modules
  const rest = { ...stats, modules: undefined }
  const restJson = JSON.stringify(rest)
  const baseBytes = Buffer.byteLength(restJson) + modules.reduce((sum, m) => sum + Buffer.byteLength(JSON.stringify(m)) + 1, 0)
  const perModule = Math.max(0, Math.floor((targetBytes - baseBytes) / Math.max(1, modules.length)))
  const sourceOf = (m: Record<string, unknown>): string => {
    const name = String(m.name ?? m.identifier ?? '')
    const line = `/* ${name} */ export function run(input) { return input * 2 }\n`
    return line.repeat(Math.max(1, Math.ceil(perModule / line.length))).slice(0, perModule)
  }
  const out = fs.createWriteStream(`${file}.tmp`)
  const write = async (text: string): Promise<void> => {
    if (!out.write(text))
      await once(out, 'drain')
  }
  await write(`${restJson.slice(0, -1)},"modules":[`)
  for (const [index, m] of modules.entries()) {
    const extra = {
      issuerPath: [{ identifier: String(m.identifier ?? ''), name: String(m.name ?? '') }],
      profile: { total: 12, resolving: 3, restoring: 0, building: 9, integration: 0, storing: 0, additionalResolving: 0, additionalIntegration: 0, factory: 3, dependencies: 0 },
      optimizationBailout: ['ModuleConcatenation bailout: Module is an entry point'],
      source: sourceOf(m),
    }
    await write(`${index === 0 ? '' : ','}${JSON.stringify({ ...m, ...extra })}`)
  }
  await write(']}')
  out.end()
  await once(out, 'finish')
  fs.renameSync(`${file}.tmp`, file)
  return fs.statSync(file).size
}
