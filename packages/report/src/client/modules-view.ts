/**
 * Every module with its size in the chosen metric, searchable, sortable, filterable by chunk.
 */
import type { Module } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core/format-bytes'
import { h } from './dom'
import type { App } from './app'
import { moduleLabel, moduleSize, packageLabel, METRIC_LABELS } from './report-index'
import { renderTable } from './table'

export function matchesModule(app: App, module: Module, query: string): boolean {
  if (!query) return true
  if (module.id.toLowerCase().includes(query) || moduleLabel(app.index, module.id).toLowerCase().includes(query)) return true
  return module.package !== null && packageLabel(app.index, module.package).toLowerCase().includes(query)
}

export function renderModulesView(app: App): HTMLElement {
  const { index, state } = app
  const query = state.q.trim().toLowerCase()
  const chunkFilter = state.chunk && index.chunkByFile.has(state.chunk) ? state.chunk : null
  const rows = index.report.modules.filter((module) => {
    if (chunkFilter && !(index.partsByModule.get(module.id) ?? []).some(({ chunk }) => chunk.file === chunkFilter)) return false
    return matchesModule(app, module, query)
  })
  const chunkSelect = h('select', {
    attrs: { 'aria-label': 'Only modules in chunk', 'data-testid': 'chunk-filter' },
    on: { change: event => app.update({ chunk: (event.target as HTMLSelectElement).value || null, pkg: null, dir: null }) },
  }, h('option', { attrs: { value: '' } }, 'All chunks'), ...index.report.chunks.map(chunk => h('option', {
    attrs: { value: chunk.file, selected: chunk.file === chunkFilter },
  }, chunk.file)))
  const total = rows.reduce((sum, module) => sum + moduleSize(index, module.id, state.metric, chunkFilter), 0)
  const notBundled = rows.filter(module => !index.partsByModule.has(module.id)).length
  return h('section', { className: 'view view-modules', attrs: { 'aria-label': 'Modules' } },
    h('h2', null, 'Modules'),
    h('div', { className: 'list-bar' },
      h('p', { className: 'hint', attrs: { 'data-testid': 'module-count', 'aria-live': 'polite' } },
        `${rows.length} of ${index.report.modules.length} modules, ${formatBytes(total)} ${METRIC_LABELS[state.metric].toLowerCase()}${notBundled ? ` (${notBundled} not in any output: tree-shaken or external)` : ''}. Press Enter on a row for why it is included.`),
      chunkSelect,
    ),
    renderTable({
      caption: 'Modules',
      testId: 'module-table',
      rows,
      sort: state.sort,
      defaultSort: 'size-desc',
      onSort: sort => app.update({ sort }, { replace: true }),
      onActivate: module => app.update({ module: module.id }),
      rowKey: module => module.id,
      columns: [
        { key: 'module', label: 'Module', value: module => moduleLabel(index, module.id), render: module => h('span', { className: 'path', attrs: { title: module.id } }, moduleLabel(index, module.id)) },
        { key: 'package', label: 'Package', value: module => (module.package ? packageLabel(index, module.package) : '') },
        {
          key: 'chunks',
          label: 'Chunks',
          value: module => (index.partsByModule.get(module.id) ?? []).map(({ chunk }) => chunk.file).join(', '),
        },
        {
          key: 'size',
          label: METRIC_LABELS[state.metric],
          numeric: true,
          value: module => moduleSize(index, module.id, state.metric, chunkFilter),
          render: module => (index.partsByModule.has(module.id) ? formatBytes(moduleSize(index, module.id, state.metric, chunkFilter)) : 'not bundled'),
        },
        { key: 'original', label: 'Source', numeric: true, value: module => module.originalBytes ?? -1, render: module => formatBytes(module.originalBytes) },
      ],
    }),
  )
}
