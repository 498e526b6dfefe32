/**
 * WB-TS002: packages without a `sideEffects` declaration whose unused modules stayed. The bundler
 * must assume importing a module may have side effects, so modules none of whose exports are used
 * are kept (in part or whole) when the package does not say `"sideEffects": false`.
 */
import { formatBytes } from '../../budgets/limits'
import type { Report } from '../../model'
import type { FindingsContext } from '../context'
import { rankingBytes } from '../context'
import type { FindingDraft, FindingsRule } from '../types'

const minGzipBytes = 200

function check(report: Report, ctx: FindingsContext): FindingDraft[] {
  const drafts: FindingDraft[] = []
  for (const pkg of report.packages) {
    if (pkg.sideEffects !== null) continue
    const kept = (ctx.modulesByPackage.get(pkg.id) ?? []).filter((module) => {
      const names = ctx.renderedExportsOf(module.id)
      return names !== undefined && names !== null && names.size === 0
        && module.format !== 'cjs' && module.exports !== null && module.exports.length > 0 && !module.isEntry
    })
    if (kept.length === 0) continue
    const moduleIds = kept.map(module => module.id)
    const savings = ctx.sumSizes(moduleIds)
    if (rankingBytes(savings) < minGzipBytes) continue
    const pattern = `/node_modules/${pkg.name}/`
    drafts.push({
      subject: pkg.id,
      title: `${pkg.name} does not declare sideEffects; unused modules stayed`,
      message: `${kept.length} module${kept.length === 1 ? '' : 's'} of ${pkg.name} ship although none of their exports is used (${formatBytes(savings.rawBytes)}, ${savings.gzipBytes === null ? 'gzip not measured' : `${formatBytes(savings.gzipBytes)} gzip`}): ${pkg.name}'s package.json has no \`sideEffects\` field, so the bundler keeps what their top level might do. E.g. ${moduleIds.slice(0, 3).join(', ')}.`,
      modules: moduleIds,
      packages: [pkg.id],
      savings,
      load: ctx.loadOf(moduleIds),
      confidence: 'medium',
      location: null,
      fix: `If ${pkg.name}'s modules have no side effects, tell the bundler so (and ask upstream to add "sideEffects": false): Vite/Rollup/Rolldown \`treeshake.moduleSideEffects\`, webpack/Rspack a \`module.rules\` entry with \`sideEffects: false\`.`,
      snippet: `// vite.config.ts / rollup.config.js\nbuild: { rollupOptions: { treeshake: { moduleSideEffects: id => !id.includes('${pattern}') } } }\n// webpack.config.js\nmodule: { rules: [{ test: /node_modules[\\\\/]${pkg.name.replace(/[/\\\\^$.*+?()[\]{}|-]/g, '\\$&')}[\\\\/]/, sideEffects: false }] }`,
    })
  }
  return drafts
}

export const sideEffectsUndeclared: FindingsRule = {
  meta: {
    code: 'WB-TS002',
    title: 'Package without sideEffects declaration keeps unused modules',
    severity: 'info',
    docs: 'Without `"sideEffects": false` in a package\'s package.json, a bundler keeps the top-level code of every module that is imported, even when none of its exports is used. Priced as the shipped bytes of the package\'s modules whose rendered exports are empty.',
  },
  check,
}
