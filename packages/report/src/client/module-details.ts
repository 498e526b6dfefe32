/**
 * The module panel: where the module's bytes went, why it is included (the shortest import chain
 * from an entry) and every importer.
 */
import { formatBytes } from '@weighbridge/core/format-bytes'
import { h, type Child } from './dom'
import type { App } from './app'
import { moduleLabel, packageLabel, METRIC_LABELS } from './report-index'
import { findWhyIncluded } from './why-included'

function moduleButton(app: App, id: string, testId?: string): HTMLElement {
  const known = app.index.moduleById.has(id)
  return known
    ? h('button', { className: 'link path', attrs: { 'type': 'button', 'title': id, 'data-testid': testId ?? null, 'data-module': id }, on: { click: () => app.update({ module: id }) } }, moduleLabel(app.index, id))
    : h('span', { className: 'path' }, id)
}

function moduleList(app: App, ids: readonly string[], empty: string, testId: string): HTMLElement {
  if (ids.length === 0) return h('p', { className: 'empty', attrs: { 'data-testid': testId } }, empty)
  return h('ul', { className: 'plain', attrs: { 'data-testid': testId } }, ...ids.map(id => h('li', null, moduleButton(app, id))))
}

export function renderModuleDetails(app: App, id: string): HTMLElement {
  const { index } = app
  const module = index.moduleById.get(id)
  const close = h('button', { className: 'close', attrs: { 'type': 'button', 'aria-label': 'Close module details' }, on: { click: () => app.update({ module: null }) } }, '×')
  const title = h('h2', { attrs: { tabindex: -1 } }, h('span', { className: 'path' }, module ? moduleLabel(index, id) : id))
  if (!module) return h('div', null, close, title, h('p', { className: 'empty' }, 'This module is not in the report.'))

  const parts = index.partsByModule.get(id) ?? []
  const sizes: Child = parts.length
    ? h('table', { className: 'data compact-table' },
        h('thead', null, h('tr', null, h('th', { attrs: { scope: 'col' } }, 'In file'), ...(['raw', 'rendered', 'gzip', 'brotli'] as const)
          .filter(metric => index.availableMetrics.has(metric))
          .map(metric => h('th', { className: 'num', attrs: { scope: 'col' } }, METRIC_LABELS[metric])))),
        h('tbody', null, ...parts.map(({ chunk, part }) => h('tr', null,
          h('td', { className: 'path' }, chunk.file),
          h('td', { className: 'num' }, formatBytes(part.rawBytes)),
          index.availableMetrics.has('rendered') ? h('td', { className: 'num' }, formatBytes(part.renderedBytes)) : null,
          index.availableMetrics.has('gzip') ? h('td', { className: 'num' }, formatBytes(part.gzipBytes)) : null,
          index.availableMetrics.has('brotli') ? h('td', { className: 'num' }, formatBytes(part.brotliBytes)) : null,
        ))),
      )
    : h('p', { className: 'empty' }, 'Not in any output file (tree-shaken away, or external).')

  const facts: string[] = [
    moduleLabel(index, id) !== id ? id : '',
    module.package ? `Package ${packageLabel(index, module.package)}` : 'Your code',
    module.originalBytes !== null ? `source ${formatBytes(module.originalBytes)}` : '',
    module.format ? module.format.toUpperCase() : '',
    module.sideEffects === false ? 'no side effects' : module.sideEffects ? 'has side effects' : '',
  ].filter(Boolean)
  const rendered = parts.flatMap(({ part }) => part.renderedExports ?? [])
  const unused = module.exports && parts.length && parts.every(({ part }) => part.renderedExports !== null)
    ? module.exports.filter(name => !rendered.includes(name))
    : []

  const why = findWhyIncluded(index.moduleById, index.entryModuleIds, id)
  let whyContent: Child
  if (index.entryModuleIds.includes(id)) {
    whyContent = h('p', { attrs: { 'data-testid': 'why-chain' } }, 'This module is an entry.')
  }
  else if (why.chain) {
    whyContent = h('ol', { className: 'chain', attrs: { 'data-testid': 'why-chain' } }, ...why.chain.map(step => h('li', null,
      step.kind && step.kind !== 'static' ? h('span', { className: `badge${step.kind === 'dynamic' ? ' badge-lazy' : ''}` }, step.kind === 'dynamic' ? 'import()' : step.kind) : null,
      moduleButton(app, step.id),
    )))
  }
  else {
    whyContent = h('p', { className: 'empty', attrs: { 'data-testid': 'why-chain' } }, 'No import chain from an entry reaches this module (the bundler may have added it, e.g. a runtime helper).')
  }

  return h('div', { className: 'details' },
    close,
    title,
    h('p', { className: 'hint' }, facts.join(' · ')),
    sizes,
    h('h3', null, 'Why is it included?'),
    why.viaDynamicImport ? h('p', { className: 'hint' }, 'Only a dynamic import reaches it: it is not part of any initial load.') : null,
    whyContent,
    h('h3', null, `Imported by (${module.importers.length})`),
    moduleList(app, module.importers, 'No module imports it statically.', 'importers'),
    h('h3', null, `Imported with import() by (${module.dynamicImporters.length})`),
    moduleList(app, module.dynamicImporters, 'No dynamic importers.', 'dynamic-importers'),
    h('h3', null, `Imports (${module.imports.length})`),
    module.imports.length
      ? h('ul', { className: 'plain' }, ...module.imports.map(edge => h('li', null, edge.kind !== 'static' ? h('span', { className: 'badge' }, edge.kind) : null, moduleButton(app, edge.id))))
      : h('p', { className: 'empty' }, 'It imports nothing.'),
    module.exports
      ? h('p', { className: 'hint' }, `${module.exports.length} exports declared${unused.length ? `; unused in the output: ${unused.slice(0, 20).join(', ')}${unused.length > 20 ? ` and ${unused.length - 20} more` : ''}` : ''}.`)
      : null,
  )
}
