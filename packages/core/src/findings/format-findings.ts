/**
 * Terminal lines for findings: the top few by gzip savings, one line each plus the fix, e.g.
 *
 *   Findings: 7 (top 5 by gzip savings)
 *     warn WB-DP001 date-fns is bundled 2 times  −8.3 kB gzip (initial)  src/components/footer.tsx:3
 *          fix: The app imports date-fns through the alias 'date-fns-2' ...
 */
import { formatBytes } from '../budgets/limits'
import type { Finding } from '../model'

export interface FormatFindingsOptions {
  /** How many findings to show. @default 5 */
  limit?: number
  /** Wraps the severity word (e.g. with picocolors); identity by default. */
  paintSeverity?: (severity: Finding['severity'], text: string) => string
  /** Maximum characters of the fix line. @default 160 */
  maxFixChars?: number
}

export function formatSavings(finding: Finding): string {
  const { savings } = finding
  const amount = savings.gzipBytes === null ? formatBytes(savings.rawBytes) : `${formatBytes(savings.gzipBytes)} gzip`
  return `−${amount} (${finding.load})`
}

/** Lines for the terminal summary (empty when there are no findings). */
export function formatFindingsLines(findings: readonly Finding[], options: FormatFindingsOptions = {}): string[] {
  if (findings.length === 0) return []
  const limit = options.limit ?? 5
  const paint = options.paintSeverity ?? ((_severity, text) => text)
  const maxFix = options.maxFixChars ?? 160
  const shown = findings.slice(0, limit)
  const lines = [`Findings: ${findings.length}${findings.length > shown.length ? ` (top ${shown.length} by gzip savings; all in the report)` : ''}`]
  for (const finding of shown) {
    const where = finding.location ? `  ${finding.location.file}${finding.location.line === null ? '' : `:${finding.location.line}`}` : ''
    lines.push(`  ${paint(finding.severity, finding.severity.padEnd(4))} ${finding.rule} ${finding.title}  ${formatSavings(finding)}${finding.confidence === 'low' ? ' (rough)' : ''}${where}`)
    const fix = finding.fix.length > maxFix ? `${finding.fix.slice(0, maxFix - 1)}…` : finding.fix
    lines.push(`       fix: ${fix}`)
  }
  return lines
}
