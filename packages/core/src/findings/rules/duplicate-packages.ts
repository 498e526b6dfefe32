/**
 * WB-DP001: one package shipped from several folders (several versions, or one version installed
 * twice). Every extra copy is paid in full.
 */
import { formatBytes } from '../../budgets/limits'
import type { Package, Report } from '../../model'
import type { FindingsContext } from '../context'
import { compareStrings } from '../../sort-report'
import { readSpecifierPackageName } from '../context'
import { findAppImportEdges } from '../graph-walk'
import { formatLocation, readImportUse } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

/** Compares `1.10.0` > `1.9.3`; prerelease tags and missing versions sort low. */
export function compareVersions(a: string | null, b: string | null): number {
  if (a === b) return 0
  if (a === null) return -1
  if (b === null) return 1
  const parse = (version: string) => {
    const [core, pre] = version.split('-', 2) as [string, string | undefined]
    return { parts: core.split('.').map(part => Number.parseInt(part, 10) || 0), pre }
  }
  const left = parse(a)
  const right = parse(b)
  for (let i = 0; i < Math.max(left.parts.length, right.parts.length); i++) {
    const diff = (left.parts[i] ?? 0) - (right.parts[i] ?? 0)
    if (diff !== 0) return diff
  }
  if (left.pre === right.pre) return 0
  if (left.pre === undefined) return 1
  if (right.pre === undefined) return -1
  return left.pre < right.pre ? -1 : 1
}

interface Copy {
  pkg: Package
  moduleIds: string[]
  gzipOrRaw: number
  importers: { importer: string, line: number | null, column: number | null, specifier: string | null, text: string | null, indirect: boolean }[]
}

