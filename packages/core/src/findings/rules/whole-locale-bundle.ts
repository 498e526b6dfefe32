/**
 * WB-TS005: locale / data bundles included whole. Date and i18n libraries ship one module per
 * locale; a context `require('./locale/' + name)`, a `locale` barrel or a `*-with-locales` build
 * puts every one of them in the bundle when the app shows two or three.
 */
import { statSync } from 'node:fs'
import path from 'node:path'
import { formatBytes } from '../../budgets/limits'
import type { Module, Report } from '../../model'
import type { FindingsContext, Savings } from '../context'
import { scaleSavings } from '../context'
import { findAppImportEdges } from '../graph-walk'
import { formatLocation, locateStatement, readImportUse } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

/** Builds of a package that carry every locale in one file, and the file that has none. */
const allLocaleBuilds: { packageName: string, file: RegExp, coreFile: string, fix: string, snippet: string }[] = [
  {
    packageName: 'moment',
    file: /^min\/moment-with-locales(?:\.min)?\.js$/,
    coreFile: 'moment.js',
    fix: 'Import moment\'s core build and only the locales you show (or move to Intl.DateTimeFormat / date-fns).',
    snippet: 'import moment from \'moment\'\nimport \'moment/locale/de\'\nimport \'moment/locale/fr\'',
  },
  {
    packageName: 'moment',
    file: /^min\/locales(?:\.min)?\.js$/,
    coreFile: '',
    fix: 'Import only the locales you show instead of moment/min/locales.',
    snippet: 'import \'moment/locale/de\'\nimport \'moment/locale/fr\'',
  },
]

/** `node_modules/moment/locale/de.js` → `node_modules/moment/locale/`: the locale folder a module is in. */
function readLocaleFolder(module: Module): string | null {
  if (module.package === null) return null
  const inPackage = module.id.slice(module.package.length + 1)
  const match = /^(.*?(?:^|\/)(?:locales?|i18n|lang|langs|nls)\/)/.exec(inPackage)
  return match ? `${module.package}/${match[1]}` : null
}

function fileSizeBytes(root: string | null, file: string): number | null {
  if (root === null) return null
  try {
    return statSync(path.resolve(root, file)).size
  }
  catch {
    return null
  }
}

function describeSavings(savings: Savings): string {
  return savings.gzipBytes === null ? formatBytes(savings.rawBytes) : `${formatBytes(savings.gzipBytes)} gzip`
}

function check(report: Report, ctx: FindingsContext): FindingDraft[] {
  const drafts: FindingDraft[] = []

  // 1. Many shipped modules under one locale folder.
  const byFolder = new Map<string, Module[]>()
  for (const module of report.modules) {
    if (!ctx.isShipped(module.id)) continue
    const folder = readLocaleFolder(module)
    if (folder === null) continue
    const list = byFolder.get(folder)
    if (list) list.push(module)
    else byFolder.set(folder, [module])
  }
  for (const [folder, modules] of byFolder) {
    if (modules.length <= ctx.options.minLocaleModules) continue
    const pkg = ctx.packageById.get(modules[0]!.package!)
    const name = pkg?.name ?? folder
    const moduleIds = modules.map(module => module.id)
    const savings = ctx.sumSizes(moduleIds)
    const edges = findAppImportEdges(ctx, moduleIds)
    const first = edges[0] ? readImportUse(ctx, edges[0].importer, edges[0].imported) : null
    const location = first ? locateStatement(first.importer, first.statement) : null
    const localeDir = folder.slice(pkg ? pkg.id.length + 1 : 0)
    const example = moduleIds.slice(0, 2).map(id => id.slice(id.lastIndexOf('/') + 1).replace(/\.[cm]?js$/, ''))
    drafts.push({
      subject: folder,
      title: `All ${name} locales are bundled`,
      message: `${modules.length} modules of ${folder} ship (${formatBytes(savings.rawBytes)}, ${describeSavings(savings)}): every ${name} locale, although an app shows a few.${location ? ` Pulled in from ${formatLocation(location)}.` : ''}`,
      modules: moduleIds,
      packages: pkg ? [pkg.id] : [],
      savings,
      load: ctx.loadOf(moduleIds),
      confidence: 'high',
      location,
      fix: name === 'moment'
        ? 'Stop the bundler from including every locale (moment\'s `require(\'./locale/\' + name)`): import the locales you use one by one; with webpack add `new webpack.IgnorePlugin({ resourceRegExp: /^\\.\\/locale$/, contextRegExp: /moment$/ })`.'
        : `Import the locales you show one by one (\`${name}/${localeDir}<code>\`) instead of the whole locale folder or its index.`,
      snippet: example.map(code => `import { ${code.replace(/[^\w$]/g, '')} } from '${name}/${localeDir}${code}'`).join('\n'),
    })
  }

  // 2. Single-file builds that carry every locale.
  for (const module of report.modules) {
    if (module.package === null || !ctx.isShipped(module.id)) continue
    const pkg = ctx.packageById.get(module.package)
    if (!pkg) continue
    const inPackage = module.id.slice(module.package.length + 1)
    const build = allLocaleBuilds.find(candidate => candidate.packageName === pkg.name && candidate.file.test(inPackage))
    if (!build) continue
    const shipped = ctx.sumSizes([module.id])
    // The locales' share of the file: its size minus the core build's, both on disk.
    const fileBytes = fileSizeBytes(ctx.root, module.id)
    const coreBytes = build.coreFile === '' ? 0 : fileSizeBytes(ctx.root, `${pkg.id}/${build.coreFile}`)
    const known = fileBytes !== null && coreBytes !== null && fileBytes > 0
    const savings = known ? scaleSavings(shipped, Math.max(0, 1 - coreBytes! / fileBytes!)) : shipped
    const edges = findAppImportEdges(ctx, [module.id])
    const first = edges[0] ? readImportUse(ctx, edges[0].importer, edges[0].imported) : null
    const location = first ? locateStatement(first.importer, first.statement) : null
    drafts.push({
      subject: module.id,
      title: `All ${pkg.name} locales are bundled`,
      message: `${inPackage} is ${pkg.name} with every locale in one file: ${formatBytes(shipped.rawBytes)} (${describeSavings(shipped)}) shipped, of which the locales are ${known ? `${Math.round((1 - coreBytes! / fileBytes!) * 100)}% by source size, about ${describeSavings(savings)}` : 'an unknown share'}.${location ? ` Imported at ${formatLocation(location)}.` : ''}`,
      modules: [module.id],
      packages: [pkg.id],
      savings,
      load: ctx.loadOf([module.id]),
      confidence: known ? 'medium' : 'low',
      location,
      fix: build.fix,
      snippet: build.snippet,
    })
  }
  return drafts
}

export const wholeLocaleBundle: FindingsRule = {
  meta: {
    code: 'WB-TS005',
    title: 'Locale data bundled whole',
    severity: 'warn',
    docs: 'Date and i18n libraries keep one module per locale. A context require (`require(\'./locale/\' + name)`), a locale barrel or a `*-with-locales` build ships all of them. Import the locales you show one by one. Priced as the bytes of the locale modules (or, for one-file builds, the file minus the core build, by source size).',
  },
  check,
}
