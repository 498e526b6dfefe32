/**
 * Per entry or page: what loads before it can run (initial) versus what only `import()` fetches
 * (lazy), by file and by package.
 */
import type { Entry, LoadSizes, SizeMetric } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core/format-bytes'
import { formatCount, formatPercent } from '../format'
import { h } from './dom'
import type { App } from './app'
import { fileSize, packageLabel, sizeOf, METRIC_LABELS, type ReportIndex } from './report-index'
import { APP_PACKAGE } from './state'
import { renderTable } from './table'

interface PackageShare {
  /** Package id, APP_PACKAGE, ':glue' (bytes of no module) or ':files' (files without module data). */
  key: string
  label: string
  bytes: number
  modules: number
}

export function loadSize(index: ReportIndex, files: readonly string[], metric: SizeMetric): number {
  return files.reduce((sum, file) => sum + fileSize(index, file, metric), 0)
}

/** A load's figure: the report's own totals, except `rendered`, which sums the files' modules. */
export function loadFigure(index: ReportIndex, load: LoadSizes, metric: SizeMetric): number {
  return metric === 'rendered' ? loadSize(index, load.files, metric) : sizeOf(load, metric)
}

/** Bytes per package across the chunk files of a load (glue as its own row). */
export function sharesByPackage(index: ReportIndex, files: readonly string[], metric: SizeMetric): PackageShare[] {
  const shares = new Map<string, PackageShare>()
  const add = (key: string, label: string, bytes: number, modules: number): void => {
    const share = shares.get(key) ?? { key, label, bytes: 0, modules: 0 }
    share.bytes += bytes
    share.modules += modules
    shares.set(key, share)
  }
  for (const file of files) {
    const chunk = index.chunkByFile.get(file)
    if (!chunk) {
      add(':files', '(files without module data: CSS, HTML, assets)', fileSize(index, file, metric), 0)
      continue
    }
    for (const part of chunk.modules) {
      const packageId = index.moduleById.get(part.id)?.package ?? null
      add(packageId ?? APP_PACKAGE, packageLabel(index, packageId), sizeOf(part, metric), 1)
    }
    if (metric !== 'rendered') add(':glue', '(glue: runtime, wrappers)', sizeOf(chunk.glue, metric), 0)
  }
  return [...shares.values()].filter(share => share.bytes > 0 || share.modules > 0)
}

function renderLoadBar(initialBytes: number, lazyBytes: number): HTMLElement {
  const total = initialBytes + lazyBytes
  const initialShare = total ? (initialBytes / total) * 100 : 0
  return h('div', { className: 'load-bar', attrs: { 'aria-hidden': 'true' } },
    h('span', { className: 'load-initial', attrs: { style: `width:${initialShare}%` } }),
    h('span', { className: 'load-lazy', attrs: { style: `width:${100 - initialShare}%` } }),
  )
}

function renderFilesTable(app: App, files: readonly string[], caption: string, testId: string): HTMLElement {
  const { index } = app
  const { metric } = app.state
  const total = loadSize(index, files, metric)
  return renderTable({
    caption,
    testId,
    rows: [...files],
    sort: app.state.sort,
    defaultSort: 'size-desc',
    onSort: sort => app.update({ sort }, { replace: true }),
    rowKey: file => file,
    onActivate: file => app.update({ view: 'treemap', chunk: file, pkg: null, dir: null }),
    columns: [
      { key: 'file', label: 'File', value: file => file },
      { key: 'kind', label: 'Kind', value: file => index.outputByFile.get(file)?.kind ?? index.chunkByFile.get(file)?.kind ?? '' },
      { key: 'size', label: METRIC_LABELS[metric], numeric: true, value: file => fileSize(index, file, metric), render: file => formatBytes(fileSize(index, file, metric)) },
      { key: 'share', label: 'Share', numeric: true, value: file => fileSize(index, file, metric), render: file => formatPercent(fileSize(index, file, metric), total) },
    ],
  })
}