function check(report: Report, ctx: FindingsContext): FindingDraft[] {
  const byName = new Map<string, Copy[]>()
  for (const pkg of report.packages) {
    const moduleIds = (ctx.modulesByPackage.get(pkg.id) ?? []).map(module => module.id).filter(id => ctx.isShipped(id))
    if (moduleIds.length === 0) continue
    const sizes = ctx.sumSizes(moduleIds)
    const copy: Copy = { pkg, moduleIds, gzipOrRaw: sizes.gzipBytes ?? sizes.rawBytes, importers: [] }
    const list = byName.get(pkg.name)
    if (list) list.push(copy)
    else byName.set(pkg.name, [copy])
  }

  const drafts: FindingDraft[] = []
  for (const [name, copies] of byName) {
    if (copies.length < 2) continue
    for (const copy of copies) {
      const allModuleIds = (ctx.modulesByPackage.get(copy.pkg.id) ?? []).map(module => module.id)
      for (const edge of findAppImportEdges(ctx, allModuleIds, `package:${copy.pkg.id}`)) {
        const use = edge.indirect ? null : readImportUse(ctx, edge.importer, edge.imported)
        copy.importers.push({ importer: edge.importer, line: use?.statement?.line ?? null, column: use?.statement?.column ?? null, specifier: use?.statement?.specifier ?? null, text: use?.statement?.kind === 'static' ? use.statement.text : null, indirect: edge.indirect })
      }
    }
    // Keep the newest version (ties: the biggest copy); the others are the extra weight.
    copies.sort((a, b) => compareVersions(b.pkg.version, a.pkg.version) || b.gzipOrRaw - a.gzipOrRaw || compareStrings(a.pkg.id, b.pkg.id))
    const kept = copies[0]!
    const extras = copies.slice(1)
    const extraModuleIds = extras.flatMap(copy => copy.moduleIds)
    const savings = ctx.sumSizes(extraModuleIds)
    const versions = [...new Set(copies.map(copy => copy.pkg.version ?? '?'))]
    const sameVersion = versions.length === 1
    const target = kept.pkg.version ?? 'the newest version'

    const describeCopy = (copy: Copy): string => {
      const sizes = ctx.sumSizes(copy.moduleIds)
      const from = copy.importers.filter(item => !item.indirect).map(item => `${item.importer}${item.line ? `:${item.line}` : ''}${item.specifier && readSpecifierPackageName(item.specifier) !== name ? ` as '${item.specifier}'` : ''}`)
      const through = copy.importers.filter(item => item.indirect).map(item => item.importer)
      const listed = (items: string[]): string => items.length > 5 ? `${items.slice(0, 5).join(', ')} and ${items.length - 5} more` : items.join(', ')
      const pulledBy = [...(from.length > 0 ? [listed(from)] : []), ...(through.length > 0 ? [`through dependencies of ${listed([...new Set(through)])}`] : [])]
      return `${copy.pkg.version ?? '?'} at ${copy.pkg.id} (${formatBytes(sizes.gzipBytes ?? sizes.rawBytes)}${sizes.gzipBytes === null ? '' : ' gzip'}${pulledBy.length > 0 ? `, from ${pulledBy.join(', ')}` : ''})`
    }

    // Imports through an npm alias (`date-fns-2` → date-fns@2) are fixed in the app, not by overrides.
    const aliased = extras.flatMap(copy => copy.importers.filter(item => !item.indirect && item.specifier !== null && readSpecifierPackageName(item.specifier) !== name))
    const keptSpecifier = kept.importers.find(item => !item.indirect && item.specifier !== null)?.specifier ?? name
    const firstExtraImport = extras.flatMap(copy => copy.importers).find(item => !item.indirect) ?? extras.flatMap(copy => copy.importers)[0]
    const location = firstExtraImport ? { file: firstExtraImport.importer, line: firstExtraImport.line, column: firstExtraImport.column } : null

    let fix: string
    let snippet: string
    if (aliased.length > 0) {
      const aliasName = readSpecifierPackageName(aliased[0]!.specifier!)!
      fix = `The app imports ${name} ${aliased[0]!.specifier === aliasName ? 'through' : 'through the alias'} '${aliasName}' (${aliased.map(item => `${item.importer}${item.line ? `:${item.line}` : ''}`).join(', ')}): import from '${readSpecifierPackageName(keptSpecifier) ?? name}' (${target}) there instead and drop the alias from package.json.`
      const keptName = readSpecifierPackageName(keptSpecifier) ?? name
      const rewrite = (item: Copy['importers'][number]): string => {
        const specifier = `${keptName}${item.specifier!.slice(aliasName.length)}`
        return item.text ? item.text.replace(/(['"])[^'"]*\1\s*;?\s*$/, `'${specifier}'`) : `import … from '${specifier}'`
      }
      snippet = aliased.map(item => `// ${item.importer}${item.line ? `:${item.line}` : ''}\n${rewrite(item)}`).join('\n')
    }
    else if (sameVersion) {
      fix = `${name}@${versions[0]} is installed in ${copies.length} folders: deduplicate the lockfile (\`pnpm dedupe\`, \`npm dedupe\`, \`yarn dedupe\`).`
      snippet = 'pnpm dedupe   # or: npm dedupe / yarn dedupe'
    }
    else {
      fix = `Make every dependant use ${name}@${target}: pin it with pnpm.overrides / npm overrides / yarn resolutions in the root package.json (check the dependants work with ${target}), then reinstall.`
      snippet = `// package.json (pnpm)\n"pnpm": { "overrides": { "${name}": "${target}" } }\n// package.json (npm)\n"overrides": { "${name}": "${target}" }\n// package.json (yarn)\n"resolutions": { "${name}": "${target}" }`
    }

    drafts.push({
      subject: name,
      title: `${name} is bundled ${copies.length} times`,
      message: `${name} ships in ${copies.length} copies: ${copies.map(describeCopy).join('; ')}. Keeping only ${target} saves ${formatBytes(savings.gzipBytes ?? savings.rawBytes)}${savings.gzipBytes === null ? '' : ' gzip'}.${location ? ` See ${formatLocation(location)}.` : ''}`,
      modules: extraModuleIds,
      packages: copies.map(copy => copy.pkg.id),
      savings,
      load: ctx.loadOf(extraModuleIds),
      confidence: sameVersion ? 'high' : 'medium',
      location,
      fix,
      snippet,
    })
  }
  return drafts
}

export const duplicatePackages: FindingsRule = {
  meta: {
    code: 'WB-DP001',
    title: 'Package bundled more than once',
    severity: 'warn',
    docs: 'The same package shipped from several folders — two versions, or one version installed twice — costs its bytes once per copy. Point every importer at one version (pnpm.overrides, npm overrides, yarn resolutions; or import the same specifier instead of an npm alias). Savings are the shipped bytes of the copies other than the newest (confidence medium when versions differ: the kept version may need a few more of its own modules).',
  },
  check,
}
