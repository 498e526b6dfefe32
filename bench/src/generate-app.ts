/**
 * Generates a large, reproducible Vite app (seeded PRNG) with the shape of a real product:
 * an entry with a hash router, routes loaded with `import()`, a tree of feature modules per route,
 * shared utilities and components used across routes, a few cross-route imports (shared chunks),
 * nested lazy dialogs, per-component CSS and named imports from real npm packages (lodash-es,
 * date-fns). Every module's main export is called by its importer, so tree-shaking keeps the code;
 * secondary exports are used only sometimes, as in real code.
 */
import { createHash } from 'node:crypto'
import { mkdir, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { dirname, join, relative } from 'node:path'
import { createRandom, type Random } from './random'

/** Bump when the generated code changes shape: apps on disk are regenerated. */
const GENERATOR_VERSION = 5

export interface GeneratedAppSpec {
  /** Folder name under the apps directory, e.g. `app-5k`. */
  name: string
  /** Source files to generate (TS and CSS, entry included). */
  moduleCount: number
  seed: number
}

export interface GeneratedApp {
  root: string
  moduleCount: number
  sourceBytes: number
  routeCount: number
}

const words = [
  'account', 'address', 'alert', 'archive', 'asset', 'audit', 'badge', 'balance', 'batch', 'billing',
  'booking', 'budget', 'calendar', 'campaign', 'cart', 'catalog', 'channel', 'checkout', 'client', 'comment',
  'contract', 'coupon', 'customer', 'dashboard', 'delivery', 'device', 'discount', 'document', 'draft', 'event',
  'export', 'feature', 'feedback', 'filter', 'folder', 'forecast', 'gallery', 'invoice', 'job', 'journal',
  'label', 'ledger', 'license', 'listing', 'location', 'message', 'metric', 'milestone', 'note', 'notice',
  'offer', 'order', 'organization', 'package', 'partner', 'payment', 'payout', 'permission', 'pipeline', 'plan',
  'policy', 'portfolio', 'preference', 'price', 'product', 'profile', 'project', 'promotion', 'quote', 'rate',
  'receipt', 'record', 'refund', 'region', 'release', 'reminder', 'report', 'request', 'reservation', 'review',
  'role', 'route', 'schedule', 'segment', 'session', 'setting', 'shipment', 'signal', 'sprint', 'stock',
  'subscription', 'supplier', 'survey', 'task', 'team', 'template', 'tenant', 'ticket', 'timeline', 'token',
  'transfer', 'trip', 'upload', 'user', 'vendor', 'voucher', 'warehouse', 'webhook', 'widget', 'workflow',
] as const
const adjectives = ['active', 'pending', 'archived', 'primary', 'recent', 'shared', 'draft', 'overdue', 'daily', 'weekly', 'global', 'local', 'compact', 'detailed', 'default', 'custom'] as const
const verbs = ['render', 'format', 'compute', 'build', 'parse', 'resolve', 'collect', 'merge', 'sort', 'filter', 'group', 'validate', 'normalize', 'summarize', 'describe', 'select'] as const
const cssProperties = [
  ['display', ['flex', 'grid', 'block', 'inline-flex']],
  ['gap', ['0.25rem', '0.5rem', '1rem', '1.5rem']],
  ['padding', ['0.25rem 0.5rem', '0.5rem 1rem', '1rem', '0.75rem 1.25rem']],
  ['margin', ['0', '0 auto', '0.5rem 0', '1rem 0 0']],
  ['color', ['#1d2430', '#5d6878', '#c2571a', '#0b6e4f', 'inherit']],
  ['background', ['#fff', '#f3f5f8', 'transparent', '#fff7ed']],
  ['border', ['1px solid #d9dee6', '0', '1px dashed #c2571a']],
  ['border-radius', ['4px', '6px', '10px', '999px']],
  ['font-size', ['0.75rem', '0.875rem', '1rem', '1.25rem']],
  ['font-weight', ['400', '500', '600']],
  ['align-items', ['center', 'start', 'stretch']],
  ['justify-content', ['space-between', 'flex-start', 'center']],
] as const
const lodashFunctions = ['groupBy', 'sortBy', 'uniqBy', 'debounce', 'throttle', 'chunk', 'isEqual', 'mergeWith', 'pick', 'omit', 'keyBy', 'partition'] as const
const dateFnsFunctions = ['format', 'addDays', 'differenceInDays', 'isBefore', 'startOfWeek', 'parseISO', 'formatDistance', 'subMonths'] as const

interface PlannedModule {
  /** Path relative to the app root, POSIX. */
  path: string
  kind: 'util' | 'component' | 'feature' | 'page' | 'dialog'
  /** The main export, called by importers. */
  exportName: string
  /** Extra exports; importers use them only sometimes. */
  extraExports: string[]
  imports: PlannedModule[]
  /** Modules this one loads with `import()` (pages and some features: dialogs). */
  lazyImports: PlannedModule[]
  css: string | null
  npm: { lodash: string[], dateFns: string[] }
  /** Statement blocks in the body: drives the module's size. */
  blockCount: number
}

function toCamel(parts: string[]): string {
  return parts.map((part, index) => (index === 0 ? part : part[0]!.toUpperCase() + part.slice(1))).join('')
}

function toKebab(parts: string[]): string {
  return parts.join('-')
}

/** Statement blocks follow a skewed distribution: most modules small, a few large. */
function pickBlockCount(random: Random): number {
  const roll = random.next()
  if (roll < 0.5) return random.int(1, 3)
  if (roll < 0.85) return random.int(3, 7)
  if (roll < 0.97) return random.int(7, 14)
  return random.int(14, 30)
}

function planApp(spec: GeneratedAppSpec): { modules: PlannedModule[], routes: { path: string, page: PlannedModule }[] } {
  const random = createRandom(spec.seed)
  const total = spec.moduleCount - 3 // main.ts, main.css, context.ts
  const routeCount = Math.max(4, Math.round(total / 125))
  const utilCount = Math.round(total * 0.08)
  const componentCount = Math.round(total * 0.06)
  const cssCount = Math.round(total * 0.05)
  const featureCount = total - utilCount - componentCount - cssCount - routeCount
  let serial = 0
  const createModule = (kind: PlannedModule['kind'], folder: string): PlannedModule => {
    serial += 1
    const base = [random.pick(verbs), random.pick(adjectives), random.pick(words)]
    const name = toKebab([...base.slice(1), String(serial)])
    return {
      path: `${folder}/${name}.ts`,
      kind,
      exportName: toCamel([...base, String(serial)]),
      extraExports: Array.from({ length: random.int(0, 2) }, (_, index) => toCamel([random.pick(verbs), random.pick(words), String(serial), String(index)])),
      imports: [],
      lazyImports: [],
      css: null,
      npm: { lodash: [], dateFns: [] },
      blockCount: pickBlockCount(random),
    }
  }

  const utilDomains = words.slice(0, 24)
  const utils = Array.from({ length: utilCount }, () => createModule('util', `src/shared/${random.pick(utilDomains)}`))
  utils.forEach((util, index) => {
    const importCount = index < 5 ? 0 : random.int(0, 2)
    for (let i = 0; i < importCount; i++) util.imports.push(utils[random.int(0, index - 1)]!)
  })
  const components = Array.from({ length: componentCount }, () => createModule('component', `src/components/${random.pick(words)}`))
  components.forEach((component, index) => {
    for (let i = random.int(1, 3); i > 0; i--) component.imports.push(random.pick(utils))
    if (index > 3 && random.chance(0.4)) component.imports.push(components[random.int(0, index - 1)]!)
  })

  const routes: { path: string, page: PlannedModule }[] = []
  const featuresPerRoute = Math.floor(featureCount / routeCount)
  let featuresLeft = featureCount
  const routeModules: PlannedModule[][] = []
  for (let routeIndex = 0; routeIndex < routeCount; routeIndex++) {
    const routeName = toKebab([random.pick(words), String(routeIndex + 1)])
    const folder = `src/routes/${routeName}`
    const page = createModule('page', folder)
    page.path = `${folder}/page.ts`
    const count = routeIndex === routeCount - 1 ? featuresLeft : featuresPerRoute
    featuresLeft -= count
    const features = Array.from({ length: count }, () => createModule('feature', `${folder}/${random.pick(['parts', 'widgets', 'panels', 'model'])}`))
    const members = [page, ...features]
    // A tree: each feature hangs under an earlier module of its route (branching ~4).
    features.forEach((feature, index) => {
      const parent = members[Math.floor(index / 4)]!
      // A few subtrees are lazy dialogs: loaded with import() from their parent.
      if (parent.kind !== 'dialog' && index > 8 && random.chance(0.03)) {
        feature.kind = 'dialog'
        parent.lazyImports.push(feature)
      } else {
        parent.imports.push(feature)
      }
      for (let i = random.int(1, 3); i > 0; i--) feature.imports.push(random.pick(utils))
      if (random.chance(0.35)) feature.imports.push(random.pick(components))
      // Cross-route imports make shared chunks, as in real apps.
      if (routeIndex > 0 && random.chance(0.02)) {
        const otherRoute = routeModules[random.int(0, routeIndex - 1)]!
        feature.imports.push(random.pick(otherRoute.slice(1)))
      }
    })
    routeModules.push(members)
    routes.push({ path: `/${routeName}`, page })
  }

  const allModules = [...utils, ...components, ...routeModules.flat()]
  for (const module of allModules) {
    module.imports = [...new Set(module.imports)].filter(imported => imported !== module)
    if (random.chance(0.04)) module.npm.lodash = [...new Set([random.pick(lodashFunctions), random.pick(lodashFunctions)])]
    if (random.chance(0.03)) module.npm.dateFns = [...new Set([random.pick(dateFnsFunctions), random.pick(dateFnsFunctions)])]
  }
  const styled = allModules.filter(module => module.kind === 'component' || module.kind === 'feature' || module.kind === 'dialog')
  for (let i = 0; i < cssCount; i++) {
    const owner = random.pick(styled.filter(module => module.css === null))
    owner.css = owner.path.replace(/\.ts$/, '.css')
  }
  return { modules: allModules, routes }
}

function importPath(from: string, to: string): string {
  const path = relative(dirname(from), to).replace(/\\/g, '/').replace(/\.ts$/, '')
  return path.startsWith('.') ? path : `./${path}`
}

function renderStringList(random: Random, count: number): string {
  return Array.from({ length: count }, () => `'${random.pick(adjectives)} ${random.pick(words)}'`).join(', ')
}

/** One statement block of varied, realistic code; `calls` are expressions that must be evaluated. */
function renderBlock(random: Random, module: PlannedModule, blockIndex: number): string {
  const word = random.pick(words)
  const name = `${word}${blockIndex}`
  switch (random.int(0, 5)) {
    case 0:
      return `  const ${name}Labels = [${renderStringList(random, random.int(3, 8))}]
  for (const label of ${name}Labels) {
    if (label.includes('${random.pick(adjectives)}')) parts.push(label.toUpperCase())
    else if (label.length > ${random.int(8, 20)}) parts.push(label.slice(0, ${random.int(4, 12)}) + '…')
  }`
    case 1:
      return `  const ${name}Totals = new Map<string, number>()
  for (let index = 0; index < ${random.int(3, 12)}; index++) {
    const key = index % 2 === 0 ? '${word}' : '${random.pick(words)}'
    ${name}Totals.set(key, (${name}Totals.get(key) ?? 0) + index * ${random.int(2, 99)})
  }
  parts.push([...${name}Totals].map(([key, value]) => \`\${key}=\${value.toFixed(${random.int(0, 2)})}\`).join(';'))`
    case 2:
      return `  switch (context.mode) {
    case '${random.pick(adjectives)}':
      parts.push('${random.pick(verbs)} ${word} in ' + context.locale)
      break
    case '${random.pick(adjectives)}':
      parts.push(String(context.page * ${random.int(2, 50)} + ${random.int(0, 999)}))
      break
    default:
      parts.push('${module.exportName}:${word}')
  }`
    case 3:
      return `  const ${name}Rows = [
${Array.from({ length: random.int(2, 6) }, () => `    { id: '${random.pick(words)}-${random.int(100, 9999)}', status: '${random.pick(adjectives)}', amount: ${random.int(1, 99999) / 100}, weight: ${random.int(1, 40)} },`).join('\n')}
  ]
  const ${name}Sum = ${name}Rows.filter(row => row.status !== '${random.pick(adjectives)}').reduce((sum, row) => sum + row.amount * row.weight, 0)
  parts.push(new Intl.NumberFormat(context.locale, { maximumFractionDigits: ${random.int(0, 2)} }).format(${name}Sum))`
    case 4:
      return `  if (typeof document !== 'undefined' && context.root) {
    const ${name}Element = document.createElement('${random.pick(['section', 'div', 'article', 'aside', 'li'])}')
    ${name}Element.className = '${toKebab([random.pick(adjectives), word])}'
    ${name}Element.setAttribute('data-${word}', String(context.page))
    ${name}Element.textContent = parts.slice(-${random.int(1, 3)}).join(' · ')
    context.root.append(${name}Element)
  }`
    default:
      return `  const ${name}Pattern = /${random.pick(words)}[-_](\\d{${random.int(1, 3)},${random.int(4, 6)}})/${random.pick(['', 'i', 'g'])}
  const ${name}Match = ${name}Pattern.exec(parts.join(' ') + ' ${word}-${random.int(10, 99999)}')
  parts.push(${name}Match ? ${name}Match[1]!.padStart(${random.int(4, 8)}, '0') : '${random.pick(adjectives)}')`
  }
}

function renderModule(random: Random, module: PlannedModule): string {
  const lines: string[] = []
  const useAllExtras = random.chance(0.3)
  for (const imported of module.imports) {
    const names = [imported.exportName, ...(useAllExtras ? imported.extraExports : [])]
    lines.push(`import { ${names.join(', ')} } from '${importPath(module.path, imported.path)}'`)
  }
  if (module.npm.lodash.length > 0) lines.push(`import { ${module.npm.lodash.join(', ')} } from 'lodash-es'`)
  if (module.npm.dateFns.length > 0) lines.push(`import { ${module.npm.dateFns.join(', ')} } from 'date-fns'`)
  lines.push(`import type { RenderContext } from '${importPath(module.path, 'src/context.ts')}'`)
  if (module.css !== null) lines.push(`import './${module.css.split('/').pop()!}'`)
  lines.push('')
  lines.push(`export const ${module.exportName}Meta = { kind: '${module.kind}', weight: ${random.int(1, 100)}, tags: [${renderStringList(random, random.int(1, 4))}] }`)
  lines.push('')
  lines.push(`export ${module.kind === 'page' ? 'default ' : ''}function ${module.exportName}(context: RenderContext): string {`)
  lines.push('  const parts: string[] = []')
  for (let index = 0; index < module.blockCount; index++) lines.push(renderBlock(random, module, index))
  for (const imported of module.imports) {
    lines.push(`  parts.push(${imported.exportName}({ ...context, page: context.page + ${random.int(1, 9)} }))`)
    if (useAllExtras) for (const extra of imported.extraExports) lines.push(`  parts.push(String(${extra}(parts.length)))`)
  }
  for (const name of module.npm.lodash) lines.push(renderLodashCall(name))
  for (const name of module.npm.dateFns) lines.push(renderDateFnsCall(name))
  for (const lazy of module.lazyImports) {
    lines.push(`  context.onAction?.('${lazy.exportName}', () => import('${importPath(module.path, lazy.path)}').then(loaded => loaded.${lazy.exportName}(context)))`)
  }
  lines.push(`  return parts.join('${random.pick([' ', ' | ', '\\n', ', '])}')`)
  lines.push('}')
  for (const extra of module.extraExports) {
    lines.push('')
    lines.push(`export function ${extra}(count: number): number {`)
    lines.push(`  let total = ${random.int(0, 100)}`)
    lines.push(`  for (let index = 0; index < count; index++) total += (index * ${random.int(3, 31)}) % ${random.int(7, 97)}`)
    lines.push('  return total')
    lines.push('}')
  }
  return `${lines.join('\n')}\n`
}

function renderLodashCall(name: string): string {
  switch (name) {
    case 'debounce':
    case 'throttle':
      return `  context.onAction?.('${name}', ${name}(() => parts.length, 200))`
    case 'chunk':
      return '  parts.push(String(chunk(parts, 3).length))'
    case 'isEqual':
      return '  parts.push(String(isEqual(parts, [...parts])))'
    case 'mergeWith':
      return '  parts.push(JSON.stringify(mergeWith({ a: [1] }, { a: [2] }, (left: unknown, right: unknown) => (Array.isArray(left) ? left.concat(right) : undefined))))'
    case 'pick':
    case 'omit':
      return `  parts.push(JSON.stringify(${name}({ id: context.page, mode: context.mode, locale: context.locale }, ['mode'])))`
    default:
      return `  parts.push(JSON.stringify(${name}(parts.map((text, index) => ({ text, index })), 'text')))`
  }
}

function renderDateFnsCall(name: string): string {
  switch (name) {
    case 'format':
      return `  parts.push(format(new Date(2024, 0, context.page), 'yyyy-MM-dd'))`
    case 'addDays':
    case 'subMonths':
      return `  parts.push(${name}(new Date(2024, 0, 1), context.page).toISOString())`
    case 'differenceInDays':
    case 'isBefore':
    case 'formatDistance':
      return `  parts.push(String(${name}(new Date(2024, 5, 1), new Date(2024, 0, context.page))))`
    case 'parseISO':
      return `  parts.push(parseISO('2024-03-0' + (1 + (context.page % 9))).toDateString())`
    default:
      return `  parts.push(startOfWeek(new Date(2024, 1, context.page)).toDateString())`
  }
}

function renderCss(random: Random, module: PlannedModule): string {
  const rules: string[] = []
  for (let i = random.int(2, 9); i > 0; i--) {
    const selector = `.${toKebab([random.pick(adjectives), random.pick(words)])}${random.chance(0.3) ? ` > ${random.pick(['a', 'li', 'span', 'button', 'p'])}` : ''}${random.chance(0.2) ? ':hover' : ''}`
    const declarations = Array.from({ length: random.int(2, 6) }, () => {
      const [property, values] = random.pick(cssProperties)
      return `  ${property}: ${random.pick(values)};`
    })
    rules.push(`${selector} {\n${[...new Set(declarations)].join('\n')}\n}`)
  }
  return `/* ${module.exportName} */\n${rules.join('\n\n')}\n`
}

function renderMain(routes: { path: string, page: PlannedModule }[]): string {
  return `import type { RenderContext } from './context'
import './main.css'

const routes: Record<string, () => Promise<{ default: (context: RenderContext) => string }>> = {
${routes.map(route => `  '${route.path}': () => import('${importPath('src/main.ts', route.page.path)}'),`).join('\n')}
}

async function renderRoute(root: HTMLElement): Promise<void> {
  const path = window.location.hash.replace(/^#/, '') || '${routes[0]!.path}'
  const load = routes[path] ?? routes['${routes[0]!.path}']!
  const page = await load()
  root.replaceChildren()
  const summary = document.createElement('pre')
  summary.textContent = page.default({ root, page: 1, mode: 'default', locale: navigator.language })
  root.append(summary)
}

const root = document.getElementById('app')!
const nav = document.createElement('nav')
nav.innerHTML = Object.keys(routes).map(path => \`<a href="#\${path}">\${path.slice(1)}</a>\`).join(' ')
document.body.prepend(nav)
window.addEventListener('hashchange', () => void renderRoute(root))
void renderRoute(root)
`
}

const contextSource = `export interface RenderContext {
  root?: HTMLElement
  page: number
  mode: string
  locale: string
  onAction?: (name: string, run: () => unknown) => void
}
`

const mainCss = `body { margin: 0; font-family: system-ui, sans-serif; color: #1d2430; background: #f3f5f8; }
nav { display: flex; flex-wrap: wrap; gap: 0.5rem; padding: 0.5rem 1rem; background: #fff; border-bottom: 1px solid #d9dee6; }
pre { white-space: pre-wrap; padding: 1rem; }
`

/** The npm packages generated code imports, linked into the app so it builds wherever it is written. */
const linkedPackages = ['lodash-es', 'date-fns']

async function linkPackages(root: string): Promise<void> {
  const require = createRequire(import.meta.url)
  await mkdir(join(root, 'node_modules'), { recursive: true })
  for (const name of linkedPackages) {
    const packageDir = dirname(require.resolve(`${name}/package.json`))
    await symlink(packageDir, join(root, 'node_modules', name), 'dir')
  }
}

/** Writes the app unless the same generator version and spec are already on disk. */
export async function generateApp(spec: GeneratedAppSpec, appsDir: string): Promise<GeneratedApp> {
  const root = join(appsDir, spec.name)
  const manifestPath = join(root, 'generated.json')
  const fingerprint = createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, spec })).digest('hex')
  try {
    const manifest = JSON.parse(await readFile(manifestPath, 'utf8')) as GeneratedApp & { fingerprint: string }
    if (manifest.fingerprint === fingerprint) return { root, moduleCount: manifest.moduleCount, sourceBytes: manifest.sourceBytes, routeCount: manifest.routeCount }
  } catch {
    // not generated yet
  }

  await rm(root, { recursive: true, force: true })
  const { modules, routes } = planApp(spec)
  const random = createRandom(spec.seed ^ 0x5EED)
  const files = new Map<string, string>()
  files.set('index.html', `<!doctype html>\n<html lang="en">\n  <head>\n    <meta charset="UTF-8" />\n    <link rel="icon" href="data:," />\n    <title>${spec.name}</title>\n  </head>\n  <body>\n    <div id="app"></div>\n    <script type="module" src="/src/main.ts"></script>\n  </body>\n</html>\n`)
  files.set('src/main.ts', renderMain(routes))
  files.set('src/main.css', mainCss)
  files.set('src/context.ts', contextSource)
  for (const module of modules) {
    files.set(module.path, renderModule(random, module))
    if (module.css !== null) files.set(module.css, renderCss(random, module))
  }

  const folders = new Set([...files.keys()].map(path => dirname(join(root, path))))
  for (const folder of folders) await mkdir(folder, { recursive: true })
  let sourceBytes = 0
  const entries = [...files]
  for (let start = 0; start < entries.length; start += 256) {
    await Promise.all(entries.slice(start, start + 256).map(([path, contents]) => {
      sourceBytes += Buffer.byteLength(contents)
      return writeFile(join(root, path), contents)
    }))
  }
  await linkPackages(root)
  const sourceFileCount = [...files.keys()].filter(path => path.startsWith('src/')).length
  const generated: GeneratedApp = { root, moduleCount: sourceFileCount, sourceBytes, routeCount: routes.length }
  await writeFile(manifestPath, JSON.stringify({ ...generated, fingerprint, spec }, null, 2))
  return generated
}
