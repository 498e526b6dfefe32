/**
 * The configuration file of a split plan, for one bundler: an ES module to import from the
 * bundler's config (or paste into it).
 *
 *   rollup           export function manualChunks(id)           → output.manualChunks
 *   vite             export const codeSplitting = { groups }     → build.rolldownOptions.output.codeSplitting
 *   rolldown         export const codeSplitting = { groups }     → output.codeSplitting
 *   webpack, rspack  export const splitChunks = { cacheGroups }  → optimization.splitChunks
 *
 * Modules are matched by path relative to the project root (the report's ids): one by one, or by
 * package folder when a whole package goes to one chunk (so files a package adds later follow it).
 * The root is found from the file's own location, so the file must stay where it was written (or
 * `PROJECT_ROOT` be edited).
 */
import path from 'node:path'
import type { SplitPlan, SplitTarget } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core'
import { generatorVersion } from '../version'

export type WritableSplitTarget = Exclude<SplitTarget, 'esbuild'>

/** How the user wires the file in, per bundler (also used in the explanation). */
export function describeUsage(target: WritableSplitTarget, importPath: string): string {
  switch (target) {
    case 'vite':
      return `// vite.config.js\nimport { defineConfig } from 'vite'\nimport { codeSplitting } from '${importPath}'\n\nexport default defineConfig({\n  build: { rolldownOptions: { output: { codeSplitting } } },\n})`
    case 'rolldown':
      return `// rolldown.config.js\nimport { codeSplitting } from '${importPath}'\n\nexport default {\n  input: { /* ... */ },\n  output: { dir: 'dist', codeSplitting },\n}`
    case 'rollup':
      return `// rollup.config.js\nimport { manualChunks } from '${importPath}'\n\nexport default {\n  input: { /* ... */ },\n  output: { dir: 'dist', format: 'es', manualChunks },\n}`
    case 'webpack':
    case 'rspack':
      return `// ${target}.config.mjs\nimport { splitChunks } from '${importPath}'\n\nexport default {\n  // ...\n  optimization: { splitChunks },\n}`
  }
}

function comment(text: string): string {
  return text.split('\n').map(line => (line ? ` * ${line.replaceAll('*/', '*\\/')}` : ' *')).join('\n')
}

function renderTargetExports(target: WritableSplitTarget): string {
  switch (target) {
    case 'rollup':
      return `/** Rollup \`output.manualChunks\`: the planned chunk of a module, undefined for the bundler's default. */
export function manualChunks(id) {
  return findChunkGroup(id) ?? undefined
}

export default manualChunks
`
    case 'vite':
    case 'rolldown':
      return `/**
 * Rolldown \`output.codeSplitting\` (${target === 'vite' ? 'Vite 8: \`build.rolldownOptions.output.codeSplitting\`' : 'Rolldown'}): one group per
 * planned chunk, dependencies first (higher priority). Modules of no group keep the default chunking.
 */
export const codeSplitting = {
  groups: CHUNK_GROUPS.map(group => ({
    name: group.name,
    test: id => findChunkGroup(id) === group.name,
    priority: group.priority,
    // Dependencies outside the group stay where the plan puts them (an entry's own code must not
    // be pulled into a chunk its lazy routes share).
    includeDependenciesRecursively: false,
  })),
}

export default codeSplitting
`
    case 'webpack':
    case 'rspack':
      return `/**
 * ${target === 'webpack' ? 'webpack 5' : 'Rspack'} \`optimization.splitChunks\`: one enforced cache group per planned chunk. The default
 * groups are off, so modules of no group stay in the chunks that use them (duplicated, as planned).
 */
export const splitChunks = {
  chunks: 'all',
  cacheGroups: {
    default: false,
    defaultVendors: false,
    ...Object.fromEntries(CHUNK_GROUPS.map(group => [group.name, {
      name: group.name,
      test: module => findChunkGroup(typeof module.nameForCondition === 'function' ? module.nameForCondition() : module.resource) === group.name,
      chunks: 'all',
      enforce: true,
      priority: group.priority,
      reuseExistingChunk: false,
    }])),
  },
}

export default splitChunks
`
  }
}

/**
 * The file's text. `outFile` and `root` are absolute: the file finds the project root relative to
 * itself. Deterministic: the same plan gives the same bytes.
 */
