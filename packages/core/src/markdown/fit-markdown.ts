/**
 * Fits markdown tables into a size limit: whole rows only, whole tables dropped when not even one row
 * fits, and a note for every cut saying what was left out. Never cuts inside a row or a table.
 */

export interface MarkdownTable {
  /** `### Budgets` etc., printed above the table. */
  heading: string
  /** Lines printed between the heading and the table (context). */
  intro?: string
  columns: { title: string, align?: 'left' | 'right' | 'center' }[]
  /** Rows in priority order: the first rows survive truncation. Cells are markdown already escaped. */
  rows: string[][]
  /** What a row is, plural, for notes: `modules`. */
  noun: string
  /** Why the left-out rows are the least interesting: `the smallest changes`. */
  leftOutAre?: string
}

export interface FitOptions {
  /** Upper bound measured in UTF-8 bytes (≥ characters, so it holds for any way of counting). */
  maxBytes: number
  /** Always included before the tables. */
  head: string
  /** Always included after the tables. */
  foot?: string
}

/** Room kept for the note under a cut table. */
const CUT_NOTE_BYTES = 320

/**
 * Tables are filled in priority order. Once one is cut (or dropped), every later table is dropped:
 * a reader never sees a less important table in full while a more important one is cut.
 */
export function fitMarkdown(tables: MarkdownTable[], options: FitOptions): string {
  const parts: string[] = [options.head.trimEnd(), '']
  const foot = options.foot ? `\n${options.foot.trim()}\n` : ''
  const droppedNotes: string[] = []
  const describeDropped = (table: MarkdownTable): string => `the ${stripHeading(table.heading)} table (${formatCount(table.rows.length)} ${table.rows.length === 1 ? 'row' : 'rows'})`
  const renderDropped = (notes: string[]): string => notes.length ? `<sub>Left out to fit GitHub's 65,536-character limit: ${notes.join('; ')}. See report.json or the HTML report.</sub>\n` : ''
  const nonEmpty = tables.filter(table => table.rows.length > 0)
  let usedBytes = measureBytes(parts.join('\n')) + measureBytes(foot)
  let stopped = false

  nonEmpty.forEach((table, position) => {
    if (stopped) {
      droppedNotes.push(describeDropped(table))
      return
    }
    // Worst case after this table: it is cut (its note) and all later tables are dropped (one note).
    const reserve = CUT_NOTE_BYTES + measureBytes(renderDropped(nonEmpty.slice(position).map(describeDropped))) + 2
    const top = [table.heading, '', ...(table.intro ? [table.intro, ''] : []), renderRow(table.columns.map(column => column.title)), renderRow(table.columns.map(column => alignMarker(column.align)))].join('\n')
    let blockBytes = measureBytes(top) + 2
    const rows: string[] = []
    for (const row of table.rows) {
      const line = renderRow(row)
      const lineBytes = measureBytes(line) + 1
      if (usedBytes + blockBytes + lineBytes + reserve > options.maxBytes)
        break
      rows.push(line)
      blockBytes += lineBytes
    }
    if (rows.length === 0) {
      droppedNotes.push(describeDropped(table))
      stopped = true
      return
    }
    const block = [top, ...rows]
    const leftOut = table.rows.length - rows.length
    if (leftOut > 0) {
      block.push('', `<sub>… ${formatCount(leftOut)} more ${table.noun} left out to fit GitHub's 65,536-character limit${table.leftOutAre ? ` (${table.leftOutAre})` : ''}; the full list is in report.json and the HTML report.</sub>`)
      stopped = true
    }
    block.push('')
    const text = block.join('\n')
    parts.push(text)
    usedBytes += measureBytes(text) + 1
  })
  if (droppedNotes.length)
    parts.push(renderDropped(droppedNotes))
  const markdown = `${parts.join('\n').trimEnd()}\n${foot}`
  if (measureBytes(markdown) > options.maxBytes)
    return truncateLines(markdown, options.maxBytes)
  return markdown
}

/** Last resort (a head longer than the limit): keep whole lines that fit and say so. */
function truncateLines(markdown: string, maxBytes: number): string {
  const note = '\n<sub>… the rest was left out to fit the size limit.</sub>\n'
  const kept: string[] = []
  let used = measureBytes(note)
  for (const line of markdown.split('\n')) {
    const bytes = measureBytes(line) + 1
    if (used + bytes > maxBytes)
      break
    kept.push(line)
    used += bytes
  }
  // Do not end inside a table: drop trailing table rows back to the last blank line.
  while (kept.length && kept[kept.length - 1]!.startsWith('|'))
    kept.pop()
  return `${kept.join('\n')}${note}`
}

function renderRow(cells: string[]): string {
  return `| ${cells.join(' | ')} |`
}

function alignMarker(align: 'left' | 'right' | 'center' | undefined): string {
  return align === 'right' ? '---:' : align === 'center' ? ':---:' : '---'
}

function stripHeading(heading: string): string {
  return heading.replace(/^#+\s*/, '')
}

/** UTF-8 byte length, without Node's Buffer (this module also runs in the browser report). */
export function measureBytes(text: string): number {
  let bytes = 0
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code < 0x80)
      bytes += 1
    else if (code < 0x800)
      bytes += 2
    else if (code >= 0xD800 && code <= 0xDBFF && i + 1 < text.length) {
      bytes += 4
      i++
    }
    else bytes += 3
  }
  return bytes
}

export function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}

/** A table cell: no line breaks, pipes escaped, long text shortened in the middle. */
export function escapeCell(text: string, maxLength = 120): string {
  const flat = text.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|')
  if (flat.length <= maxLength)
    return flat
  const half = Math.floor((maxLength - 1) / 2)
  return `${flat.slice(0, half)}…${flat.slice(flat.length - half)}`
}

/** A code span for ids and paths: backticks inside cannot end it early. */
export function formatCode(text: string, maxLength = 100): string {
  return `\`${escapeCell(text.replace(/`/g, '\''), maxLength)}\``
}
