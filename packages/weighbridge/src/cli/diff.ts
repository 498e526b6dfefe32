/**
 * `weighbridge diff <before.json> <after.json>`: what changed between two saved reports: initial
 * loads, packages, chunks (matched by name, not hashed file) and modules, with gzip deltas.
 */
import type { CAC } from 'cac'
import type { ReportDiff, SizeDelta } from '@weighbridge/core'
import { diffReports, formatBytes, formatDeltaBytes, renderMarkdownSummary } from '@weighbridge/core'
import type { CliIo } from './index'
import { CommandInputError, readReportArgument, runCommand } from './command-io'

export interface DiffFlags {
  json?: boolean
  markdown?: boolean
  limit?: string | number
}

export function registerDiffCommand(cli: CAC, io: CliIo, run: (pending: Promise<number>) => void): void {
  cli
    .command('diff <before> <after>', 'Compare two report.json files: added, removed, grown and shrunk packages, chunks, modules, initial loads')
    .option('--json', 'Print the diff as JSON')
    .option('--markdown', 'Print the markdown summary (for a PR comment)')
    .option('--limit <n>', 'Rows per section in the text output (default: 20)')
    .example(name => `  $ ${name} diff .weighbridge/baseline.json .weighbridge/report.json`)
    .action((before: string, after: string, flags: DiffFlags) => {
      run(runDiff(before, after, flags, io))
    })
}

export async function runDiff(beforeArgument: string, afterArgument: string, flags: DiffFlags, io: CliIo): Promise<number> {
  return runCommand(io, 'diff', () => {
    const limit = flags.limit === undefined ? 20 : Number(flags.limit)
    if (!Number.isInteger(limit) || limit < 1)
      throw new CommandInputError(`--limit must be a whole number of rows, 1 or more; received ${JSON.stringify(flags.limit)}`)
    const before = readReportArgument(io, beforeArgument)
    const after = readReportArgument(io, afterArgument)
    const diff = diffReports(before.report, after.report, { baselineLabel: before.shown })
    if (flags.json)
      io.stdout.write(`${JSON.stringify(diff, null, 2)}\n`)
    else if (flags.markdown)
      io.stdout.write(renderMarkdownSummary({ ...after.report, diff }))
    else io.stdout.write(formatDiffText(diff, before.shown, after.shown, limit))
    return 0
  })
}

export function formatDiffText(diff: ReportDiff, beforeName: string, afterName: string, limit: number): string {
  const lines = [`weighbridge diff: ${beforeName} → ${afterName}`]
  const { before, after } = diff.totals
  if (before.gzipBytes !== null && after.gzipBytes !== null) {
    const percent = before.gzipBytes ? ` (${(((after.gzipBytes - before.gzipBytes) / before.gzipBytes) * 100).toFixed(1)}%)` : ''
    lines.push(`Total: ${formatBytes(before.gzipBytes)} → ${formatBytes(after.gzipBytes)} gzip, ${formatDeltaBytes(after.gzipBytes - before.gzipBytes)}${percent}`)
  }
  else {
    lines.push(`Total: ${formatBytes(before.rawBytes)} → ${formatBytes(after.rawBytes)} raw, ${formatDeltaBytes(after.rawBytes - before.rawBytes)}`)
  }
  const sections: [string, SizeDelta[]][] = [['Initial loads', diff.entries], ['Packages', diff.packages], ['Chunks', diff.chunks], ['Modules', diff.modules]]
  for (const [title, deltas] of sections) {
    if (deltas.length === 0) {
      lines.push('', `${title}: no change`)
      continue
    }
    lines.push('', `${title} (${deltas.length} changed${deltas.length > limit ? `, largest ${limit} shown` : ''}):`)
    const width = Math.min(60, Math.max(...deltas.slice(0, limit).map(delta => delta.id.length)))
    for (const delta of deltas.slice(0, limit))
      lines.push(`  ${SIGN[delta.kind]} ${delta.id.padEnd(width)}  ${formatDelta(delta).padStart(10)} ${delta.deltaGzipBytes === null ? 'raw ' : 'gzip'}  ${describeSizes(delta)}`)
  }
  return `${lines.join('\n')}\n`
}

const SIGN = { added: '+', removed: '-', grown: '↑', shrunk: '↓' } as const

function formatDelta(delta: SizeDelta): string {
  return formatDeltaBytes(delta.deltaGzipBytes ?? delta.deltaRawBytes)
}

function describeSizes(delta: SizeDelta): string {
  const pick = (sizes: SizeDelta['before']): string => sizes === null ? '—' : formatBytes(sizes.gzipBytes ?? sizes.rawBytes)
  if (delta.kind === 'added')
    return `(added, ${pick(delta.after)})`
  if (delta.kind === 'removed')
    return `(removed, was ${pick(delta.before)})`
  return `(${pick(delta.before)} → ${pick(delta.after)})`
}
