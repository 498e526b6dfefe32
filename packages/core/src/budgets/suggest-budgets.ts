/**
 * Budgets at today's sizes plus headroom (`weighbridge budgets suggest --headroom 10%`), as config
 * objects and as a snippet to paste into `weighbridge.config.ts`.
 */
import type { Report } from '../model'
import type { BudgetConfig, BudgetMetric } from './config'
import { formatBytes } from './limits'
import { indexReport, isFileOfType, readMetric, sumFileSizes } from './report-index'

export interface SuggestBudgetsOptions {
  /** Headroom in percent over today's size. @default 10 */
  headroomPercent?: number
  /** @default 'gzip' */
  metric?: BudgetMetric
}

export interface SuggestedBudget {
  budget: BudgetConfig
  /** Today's size the limit was derived from, in bytes of the metric. */
  currentBytes: number
}

export function suggestBudgets(report: Report, options: SuggestBudgetsOptions = {}): SuggestedBudget[] {
  const headroom = options.headroomPercent ?? 10
  const requested = options.metric ?? 'gzip'
  const index = indexReport(report)
  // Fall back to raw sizes when the report has no compressed figures for the requested metric.
  const metric: BudgetMetric = report.outputs.every(output => readMetric(output, requested) !== null) ? requested : 'raw'
  const withMetric = (budget: BudgetConfig): BudgetConfig => (metric === 'gzip' ? budget : { ...budget, metric } as BudgetConfig)
  const limitFor = (bytes: number): string => formatLimit(bytes * (1 + headroom / 100))
  const suggestions: SuggestedBudget[] = []

  for (const entry of report.entries) {
    const bytes = sumFileSizes(index, entry.initialLoad.files, metric) ?? 0
    if (bytes > 0)
      suggestions.push({ budget: withMetric({ kind: 'initial', entry: entry.name, limit: limitFor(bytes) }), currentBytes: bytes })
  }
  for (const type of ['js', 'css'] as const) {
    const files = report.outputs.filter(output => isFileOfType(output, type)).map(output => output.file)
    const bytes = sumFileSizes(index, files, metric) ?? 0
    if (bytes > 0)
      suggestions.push({ budget: withMetric({ kind: 'total', type, limit: limitFor(bytes) }), currentBytes: bytes })
  }
  const largestChunk = Math.max(0, ...report.chunks.filter(chunk => chunk.kind === 'js').map(chunk => sumFileSizes(index, [chunk.file], metric) ?? 0))
  if (largestChunk > 0)
    suggestions.push({ budget: withMetric({ kind: 'chunk', type: 'js', limit: limitFor(largestChunk) }), currentBytes: largestChunk })
  const assets = report.outputs.filter(output => !['js', 'css', 'html', 'map'].includes(output.kind))
  const largestAsset = Math.max(0, ...assets.map(output => output.rawBytes))
  if (largestAsset > 0)
    suggestions.push({ budget: { kind: 'asset', metric: 'raw', limit: limitFor(largestAsset) }, currentBytes: largestAsset })
  return suggestions
}

/** Rounds up to a limit people can read: 3 significant digits, in kB or MB. */
export function formatLimit(bytes: number): string {
  if (bytes < 1_000)
    return `${Math.ceil(bytes)} B`
  const [unit, factor] = bytes < 1_000_000 ? ['kB', 1_000] as const : ['MB', 1_000_000] as const
  const value = bytes / factor
  const decimals = value >= 100 ? 0 : value >= 10 ? 1 : 2
  const step = 10 ** decimals
  const rounded = Math.ceil(value * step) / step
  return `${Number(rounded.toFixed(decimals))} ${unit}`
}

/** A config snippet to paste: `export default { budgets: [...] }` with today's size per line. */
export function renderBudgetSnippet(suggestions: SuggestedBudget[], options: { headroomPercent?: number, format?: 'ts' | 'json' } = {}): string {
  if (options.format === 'json')
    return `${JSON.stringify({ budgets: suggestions.map(suggestion => suggestion.budget) }, null, 2)}\n`
  const lines = suggestions.map((suggestion) => {
    const entries = Object.entries(suggestion.budget).map(([key, value]) => `${key}: ${typeof value === 'string' ? `'${value.replace(/'/g, '\\\'')}'` : String(value)}`)
    const metric = (suggestion.budget as { metric?: string }).metric ?? 'gzip'
    return `    { ${entries.join(', ')} }, // today ${formatBytes(suggestion.currentBytes)} ${metric}`
  })
  return [
    `// weighbridge.config.ts: budgets at today's sizes + ${options.headroomPercent ?? 10}% headroom`,
    'export default {',
    '  budgets: [',
    ...lines,
    '  ],',
    '}',
    '',
  ].join('\n')
}
