/**
 * WB-TS004: exports kept in the bundle although no importer uses them (where the bundler reports
 * rendered exports): typical of modules reached through a namespace object or of bundlers that keep
 * every export of a module.
 */
import { formatBytes } from '../../budgets/limits'
import type { Report } from '../../model'
import type { FindingsContext } from '../context'
import { rankingBytes, scaleSavings } from '../context'
import { readImportUse } from '../import-use'
import type { FindingDraft, FindingsRule } from '../types'

const minGzipBytes = 200

function check(report: Report, ctx: FindingsContext): FindingDraft[] {
  const drafts: FindingDraft[] = []
  for (const module of report.modules) {
    const kept = ctx.renderedExportsOf(module.id)
    if (!kept || kept.size === 0 || module.isEntry || module.format === 'cjs' || module.dynamicImporters.length > 0) continue
    if (module.importers.length === 0 || !module.importers.every(id => ctx.isAppModule(id))) continue
    const uses = module.importers.map(importer => readImportUse(ctx, importer, module.id))
    if (uses.some(use => use.unknown || use.whole || use.statement?.kind === 'reexport')) continue
    const used = new Set(uses.flatMap(use => use.names))
    const unused = [...kept].filter(name => !used.has(name)).sort()
    if (unused.length === 0) continue
    const savings = scaleSavings(ctx.sumSizes([module.id]), unused.length / kept.size)
    if (rankingBytes(savings) < minGzipBytes) continue
    drafts.push({
      subject: module.id,
      title: `${unused.length} export${unused.length === 1 ? '' : 's'} of ${module.id} kept but never used`,
      message: `${module.id} keeps ${unused.length} of its ${kept.size} rendered exports (${unused.slice(0, 5).join(', ')}${unused.length > 5 ? ', …' : ''}) that none of its ${uses.length} importer${uses.length === 1 ? '' : 's'} uses; about ${formatBytes(rankingBytes(savings))} gzip by their share of the exports (an estimate).`,
      modules: [module.id],
      packages: module.package ? [module.package] : [],
      savings,
      load: ctx.loadOf([module.id]),
      confidence: 'low',
      location: { file: module.id, line: null, column: null },
      fix: 'Remove the unused exports, or move them to their own module, so the bundler can leave them out; check that nothing reaches the module through a namespace object.',
      snippet: null,
    })
  }
  return drafts
}

export const unusedExportsKept: FindingsRule = {
  meta: {
    code: 'WB-TS004',
    title: 'Exports kept but never used',
    severity: 'info',
    docs: 'Compares the exports the bundler rendered for a module with the names its importers use (read from their sources). Exports nobody uses but that stayed in the bundle are dead weight. Priced as the module\'s bytes times the share of unused rendered exports (confidence low).',
  },
  check,
}
