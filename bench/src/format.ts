/** Formatting of bench figures, as people read them (kB = 1,000 bytes). */

export function formatBytes(bytes: number | null): string {
  if (bytes === null) return '–'
  if (bytes < 1000) return `${bytes} B`
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`
  return `${(bytes / 1_000_000).toFixed(2)} MB`
}

export function formatMegabytes(bytes: number | null): string {
  return bytes === null ? '–' : `${Math.round(bytes / 1_000_000)} MB`
}

export function formatDurationMs(durationMs: number | null): string {
  if (durationMs === null) return '–'
  if (durationMs < 1000) return `${Math.round(durationMs)} ms`
  return `${(durationMs / 1000).toFixed(2)} s`
}

export function formatRatio(ratio: number | null): string {
  return ratio === null || !Number.isFinite(ratio) ? '–' : `${ratio.toFixed(2)}×`
}

export function median(values: number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** A GitHub-flavoured markdown table; `align` per column: 'l' or 'r'. */
export function renderMarkdownTable(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const separator = align.map(side => (side === 'r' ? '---:' : ':---'))
  return [header, separator, ...rows].map(cells => `| ${cells.join(' | ')} |`).join('\n')
}

/** The same table padded for a terminal. */
export function renderConsoleTable(header: string[], rows: string[][], align: ('l' | 'r')[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map(row => (row[column] ?? '').length)))
  const renderRow = (cells: string[]): string => cells
    .map((cell, column) => (align[column] === 'r' ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!)))
    .join('  ')
  return [renderRow(header), widths.map(width => '-'.repeat(width)).join('  '), ...rows.map(renderRow)].join('\n')
}
