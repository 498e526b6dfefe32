/**
 * The markdown summary for PR comments and `$GITHUB_STEP_SUMMARY`: status line, budgets table,
 * initial loads and the biggest changes since the baseline. Always fits GitHub's 65,536-character
 * limit (measured in UTF-8 bytes, which is never less than characters): whole rows and tables are
 * left out, with a note saying what.
 */
import type { BudgetContributor, BudgetResult, Report, SizeDelta } from '../model'
import { formatBytes, formatDeltaBytes, formatPercent } from '../budgets/limits'
import { indexReport, sumOutputSizes } from '../budgets/report-index'
import { sumTotalSizes } from '../diff/diff-reports'
import type { MarkdownTable } from './fit-markdown'
import { escapeCell, fitMarkdown, formatCode, formatCount } from './fit-markdown'

/** GitHub's limit for an issue or PR comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536

export interface MarkdownSummaryOptions {
  /** Upper bound in UTF-8 bytes. @default 65_536 */
  maxBytes?: number
  /** Heading text. @default 'Weighbridge' */
  title?: string
  /** How many changed modules / packages / chunks to list at most. @default 50 */
  maxChanges?: number
}

const LEVEL_ICON = { error: '❌', warn: '⚠️', pass: '✅' } as const

export function renderMarkdownSummary(report: Report, options: MarkdownSummaryOptions = {}): string {
  const maxBytes = options.maxBytes ?? GITHUB_COMMENT_LIMIT
  const maxChanges = options.maxChanges ?? 50
  const index = indexReport(report)
  const diff = report.diff
  const tables: MarkdownTable[] = []

  const budgets = [...report.budgets].sort((a, b) => levelRank(b) - levelRank(a))
  tables.push({
    heading: '### Budgets',
    columns: [{ title: '' }, { title: 'Budget' }, { title: 'Size', align: 'right' }, { title: 'Limit', align: 'right' }, { title: 'Largest contributors' }],
    rows: budgets.map(result => [
      LEVEL_ICON[result.level],
      `${escapeCell(result.label)} <sub>${escapeCell(result.path)}</sub>`,
      formatActual(result),
      formatLimits(result),
      result.level === 'pass' ? '' : escapeCell(result.contributors.slice(0, 3).map(formatContributor).join(', '), 300),
    ]),
    noun: 'budgets',
    leftOutAre: 'passing budgets are listed last',
  })

  const entryDeltas = new Map((diff?.entries ?? []).map(delta => [delta.id, delta]))
  tables.push({
    heading: '### Initial loads',
    columns: [{ title: 'Entry' }, { title: 'Files', align: 'right' }, { title: 'Raw', align: 'right' }, { title: 'Gzip', align: 'right' }, { title: 'Brotli', align: 'right' }, ...(diff ? [{ title: 'Δ gzip', align: 'right' as const }] : [])],
    rows: [...report.entries]
      .sort((a, b) => (b.initialLoad.gzipBytes ?? b.initialLoad.rawBytes) - (a.initialLoad.gzipBytes ?? a.initialLoad.rawBytes) || compareText(a.name, b.name))
      .map((entry) => {
        const sizes = sumOutputSizes(index, entry.initialLoad.files)
        const delta = entryDeltas.get(entry.name)
        return [
          formatCode(entry.name),
          formatCount(entry.initialLoad.files.length),
          formatBytes(sizes.rawBytes),
          formatOptionalBytes(sizes.gzipBytes),
          formatOptionalBytes(sizes.brotliBytes),
          ...(diff ? [delta ? formatDeltaCell(delta) : '±0 B'] : []),
        ]
      }),
    noun: 'entries',
    leftOutAre: 'the smallest',
  })

  if (diff) {
    const changeTable = (heading: string, noun: string, deltas: SizeDelta[], nameColumn: string): MarkdownTable => ({
      heading,
      columns: [{ title: nameColumn }, { title: 'Change' }, { title: 'Before (gzip)', align: 'right' }, { title: 'After (gzip)', align: 'right' }, { title: 'Δ gzip', align: 'right' }, { title: 'Δ raw', align: 'right' }],
      rows: deltas.slice(0, maxChanges).map(delta => [
        formatCode(delta.id),
        delta.kind,
        delta.before ? formatOptionalBytes(delta.before.gzipBytes) : '—',
        delta.after ? formatOptionalBytes(delta.after.gzipBytes) : '—',
        formatDeltaCell(delta),
        formatDeltaBytes(delta.deltaRawBytes),
      ]),
      noun,
      leftOutAre: 'the smallest changes',
    })
    const listedNote = (deltas: SizeDelta[], noun: string): string | undefined =>
      deltas.length > maxChanges ? `The ${formatCount(maxChanges)} largest of ${formatCount(deltas.length)} changed ${noun}; the rest are in report.json.` : undefined
    for (const [heading, noun, deltas, nameColumn] of [
      ['### Packages changed', 'packages', diff.packages, 'Package'],
      ['### Chunks changed', 'chunks', diff.chunks, 'Chunk'],
      ['### Modules changed', 'modules', diff.modules, 'Module'],
    ] as const) {
      const table = changeTable(heading, noun, deltas, nameColumn)
      const intro = listedNote(deltas, noun)
      tables.push(intro ? { ...table, intro } : table)
    }
  }

  return fitMarkdown(tables, { maxBytes, head: renderHead(report, options.title ?? 'Weighbridge', index) })
}

