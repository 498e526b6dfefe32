/**
 * WB-TS003: namespace and barrel imports that pull in a whole library. `import * as _ from 'pkg'`
 * read with computed keys (`_[name]`) or passed around keeps every export; a barrel import the
 * bundler could not prune keeps modules no used name needs.
 */
import { formatBytes } from '../../budgets/limits'
import type { Report } from '../../model'
import type { FindingsContext } from '../context'
import { rankingBytes, subtractSavings } from '../context'
import { collectStaticClosure, collectStaticClosureIndexes, createRelativeResolver } from '../graph-walk'
import { scanExports } from '../import-scan'
import type { ImportUse } from '../import-use'
import { formatLocation, locateStatement, readImportUse } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

/** A "whole library" has at least this many shipped modules behind the imported module. */
const minLibraryModules = 10

/**
 * The modules that define `names` when imported through `barrelId`: follows `export { x } from`
 * and `export * from` through the package's files. Null when a name cannot be traced.
 */
function traceExportedNames(ctx: FindingsContext, resolve: (fromId: string, specifier: string) => string | null, barrelId: string, names: string[]): Set<string> | null {
  const defining = new Set<string>()
  const traceOne = (moduleId: string, name: string, depth: number): boolean => {
    if (depth > 8) return false
    const source = ctx.readSource(moduleId)
    const exportMap = source === null ? null : scanExports(source)
    if (!exportMap) return false
    const entry = exportMap.names.get(name)
    if (entry === null) {
      defining.add(moduleId)
      return true
    }
    if (entry) {
      const target = resolve(moduleId, entry.from)
      if (target === null) return false
      if (entry.importName === null) { // `export * as name from`
        defining.add(target)
        return true
      }
      return traceOne(target, entry.importName, depth + 1)
    }
    for (const from of exportMap.starFrom) {
      const target = resolve(moduleId, from)
      if (target !== null && traceOne(target, name, depth + 1)) return true
    }
    return false
  }
  for (const name of names) {
    if (!traceOne(barrelId, name, 0)) return null
  }
  return defining
}

function check(report: Report, ctx: FindingsContext): FindingDraft[] {
  const drafts: FindingDraft[] = []
  const resolve = createRelativeResolver(ctx)
  const { index } = ctx
  for (const target of report.modules) {
    if (target.package === null || !ctx.isShipped(target.id)) continue
    const packageId = target.package
    const importers = target.importers.filter((id) => {
      const v = index.indexOf.get(id)
      return v !== undefined && index.isApp[v] === 1
    })
    if (importers.length === 0) continue
    const closureIndexes = collectStaticClosureIndexes(ctx, [target.id], packageId)
    const closure = closureIndexes.filter(v => index.shipped[v] === 1).map(v => index.ids[v]!)
    if (closure.length < minLibraryModules) continue

    const uses: ImportUse[] = importers.map(importer => readImportUse(ctx, importer, target.id))
    const namespaceUses = uses.filter(use => use.statement?.namespaceName != null)
    const wholeUses = uses.filter(use => use.whole)
    if (uses.some(use => use.unknown && !use.whole)) continue
    const pkg = ctx.packageById.get(packageId)
    const name = pkg?.name ?? packageId
    const shipped = ctx.sumSizes(closure)
    const knownNames = [...new Set(uses.filter(use => !use.whole).flatMap(use => use.names))].sort()
    const defining = traceExportedNames(ctx, resolve, target.id, knownNames)
    // The used names are defined in the imported module itself: everything it pulls in is needed.
    if (wholeUses.length === 0 && defining !== null && defining.size === 1 && defining.has(target.id)) continue
    const needed = defining === null
      ? null
      : collectStaticClosure(ctx, defining, packageId)
    const perNameFiles = knownNames.every(used => closure.some(id => id.endsWith(`/${used}.js`)))

    if (wholeUses.length > 0) {
      const use = wholeUses[0]!
      const location = locateStatement(use.importer, use.statement)
      const ns = use.statement?.namespaceName ?? use.statement?.defaultName ?? name
      const savings = needed ? subtractSavings(shipped, ctx.sumSizes(needed)) : shipped
      drafts.push({
        subject: `${use.importer}>${target.id}`,
        title: `Namespace import keeps all of ${name} (${closure.length} modules)`,
        message: `${formatLocation(location)} imports ${name} as \`${ns}\` and reads it with computed keys or passes it around, so no export can be dropped: ${closure.length} modules, ${formatBytes(shipped.rawBytes)} (${shipped.gzipBytes === null ? 'gzip not measured' : `${formatBytes(shipped.gzipBytes)} gzip`}) ship. Savings are up to ${formatBytes(rankingBytes(savings))} gzip, depending on how many functions are really used.`,
        modules: closure,
        packages: [packageId],
        savings,
        load: ctx.loadOf(closure),
        confidence: 'low',
        location,
        fix: `Import the functions you use by name and look them up in your own map, so the bundler sees which ones are needed.`,
        snippet: `import { ${use.names.length > 0 ? use.names.join(', ') : 'first, second'} } from '${name}' // the functions you really use\nconst byName = { ${use.names.length > 0 ? use.names.join(', ') : 'first, second'} }\nconst fn = byName[key]`,
      })
      continue
    }
    if (!needed) continue
    const savings = subtractSavings(shipped, ctx.sumSizes(needed))
    if (rankingBytes(savings) < ctx.options.minLazyGzipBytes) continue
    const use = namespaceUses[0] ?? uses[0]!
    const location = locateStatement(use.importer, use.statement)
    const kind = namespaceUses.length > 0 ? 'Namespace' : 'Barrel'
    drafts.push({
      subject: `${use.importer}>${target.id}`,
      title: `${kind} import keeps ${closure.length - needed.size} unused modules of ${name}`,
      message: `${formatLocation(location)} uses ${knownNames.length} name${knownNames.length === 1 ? '' : 's'} of ${name} (${knownNames.join(', ')}), which need ${needed.size} modules, but ${closure.length} ship: ${formatBytes(rankingBytes(savings))} gzip of code no used name reaches${pkg?.sideEffects === null ? ` (${name} does not declare \`sideEffects\`, so the bundler keeps them)` : ''}.`,
      modules: closure.filter(id => !needed.has(id)),
      packages: [packageId],
      savings,
      load: ctx.loadOf(closure),
      confidence: 'medium',
      location,
      fix: `Import the functions from their own modules so the unused ones are never loaded.`,
      snippet: perNameFiles
        ? knownNames.map(used => `import ${used} from '${name}/${used}'`).join('\n')
        : `import { ${knownNames.join(', ')} } from '${name}' // plus "sideEffects": false, or deep imports`,
    })
  }
  return drafts
}

export const namespaceImport: FindingsRule = {
  meta: {
    code: 'WB-TS003',
    title: 'Namespace or barrel import pulls in a whole library',
    severity: 'warn',
    docs: '`import * as X from \'pkg\'` is tree-shaken only while every use is a plain `X.name`. Reading `X[key]` or passing `X` to a function keeps every export. A barrel (`index.js` re-exporting everything) in a package without `sideEffects: false` can keep every module it re-exports. Priced as the shipped modules no used name reaches (from the importer\'s source and the barrel\'s re-exports); for computed access the figure is an upper bound (confidence low).',
  },
  check,
}
