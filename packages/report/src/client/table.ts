/**
 * A sortable table with a row limit ("Show more"). Sort order lives in the hash (`sort=size-desc`).
 */
import { activateOnKey, h, type Child } from './dom'

export interface Column<T> {
  key: string
  label: string
  numeric?: boolean
  /** The sort value. */
  value: (row: T) => string | number
  /** The cell content; defaults to the sort value as text. */
  render?: (row: T) => Child
}

export interface TableOptions<T> {
  columns: Column<T>[]
  rows: T[]
  sort: string | null
  defaultSort: string
  onSort: (sort: string) => void
  onActivate?: (row: T) => void
  rowKey?: (row: T) => string
  caption: string
  testId: string
  limit?: number
}

function parseSort(sort: string | null, columns: Column<unknown>[], fallback: string): { key: string, descending: boolean } {
  for (const candidate of [sort, fallback]) {
    const match = /^(.+)-(asc|desc)$/.exec(candidate ?? '')
    if (match && columns.some(column => column.key === match[1])) return { key: match[1]!, descending: match[2] === 'desc' }
  }
  return { key: columns[0]!.key, descending: false }
}

export function renderTable<T>(options: TableOptions<T>): HTMLElement {
  const { columns } = options
  const sort = parseSort(options.sort, columns as Column<unknown>[], options.defaultSort)
  const sortColumn = columns.find(column => column.key === sort.key)!
  const direction = sort.descending ? -1 : 1
  const rows = options.rows
    .map(row => ({ row, value: sortColumn.value(row) }))
    .sort((a, b) => (a.value < b.value ? -direction : a.value > b.value ? direction : 0))
    .map(item => item.row)

  const head = h('tr', null, ...columns.map((column) => {
    const active = column.key === sort.key
    const next = active && !sort.descending ? 'desc' : active ? 'asc' : column.numeric ? 'desc' : 'asc'
    return h('th', {
      className: column.numeric ? 'num' : '',
      attrs: { 'scope': 'col', 'aria-sort': active ? (sort.descending ? 'descending' : 'ascending') : null },
    }, h('button', {
      className: 'sort',
      attrs: { type: 'button' },
      on: { click: () => options.onSort(`${column.key}-${next}`) },
    }, column.label, active ? (sort.descending ? ' ▼' : ' ▲') : ''))
  }))
  const body = h('tbody')
  const limit = options.limit ?? 500
  let shown = 0
  const more = h('button', { className: 'more', attrs: { type: 'button' } })
  const showMore = (): void => {
    const end = Math.min(rows.length, shown + limit)
    const fragment = document.createDocumentFragment()
    for (let index = shown; index < end; index++) fragment.appendChild(renderRow(rows[index]!))
    body.appendChild(fragment)
    shown = end
    more.hidden = shown >= rows.length
    more.textContent = `Show ${Math.min(limit, rows.length - shown)} more (${rows.length - shown} not shown)`
  }
  const renderRow = (row: T): HTMLElement => {
    const activate = options.onActivate
    return h('tr', {
      className: activate ? 'row-link' : '',
      attrs: { tabindex: activate ? 0 : null },
      dataset: options.rowKey ? { key: options.rowKey(row) } : undefined,
      on: activate
        ? {
            click: (event) => {
              if ((event.target as Element).closest('button, a')) return
              activate(row)
            },
            keydown: event => event.target === event.currentTarget && activateOnKey(event, () => activate(row)),
          }
        : undefined,
    }, ...columns.map(column => h('td', { className: column.numeric ? 'num' : '' }, column.render ? column.render(row) : String(column.value(row)))))
  }
  more.addEventListener('click', showMore)
  showMore()
  const table = h('table', { className: 'data', attrs: { 'data-testid': options.testId } },
    h('caption', { className: 'visually-hidden' }, options.caption),
    h('thead', null, head),
    body,
  )
  return h('div', { className: 'table-wrap' }, table, rows.length === 0 ? h('p', { className: 'empty' }, 'Nothing matches.') : null, more)
}