function renderHead(report: Report, title: string, index: ReturnType<typeof indexReport>): string {
  const broken = report.budgets.filter(result => result.level === 'error').length
  const warned = report.budgets.filter(result => result.level === 'warn').length
  let status: string
  if (report.budgets.length === 0)
    status = 'no budgets declared'
  else if (broken)
    status = `${LEVEL_ICON.error} ${broken} of ${report.budgets.length} budgets broken${warned ? `, ${warned} over the warn limit` : ''}`
  else if (warned)
    status = `${LEVEL_ICON.warn} ${warned} of ${report.budgets.length} budgets over the warn limit`
  else status = `${LEVEL_ICON.pass} all ${report.budgets.length} budgets pass`

  const total = sumTotalSizes(index)
  const totalText = `${formatOptionalBytes(total.gzipBytes)} gzip, ${formatBytes(total.rawBytes)} raw`
  const lines = [`## ${escapeCell(title)}: ${status}`, '']
  if (report.diff) {
    const before = report.diff.totals.before
    const after = report.diff.totals.after
    const gzipDelta = before.gzipBytes !== null && after.gzipBytes !== null ? after.gzipBytes - before.gzipBytes : null
    const percent = gzipDelta !== null && before.gzipBytes ? ` (${formatPercent((gzipDelta / before.gzipBytes) * 100)})` : ''
    lines.push(`Total shipped: **${totalText}**; ${gzipDelta === null ? `${formatDeltaBytes(after.rawBytes - before.rawBytes)} raw` : `${formatDeltaBytes(gzipDelta)} gzip${percent}`} against baseline ${formatCode(report.diff.baseline)}.`)
  }
  else {
    lines.push(`Total shipped: **${totalText}**; no baseline to compare with.`)
  }
  const counts = `${formatCount(report.outputs.length)} files, ${formatCount(report.chunks.length)} chunks, ${formatCount(report.modules.length)} modules, ${formatCount(report.packages.length)} packages`
  lines.push('', `<sub>${report.bundler.name}${report.bundler.version ? ` ${report.bundler.version}` : ''} · ${counts}</sub>`)
  return lines.join('\n')
}

function levelRank(result: BudgetResult): number {
  return result.level === 'error' ? 2 : result.level === 'warn' ? 1 : 0
}

function isPercentGrowth(result: BudgetResult): boolean {
  return result.unit === 'percent'
}

function formatActual(result: BudgetResult): string {
  if (result.metric === 'count')
    return formatCount(result.actual)
  if (result.kind === 'growth')
    return isPercentGrowth(result) ? formatPercent(result.actual) : formatDeltaBytes(result.actual)
  return formatBytes(result.actual)
}

function formatLimits(result: BudgetResult): string {
  const format = (value: number): string => {
    if (result.metric === 'count')
      return formatCount(value)
    if (result.kind === 'growth')
      return isPercentGrowth(result) ? `${value}%` : formatDeltaBytes(value)
    return formatBytes(value)
  }
  const parts: string[] = []
  if (result.warnLimit !== null)
    parts.push(`warn ${format(result.warnLimit)}`)
  if (result.errorLimit !== null)
    parts.push(`error ${format(result.errorLimit)}`)
  return parts.join(' / ')
}

function formatContributor(contributor: BudgetContributor): string {
  const delta = contributor.deltaBytes !== null && contributor.deltaBytes !== 0 ? ` (${formatDeltaBytes(contributor.deltaBytes)})` : ''
  return `${contributor.id} ${formatBytes(contributor.bytes)}${delta}`
}

function formatOptionalBytes(bytes: number | null): string {
  return bytes === null ? 'n/a' : formatBytes(bytes)
}

function formatDeltaCell(delta: SizeDelta): string {
  return delta.deltaGzipBytes === null ? `${formatDeltaBytes(delta.deltaRawBytes)} raw` : formatDeltaBytes(delta.deltaGzipBytes)
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
