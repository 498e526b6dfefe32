/**
 * The terminal summary after a build: per entry its initial load, the largest chunks, the total and
 * where the report is. Columns are aligned; colour only on a TTY.
 */
import type { Report, Sizes } from '@weighbridge/core'
import type { Logger } from './logger'
import { formatBytes, formatFindingsLines } from '@weighbridge/core'
import { createColors } from 'picocolors'

export interface SummaryOptions {
  /** Report path to print (relative to the project root), or null when none was written. */
  reportPath: string | null
  /** HTML report path to print (relative to the project root), when one was written. */
  htmlPath?: string | null
  colors: boolean
  /** How many chunks to list. @default 10 */
  maxChunks?: number
}

type Row =
  | { type: 'heading', label: string }
  | { type: 'sizes', label: string, sizes: Sizes, note: string, strong?: boolean }

function formatSize(bytes: number | null): string {
  return bytes === null ? '-' : formatBytes(bytes)
}

function sumSizes(items: Sizes[]): Sizes {
  return items.reduce<Sizes>((total, item) => ({
    rawBytes: total.rawBytes + item.rawBytes,
    gzipBytes: total.gzipBytes === null || item.gzipBytes === null ? null : total.gzipBytes + item.gzipBytes,
    brotliBytes: total.brotliBytes === null || item.brotliBytes === null ? null : total.brotliBytes + item.brotliBytes,
  }), { rawBytes: 0, gzipBytes: 0, brotliBytes: 0 })
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`
}

export function formatSummary(report: Report, options: SummaryOptions): string {
  const colors = createColors(options.colors)
  const rows: Row[] = []
  if (report.entries.length > 0) {
    rows.push({ type: 'heading', label: 'Initial load' })
    for (const entry of report.entries)
      rows.push({ type: 'sizes', label: `  ${entry.name}`, sizes: entry.initialLoad, note: plural(entry.initialLoad.files.length, 'file') })
  }
  const outputByFile = new Map(report.outputs.map(output => [output.file, output]))
  const chunks = report.chunks
    .map(chunk => ({ chunk, output: outputByFile.get(chunk.file) }))
    .filter(item => item.output !== undefined)
    .sort((a, b) => b.output!.rawBytes - a.output!.rawBytes || (a.chunk.file < b.chunk.file ? -1 : 1))
    .slice(0, options.maxChunks ?? 10)
  if (chunks.length > 0) {
    rows.push({ type: 'heading', label: 'Largest chunks' })
    for (const { chunk, output } of chunks)
      rows.push({ type: 'sizes', label: `  ${chunk.file}`, sizes: output!, note: chunk.isEntry ? 'entry' : chunk.isDynamicEntry ? 'lazy' : '' })
  }
  const shipped = report.outputs.filter(output => output.kind !== 'map')
  const mapCount = report.outputs.length - shipped.length
  rows.push({ type: 'sizes', label: 'Total', sizes: sumSizes(shipped), note: `${plural(shipped.length, 'file')}${mapCount > 0 ? `, ${plural(mapCount, 'source map')} not counted` : ''}`, strong: true })

  const cells = rows.map(row => row.type === 'heading'
    ? null
    : [row.label, formatSize(row.sizes.rawBytes), formatSize(row.sizes.gzipBytes), formatSize(row.sizes.brotliBytes)])
  const widths = [0, 1, 2, 3].map(column => Math.max(
    ['', 'raw', 'gzip', 'brotli'][column]!.length,
    ...rows.map((row, index) => row.type === 'heading' && column === 0 ? row.label.length : (cells[index]?.[column]?.length ?? 0)),
  ))
  const line = (values: string[]): string => values
    .map((value, column) => column === 0 ? value.padEnd(widths[0]!) : value.padStart(widths[column]!))
    .join('   ')

  const bundler = `${report.bundler.name}${report.bundler.version ? ` ${report.bundler.version}` : ''}`
  const out = [`${colors.bold(colors.cyan('weighbridge'))} ${colors.dim(`· ${bundler} · ${plural(report.outputs.length, 'emitted file')}`)}`]
  rows.forEach((row, index) => {
    if (row.type === 'heading') {
      const first = out.length === 1
      out.push(colors.bold(line([row.label, ...(first ? ['raw', 'gzip', 'brotli'] : ['', '', ''])])).trimEnd())
      return
    }
    const [label, raw, gzip, brotli] = cells[index]!
    const text = `${line([label!, raw!, gzip!, brotli!])}${row.note ? `   ${colors.dim(row.note)}` : ''}`
    out.push(row.strong ? colors.bold(text) : text)
  })
  out.push(...formatFindingsLines(report.findings, {
    paintSeverity: (severity, text) => severity === 'error' ? colors.red(text) : severity === 'warn' ? colors.yellow(text) : colors.dim(text),
  }))
  const reportLine = options.reportPath ? `Report: ${colors.cyan(options.reportPath)}` : colors.dim('Report: not written (reportFile: false)')
  out.push(options.htmlPath ? `${reportLine} · open ${colors.cyan(options.htmlPath)}` : reportLine)
  return out.join('\n')
}

/** Prints the summary through the logger (info level); colour when stdout is a colour TTY. */
export function printSummary(report: Report, reportPath: string | null, logger: Logger, htmlPath: string | null = null): void {
  const colors = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
  logger.info(formatSummary(report, { reportPath, htmlPath, colors }))
}