export function renderSplitConfig(plan: SplitPlan, target: WritableSplitTarget, outFile: string, root: string): string {
  const rootFromFile = path.relative(path.dirname(outFile), root).split(path.sep).join('/') || '.'
  const importPath = `./${path.basename(outFile)}`
  const lines = plan.entries.map(entry => `  ${entry.name}: initial ${formatBytes(entry.today.gzipBytes)} gzip in ${entry.today.requests} files today, predicted ${formatBytes(entry.predicted.gzipBytes)} in ${entry.predicted.requests}`)
  const header = `Weighbridge split plan for ${target} (weighbridge ${generatorVersion}), planned from a ${plan.sourceBundler} report.
${plan.groups.length} chunk group${plan.groups.length === 1 ? '' : 's'}; JS chunks ${plan.chunks.today} today, ${plan.chunks.predicted} predicted.
${lines.join('\n')}
Goals: minChunkBytes ${plan.goals.minChunkBytes}, maxInitialRequests ${plan.goals.maxInitialRequests ?? 'none'}, vendorGroups ${plan.goals.vendorGroups}, initialWeight ${plan.goals.initialWeight}, lazySharedOutOfInitial ${plan.goals.lazySharedOutOfInitial}.
The explanation (why each group, every load today and predicted) is in the .md file written next to this one.

Use it:

${describeUsage(target, importPath)}

Module paths are relative to PROJECT_ROOT, found from this file's location: keep the file where it
is, or edit PROJECT_ROOT. Regenerate after large changes: \`weighbridge split --bundler ${target}\`.`
  const groups = plan.groups.map(group => ({
    name: group.name,
    priority: group.priority,
    reason: group.reason,
    loadedBy: group.loadedBy,
    packages: group.packages,
    modules: group.modules,
  }))
  const groupsText = groups.length === 0
    ? '[]'
    : `[\n${groups.map(group => `  {\n    name: ${JSON.stringify(group.name)},\n    priority: ${group.priority},\n    // ${group.reason}; loaded by ${group.loadedBy.join(', ').replaceAll('\n', ' ')}\n    packages: ${JSON.stringify(group.packages)},\n    modules: ${group.modules.length === 0 ? '[]' : `[\n${group.modules.map(id => `      ${JSON.stringify(id)},`).join('\n')}\n    ]`},\n  }`).join(',\n')},\n]`
  return `/**
${comment(header)}
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'

/** The project root the module paths below are relative to. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), ${JSON.stringify(rootFromFile)})

/** The planned chunks, dependencies first: whole package folders, and single modules. */
export const CHUNK_GROUPS = ${groupsText}

const groupByModule = new Map()
const groupByPackage = []
for (const group of CHUNK_GROUPS) {
  for (const id of group.modules) groupByModule.set(id, group.name)
  for (const folder of group.packages) groupByPackage.push([\`\${folder}/\`, group.name])
}
// The deepest package folder wins (a nested package may go elsewhere).
groupByPackage.sort((a, b) => b[0].length - a[0].length)
const cache = new Map()

/** The planned chunk of a bundler module id (absolute path, maybe with a ?query), or null. */
export function findChunkGroup(id) {
  if (typeof id !== 'string' || id.length === 0)
    return null
  const cached = cache.get(id)
  if (cached !== undefined)
    return cached
  // Virtual modules (\0 ids) are planned as \`virtual:<id>\`, like the report writes them.
  const isVirtual = id.startsWith('\\0')
  const bare = isVirtual ? id.slice(1) : id
  const queryAt = bare.indexOf('?')
  const file = queryAt === -1 ? bare : bare.slice(0, queryAt)
  const query = queryAt === -1 ? '' : bare.slice(queryAt)
  let found = null
  if (!path.isAbsolute(file)) {
    found = isVirtual ? groupByModule.get(\`virtual:\${bare}\`) ?? null : null
  }
  else {
    const relative = (isVirtual ? 'virtual:' : '') + path.relative(PROJECT_ROOT, file).split(path.sep).join('/')
    found = groupByModule.get(relative + query) ?? (isVirtual ? null : groupByModule.get(relative)) ?? null
    if (found === null && !isVirtual) {
      for (const [folder, name] of groupByPackage) {
        if (relative.startsWith(folder)) {
          found = name
          break
        }
      }
    }
  }
  cache.set(id, found)
  return found
}

${renderTargetExports(target)}`
}
