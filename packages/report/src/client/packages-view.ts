/**
 * npm packages: version, folder, duplicates (one name at several folders) and bytes per chunk.
 */
import type { Package, SizeMetric } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core/format-bytes'
import { h } from './dom'
import type { App } from './app'
import { sizeOf, METRIC_LABELS, type ReportIndex } from './report-index'
import { renderTable } from './table'

export interface PackageFigures {
  pkg: Package
  modules: number
  bytes: number
  /** Bytes per chunk file, largest first. */
  byChunk: { file: string, bytes: number }[]
  copies: number
}

export function measurePackages(index: ReportIndex, metric: SizeMetric): PackageFigures[] {
  const figures = new Map(index.report.packages.map(pkg => [pkg.id, {
    pkg,
    modules: 0,
    bytes: 0,
    byChunk: new Map<string, number>(),
    copies: index.packageIdsByName.get(pkg.name)?.length ?? 1,
  }]))
  for (const module of index.report.modules) {
    const figure = module.package ? figures.get(module.package) : undefined
    if (!figure) continue
    figure.modules++
    for (const { chunk, part } of index.partsByModule.get(module.id) ?? []) {
      const bytes = sizeOf(part, metric)
      figure.bytes += bytes
      figure.byChunk.set(chunk.file, (figure.byChunk.get(chunk.file) ?? 0) + bytes)
    }
  }
  return [...figures.values()].map(figure => ({
    ...figure,
    byChunk: [...figure.byChunk].map(([file, bytes]) => ({ file, bytes })).sort((a, b) => b.bytes - a.bytes || (a.file < b.file ? -1 : 1)),
  }))
}

const SHOWN_CHUNKS = 3

function renderChunkShares(byChunk: PackageFigures['byChunk']): HTMLElement {
  const item = ({ file, bytes }: { file: string, bytes: number }): HTMLElement => h('li', null,
    h('span', { className: 'path', attrs: { title: file } }, file.slice(file.lastIndexOf('/') + 1)),
    h('span', { className: 'nowrap' }, ` ${formatBytes(bytes)}`))
  const list = h('ul', { className: 'compact' }, ...byChunk.slice(0, SHOWN_CHUNKS).map(item))
  if (byChunk.length <= SHOWN_CHUNKS) return list
  return h('div', null, list, h('details', null,
    h('summary', null, `${byChunk.length - SHOWN_CHUNKS} more chunks`),
    h('ul', { className: 'compact' }, ...byChunk.slice(SHOWN_CHUNKS).map(item)),
  ))
}

export function renderPackagesView(app: App): HTMLElement {
  const { index, state } = app
  const query = state.q.trim().toLowerCase()
  const all = measurePackages(index, state.metric)
  const rows = all.filter(figure => !query || figure.pkg.name.toLowerCase().includes(query) || figure.pkg.id.toLowerCase().includes(query))
  const duplicated = [...index.packageIdsByName].filter(([, ids]) => ids.length > 1)
  const section = h('section', { className: 'view view-packages', attrs: { 'aria-label': 'Packages' } },
    h('h2', null, 'Packages'),
    h('p', { className: 'hint', attrs: { 'data-testid': 'package-count' } },
      `${rows.length} of ${all.length} packages. ${duplicated.length ? `${duplicated.length} package names are installed more than once.` : 'No package is installed twice.'}`),
  )
  if (duplicated.length) {
    section.appendChild(h('ul', { className: 'duplicates', attrs: { 'data-testid': 'duplicates' } }, ...duplicated.map(([name, ids]) => h('li', null,
      h('b', null, name),
      `: ${ids.length} copies (${ids.map(id => index.packageById.get(id)?.version ?? '?').join(', ')})`,
    ))))
  }
  section.appendChild(renderTable({
    caption: 'Packages',
    testId: 'package-table',
    rows,
    sort: state.sort,
    defaultSort: 'size-desc',
    onSort: sort => app.update({ sort }, { replace: true }),
    onActivate: figure => app.update({ view: 'modules', q: `${figure.pkg.id}/`, sort: null }),
    rowKey: figure => figure.pkg.id,
    columns: [
      {
        key: 'name',
        label: 'Name',
        value: figure => figure.pkg.name,
        render: figure => h('span', null, figure.pkg.name, figure.copies > 1 ? h('span', { className: 'badge badge-warn', attrs: { title: `${figure.pkg.name} is installed ${figure.copies} times` } }, `${figure.copies} copies`) : null),
      },
      { key: 'version', label: 'Version', value: figure => figure.pkg.version ?? '' },
      { key: 'folder', label: 'Folder', value: figure => figure.pkg.id, render: figure => h('span', { className: 'path' }, figure.pkg.id) },
      { key: 'modules', label: 'Modules', numeric: true, value: figure => figure.modules },
      { key: 'size', label: METRIC_LABELS[state.metric], numeric: true, value: figure => figure.bytes, render: figure => formatBytes(figure.bytes) },
      {
        key: 'chunks',
        label: 'In chunks',
        value: figure => figure.byChunk.length,
        render: figure => (figure.byChunk.length ? renderChunkShares(figure.byChunk) : 'tree-shaken away'),
      },
    ],
  }))
  return section
}