function renderEntryDetails(app: App, entry: Entry): HTMLElement {
  const { index } = app
  const { metric } = app.state
  const shares = sharesByPackage(index, entry.initialLoad.files, metric)
  const total = shares.reduce((sum, share) => sum + share.bytes, 0)
  const packagesTable = renderTable({
    caption: `Packages in the initial load of ${entry.name}`,
    testId: 'initial-packages',
    rows: shares,
    sort: app.state.sort,
    defaultSort: 'size-desc',
    onSort: sort => app.update({ sort }, { replace: true }),
    rowKey: share => share.key,
    onActivate: (share) => {
      if (index.packageById.has(share.key)) app.update({ view: 'packages', q: index.packageById.get(share.key)?.name ?? share.key, sort: null })
      else if (share.key === APP_PACKAGE) app.update({ view: 'modules', q: '', sort: null })
    },
    columns: [
      { key: 'name', label: 'Package', value: share => share.label },
      { key: 'modules', label: 'Modules', numeric: true, value: share => share.modules },
      { key: 'size', label: METRIC_LABELS[metric], numeric: true, value: share => share.bytes, render: share => formatBytes(share.bytes) },
      { key: 'share', label: 'Share', numeric: true, value: share => share.bytes, render: share => formatPercent(share.bytes, total) },
    ],
  })
  return h('div', { className: 'entry-details', attrs: { 'data-testid': 'entry-details' } },
    h('h3', null, 'Initial load by package'),
    packagesTable,
    h('h3', null, `Initial files (${entry.initialLoad.files.length})`),
    renderFilesTable(app, entry.initialLoad.files, `Initial files of ${entry.name}`, 'initial-files'),
    h('h3', null, `Lazy files (${entry.lazyLoad.files.length})`),
    entry.lazyLoad.files.length
      ? renderFilesTable(app, entry.lazyLoad.files, `Lazy files of ${entry.name}`, 'lazy-files')
      : h('p', { className: 'empty' }, 'Nothing is loaded lazily from this entry.'),
  )
}

export function renderEntriesView(app: App): HTMLElement {
  const { index, state } = app
  const { entries } = index.report
  const section = h('section', { className: 'view view-entries', attrs: { 'aria-label': 'Entries' } },
    h('h2', null, 'Entries and pages'),
    h('p', { className: 'hint' }, `Initial load: everything fetched before the entry can run (its chunks, their static imports and CSS). Lazy: reachable only through import(). ${METRIC_LABELS[state.metric]} sizes.`),
  )
  if (entries.length === 0) {
    section.appendChild(h('p', { className: 'empty' }, 'This build has no entries.'))
    return section
  }
  const largest = Math.max(1, ...entries.map(entry => loadFigure(index, entry.initialLoad, state.metric) + loadFigure(index, entry.lazyLoad, state.metric)))
  for (const entry of entries) {
    const initialBytes = loadFigure(index, entry.initialLoad, state.metric)
    const lazyBytes = loadFigure(index, entry.lazyLoad, state.metric)
    const expanded = state.entry === entry.name
    const card = h('article', { className: `entry${expanded ? ' expanded' : ''}`, dataset: { entry: entry.name } },
      h('button', {
        className: 'entry-head',
        attrs: { 'type': 'button', 'aria-expanded': String(expanded), 'data-testid': 'entry-toggle' },
        on: { click: () => app.update({ entry: expanded ? null : entry.name, sort: null }) },
      },
      h('span', { className: 'entry-name' }, entry.name),
      h('span', { className: 'entry-kind' }, entry.kind === 'html' ? 'page' : 'entry chunk'),
      h('span', { className: 'entry-figure' }, h('b', null, formatBytes(initialBytes)), ` initial (${formatCount(entry.initialLoad.files.length, 'file')})`),
      h('span', { className: 'entry-figure' }, h('b', null, formatBytes(lazyBytes)), ` lazy (${formatCount(entry.lazyLoad.files.length, 'file')})`),
      ),
      h('div', { className: 'entry-bar', attrs: { style: `width:${Math.max(2, ((initialBytes + lazyBytes) / largest) * 100)}%` } }, renderLoadBar(initialBytes, lazyBytes)),
      expanded ? renderEntryDetails(app, entry) : null,
    )
    section.appendChild(card)
  }
  return section
}
