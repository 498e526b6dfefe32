/**
 * WB-TS001: CommonJS modules are kept whole. A bundler cannot drop unused exports of
 * `module.exports = ...`, so a utility library used for two functions ships all of them.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { formatBytes } from '../../budgets/limits'
import type { Module } from '../../model'
import type { FindingsContext, Savings } from '../context'
import { rankingBytes, scaleSavings, subtractSavings } from '../context'
import { findAppImportEdges } from '../graph-walk'
import { hasModuleSyntax, scanImports } from '../import-scan'
import type { ImportUse } from '../import-use'
import { formatLocation, locateStatement, readImportUse } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

/** Below this estimated gain (gzip bytes) a switch to the ES twin is not worth a finding. */
const minGzipBytes = 200

/** ES twins: the same functions, one ES module per function, so only what is used ships. */
const esTwins: Record<string, { twin: string, perFunctionFiles: boolean } | undefined> = {
  'lodash': { twin: 'lodash-es', perFunctionFiles: true },
}

/** Not twins: different APIs. Named so the fix text can point somewhere honest. */
const alternatives: Record<string, string | undefined> = {
  moment: 'dayjs (2 kB, moment-like API) or date-fns (tree-shakable functions) — an API change, not a drop-in',
  request: 'fetch',
  classnames: 'clsx',
}

/**
 * Heuristic for modules the bundler did not label (webpack / Rspack reports): no ES syntax, but
 * `require` / `exports`, or a UMD wrapper (`typeof exports == 'object'`, `freeModule.exports = _`
 * as in lodash.js).
 */
export function looksLikeCommonJs(source: string): boolean {
  const moduleSyntax = hasModuleSyntax(source)
  if (moduleSyntax === true) return false
  const withoutComments = source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '')
  if (moduleSyntax === null && /^\s*(?:import(?:\s+[\w$*{]|\s*['"{*])|export\s+[\w$*{])/m.test(withoutComments)) return false
  return /\bmodule\.exports\b|\bexports\.[\w$]+\s*=|\brequire\(\s*['"]|\.exports\s*=(?!=)|\btypeof\s+(?:module|exports)\s*[!=]==?\s*['"](?:object|undefined)['"]/.test(withoutComments)
}

/** `lodash/chunk.js` → `chunk`: the function a one-function file of the package is named for; null otherwise. */
function readFileFunctionName(specifier: string, packageName: string): string | null {
  if (!specifier.startsWith(`${packageName}/`)) return null
  const name = specifier.slice(packageName.length + 1).replace(/\.[cm]?js$/, '')
  return /^[A-Za-z_$][\w$]*$/.test(name) ? name : null
}

function isCommonJs(ctx: FindingsContext, module: Module): boolean {
  if (module.format !== null) return module.format === 'cjs'
  const source = ctx.readSource(module.id)
  return source !== null && looksLikeCommonJs(source)
}

/**
 * Estimated cost of the used names in the ES twin: the twin's files for those names (and their
 * relative imports) read from disk, priced at the shipped package's bytes per source byte.
 */
function estimateTwinSavings(ctx: FindingsContext, twinFolder: string, names: string[], shipped: Savings, shippedSourceBytes: number): { savings: Savings, files: number } | null {
  if (ctx.root === null || shippedSourceBytes <= 0) return null
  const folder = path.resolve(ctx.root, twinFolder)
  const seen = new Set<string>()
  const stack: string[] = []
  for (const name of names) {
    const file = path.join(folder, `${name}.js`)
    try {
      readFileSync(file)
    }
    catch {
      return null
    }
    stack.push(file)
  }
  let twinSourceBytes = 0
  while (stack.length > 0) {
    const file = stack.pop()!
    if (seen.has(file)) continue
    seen.add(file)
    let source: string
    try {
      source = readFileSync(file, 'utf8')
    }
    catch {
      continue
    }
    twinSourceBytes += Buffer.byteLength(source)
    for (const statement of scanImports(source, file)) {
      if (statement.kind === 'dynamic' || !statement.specifier.startsWith('.')) continue
      const target = path.resolve(path.dirname(file), statement.specifier)
      stack.push(target.endsWith('.js') ? target : `${target}.js`)
    }
  }
  const twinCost = scaleSavings(shipped, twinSourceBytes / shippedSourceBytes)
  return { savings: subtractSavings(shipped, twinCost), files: seen.size }
}

function check(report: Parameters<FindingsRule['check']>[0], ctx: FindingsContext): FindingDraft[] {
  const drafts: FindingDraft[] = []
  for (const pkg of report.packages) {
    const modules = (ctx.modulesByPackage.get(pkg.id) ?? []).filter(module => ctx.isShipped(module.id))
    const cjsModules = modules.filter(module => isCommonJs(ctx, module))
    if (cjsModules.length === 0) continue
    const moduleIds = cjsModules.map(module => module.id)
    const shipped = ctx.sumSizes(moduleIds)
    if (shipped.rawBytes === 0) continue
    const twin = esTwins[pkg.name]
    // Nothing to advise (react-dom, ...): no ES twin, no ES build, no known alternative.
    if (!twin && !pkg.hasEsmBuild && !alternatives[pkg.name]) continue

    // Who imports the package from the app, and which names they use.
    const edges = findAppImportEdges(ctx, modules.map(module => module.id), `shipped-package:${pkg.id}`)
    const directEdges = edges.filter(edge => !edge.indirect)
    const uses: ImportUse[] = directEdges.map(edge => readImportUse(ctx, edge.importer, edge.imported))
    const namesKnown = uses.length > 0 && uses.every(use => !use.unknown && !use.whole) && uses.some(use => use.names.length > 0)
    // The default export of a one-function file (`import chunk from 'lodash/chunk.js'`) is that function.
    const fileFunctionOf = (use: ImportUse): string | null => use.names.includes('default') && use.statement ? readFileFunctionName(use.statement.specifier, pkg.name) : null
    const usedNames = [...new Set(uses.flatMap(use => [...use.names, fileFunctionOf(use) ?? 'default']))].filter(name => name !== 'default').sort()
    const first = uses[0] ?? null
    const location = first ? locateStatement(first.importer, first.statement) : null

    const twinFolder = twin && first ? ctx.resolvePackageFolder(first.importer, twin.twin) : null
    const sourceBytes = cjsModules.reduce((sum, module) => sum + (module.originalBytes ?? Buffer.byteLength(ctx.readSource(module.id) ?? '')), 0)

    let savings: Savings = shipped
    let confidence: FindingDraft['confidence'] = 'low'
    let estimate = `up to ${formatBytes(rankingBytes(shipped))} gzip if nothing of it were needed`
    if (twin && twinFolder && namesKnown && usedNames.length > 0 && twin.perFunctionFiles && twin.twin !== pkg.name) {
      const twinEstimate = estimateTwinSavings(ctx, twinFolder, usedNames, shipped, sourceBytes)
      if (twinEstimate) {
        savings = twinEstimate.savings
        confidence = 'medium'
        estimate = `${usedNames.join(', ')} from ${twin.twin} come to ${twinEstimate.files} small modules; about ${formatBytes(rankingBytes(savings))} gzip less`
      }
    }
    // The ES twin would ship about as much (one-function files imported one by one already): nothing to gain.
    if (confidence === 'medium' && rankingBytes(savings) < minGzipBytes) continue

    const usesDefault = uses.some(use => use.names.includes('default') && fileFunctionOf(use) === null)
    const usedText = !namesKnown
      ? 'which exports the app uses could not be read'
      : usedNames.length === 0 ? 'the app uses its default export' : `the app uses ${usedNames.length} of its exports (${usedNames.join(', ')}${usesDefault ? ' and the default export' : ''})`
    const where = directEdges.length > 0 ? ` Imported by ${[...new Set(directEdges.map(edge => edge.importer))].join(', ')}.` : ''
    let fix: string
    let snippet: string | null = null
    if (twin && twin.twin !== pkg.name) {
      fix = `Import the functions from ${twin.twin}, the ES build of ${pkg.name} (one module per function, so only what you use ships)${twinFolder ? '' : `; install ${twin.twin} first`}.`
      snippet = namesKnown && twin.perFunctionFiles
        ? usedNames.map(name => `import ${name} from '${twin.twin}/${name}'`).join('\n')
        : `import { ${namesKnown ? usedNames.join(', ') : '…'} } from '${twin.twin}'`
    }
    else if (pkg.hasEsmBuild) {
      fix = `${pkg.name} ships an ES build, but the bundler took its CommonJS files: import from the package root (not a \`dist/cjs\` path) and check the resolve conditions / mainFields of your bundler config.`
      snippet = namesKnown ? `import { ${usedNames.join(', ')} } from '${pkg.name}'` : null
    }
    else if (alternatives[pkg.name]) {
      fix = `${pkg.name} has no ES build and no drop-in ES twin. Alternatives: ${alternatives[pkg.name]}.`
    }
    else {
      fix = `${pkg.name} has no ES build: import single files (\`${pkg.name}/<function>\`) where the package has them, or replace it with a tree-shakable library.`
    }

    drafts.push({
      subject: pkg.id,
      title: `${pkg.name} is CommonJS and ships whole`,
      message: `${pkg.name}${pkg.version ? `@${pkg.version}` : ''} is CommonJS: ${cjsModules.length} module${cjsModules.length === 1 ? '' : 's'}, ${formatBytes(shipped.rawBytes)} (${shipped.gzipBytes === null ? 'gzip not measured' : `${formatBytes(shipped.gzipBytes)} gzip`}) kept whole because bundlers cannot tree-shake \`module.exports\`; ${usedText}. ${estimate}.${where}${location ? ` See ${formatLocation(location)}.` : ''}`,
      modules: moduleIds,
      packages: [pkg.id],
      savings,
      load: ctx.loadOf(moduleIds),
      confidence,
      location,
      fix,
      snippet,
    })
  }
  return drafts
}

export const commonJsKeptWhole: FindingsRule = {
  meta: {
    code: 'WB-TS001',
    title: 'CommonJS package kept whole',
    severity: 'warn',
    docs: 'Bundlers tree-shake ES modules only. A CommonJS module (`module.exports`, `require`) is kept with all its code even when the app uses one function of it. Import from the package\'s ES build or its ES twin (lodash → lodash-es), or import single-function files. Savings are estimated from the ES twin\'s files for the functions you use (confidence medium) or, when they cannot be read, given as the whole package (confidence low).',
  },
  check,
}
