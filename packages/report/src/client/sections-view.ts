/**
 * Findings, budgets, the baseline diff and the runtime snapshot. Each explains itself when empty.
 */
import type { BudgetResult, Finding, SizeDelta } from '@weighbridge/core'
import { formatBytes, formatDeltaBytes } from '@weighbridge/core/format-bytes'
import { h, type Child } from './dom'
import type { App } from './app'
import { moduleLabel, packageLabel } from './report-index'
import { renderTable } from './table'

function section(name: string, title: string, ...children: Child[]): HTMLElement {
  return h('section', { className: `view view-${name}`, attrs: { 'aria-label': title } }, h('h2', null, title), ...children)
}

function savingsText(finding: Finding): string {
  const parts = [finding.savings.gzipBytes !== null ? `${formatBytes(finding.savings.gzipBytes)} gzip` : null, `${formatBytes(finding.savings.rawBytes)} raw`]
  return `Saves ${parts.filter(Boolean).join(' / ')} off the ${finding.load === 'total' ? 'total' : `${finding.load} load`} (${finding.confidence} confidence)`
}

function renderFinding(app: App, finding: Finding): HTMLElement {
  const location = finding.location
    ? `${finding.location.file}${finding.location.line !== null ? `:${finding.location.line}` : ''}${finding.location.column !== null ? `:${finding.location.column}` : ''}`
    : null
  return h('article', { className: `card severity-${finding.severity}`, dataset: { finding: finding.id } },
    h('header', null,
      h('span', { className: `badge badge-${finding.severity}` }, finding.severity),
      h('h3', null, finding.title),
      h('span', { className: 'rule' }, finding.rule),
    ),
    finding.savings.rawBytes > 0 || (finding.savings.gzipBytes ?? 0) > 0 ? h('p', { className: 'savings' }, savingsText(finding)) : null,
    h('p', null, finding.message),
    location ? h('p', { className: 'hint' }, 'Where: ', h('span', { className: 'path' }, location)) : null,
    h('p', null, h('b', null, 'Fix: '), finding.fix),
    finding.snippet ? h('pre', { className: 'snippet' }, h('code', null, finding.snippet)) : null,
    finding.modules.length || finding.packages.length
      ? h('p', { className: 'involved' }, 'Involves: ',
          ...finding.packages.map(id => h('button', { className: 'link', attrs: { type: 'button' }, on: { click: () => app.update({ view: 'packages', q: app.index.packageById.get(id)?.name ?? id, sort: null }) } }, packageLabel(app.index, id))),
          ...finding.modules.slice(0, 30).map(id => h('button', { className: 'link path', attrs: { 'type': 'button', 'title': id, 'data-module': id }, on: { click: () => app.update({ module: id }) } }, moduleLabel(app.index, id))),
          finding.modules.length > 30 ? ` and ${finding.modules.length - 30} more modules` : null)
      : null,
  )
}

export function renderFindingsView(app: App): HTMLElement {
  const { findings } = app.index.report
  if (findings.length === 0) {
    return section('findings', 'Findings', h('p', { className: 'empty', attrs: { 'data-testid': 'findings-empty' } },
      'No findings. Tree-shaking blockers, duplicated packages and lazy-load candidates show up here, with the bytes each fix saves.'))
  }
  const bySeverity = { error: 0, warn: 0, info: 0 }
  for (const finding of findings) bySeverity[finding.severity]++
  return section('findings', 'Findings',
    h('p', { className: 'hint' }, `${findings.length} findings: ${bySeverity.error} errors, ${bySeverity.warn} warnings, ${bySeverity.info} notes. Sorted by the bytes a fix saves.`),
    ...findings.map(finding => renderFinding(app, finding)),
  )
}

function formatBudgetValue(budget: BudgetResult, value: number | null): string {
  if (value === null) return '–'
  const unit = budget.unit ?? (budget.metric === 'count' ? 'count' : 'bytes')
  if (unit === 'count') return String(value)
  if (unit === 'percent') return `${value.toFixed(1)}%`
  return formatBytes(value)
}

export function renderBudgetsView(app: App): HTMLElement {
  const { budgets } = app.index.report
  if (budgets.length === 0) {
    return section('budgets', 'Budgets', h('p', { className: 'empty', attrs: { 'data-testid': 'budgets-empty' } },
      'No budgets declared. Give the plugin a `budgets` option (for example initial JS under 170 kB gzip) to fail builds that grow past it.'))
  }
  return section('budgets', 'Budgets',
    ...budgets.map(budget => h('article', { className: `card level-${budget.level}`, dataset: { budget: budget.path } },
      h('header', null,
        h('span', { className: `badge badge-${budget.level === 'pass' ? 'pass' : budget.level}` }, budget.level),
        h('h3', null, budget.label),
        h('span', { className: 'rule' }, budget.path),
      ),
      h('p', { className: 'budget-figures' },
        h('b', null, formatBudgetValue(budget, budget.actual)),
        budget.warnLimit !== null ? ` · warn above ${formatBudgetValue(budget, budget.warnLimit)}` : '',
        budget.errorLimit !== null ? ` · error above ${formatBudgetValue(budget, budget.errorLimit)}` : '',
      ),
      h('p', null, budget.message),
      budget.contributors.length
        ? h('ul', { className: 'compact' }, ...budget.contributors.slice(0, 15).map(contributor => h('li', null,
            h('span', { className: 'badge' }, contributor.kind), ' ',
            h('span', { className: 'path' }, contributor.id), ` ${formatBytes(contributor.bytes)}`,
            contributor.deltaBytes !== null ? ` (${formatDeltaBytes(contributor.deltaBytes)})` : '',
          )))
        : null,
    )),
  )
}

function renderDeltaTable(app: App, title: string, deltas: SizeDelta[], testId: string): HTMLElement {
  return h('div', null,
    h('h3', null, `${title} (${deltas.length})`),
    deltas.length === 0
      ? h('p', { className: 'empty' }, 'No change.')
      : renderTable({
          caption: title,
          testId,
          rows: deltas,
          sort: app.state.sort,
          defaultSort: 'delta-desc',
          onSort: sort => app.update({ sort }, { replace: true }),
          limit: 100,
          columns: [
            { key: 'id', label: 'Id', value: delta => delta.id, render: delta => h('span', { className: 'path' }, delta.id) },
            { key: 'kind', label: 'Change', value: delta => delta.kind, render: delta => h('span', { className: `badge badge-${delta.kind}` }, delta.kind) },
            { key: 'before', label: 'Before', numeric: true, value: delta => delta.before?.rawBytes ?? -1, render: delta => formatBytes(delta.before?.rawBytes) },
            { key: 'after', label: 'After', numeric: true, value: delta => delta.after?.rawBytes ?? -1, render: delta => formatBytes(delta.after?.rawBytes) },
            { key: 'delta', label: 'Δ raw', numeric: true, value: delta => Math.abs(delta.deltaRawBytes), render: delta => formatDeltaBytes(delta.deltaRawBytes) },
            { key: 'gzip', label: 'Δ gzip', numeric: true, value: delta => Math.abs(delta.deltaGzipBytes ?? 0), render: delta => formatDeltaBytes(delta.deltaGzipBytes) },
          ],
        }),
  )
}

export function renderDiffView(app: App): HTMLElement {
  const { diff } = app.index.report
  if (!diff) {
    return section('diff', 'Compared with a baseline', h('p', { className: 'empty', attrs: { 'data-testid': 'diff-empty' } },
      'No baseline report was given, so there is nothing to compare. Pass a saved report.json as the baseline to see what grew.'))
  }
  const { before, after } = diff.totals
  return section('diff', 'Compared with a baseline',
    h('p', { className: 'hint' }, 'Baseline: ', h('span', { className: 'path' }, diff.baseline)),
    h('p', { className: 'budget-figures' },
      `Total raw ${formatBytes(before.rawBytes)} → ${formatBytes(after.rawBytes)} (${formatDeltaBytes(after.rawBytes - before.rawBytes)})`,
      before.gzipBytes !== null && after.gzipBytes !== null ? ` · gzip ${formatBytes(before.gzipBytes)} → ${formatBytes(after.gzipBytes)} (${formatDeltaBytes(after.gzipBytes - before.gzipBytes)})` : '',
    ),
    renderDeltaTable(app, 'Entries', diff.entries, 'diff-entries'),
    renderDeltaTable(app, 'Chunks', diff.chunks, 'diff-chunks'),
    renderDeltaTable(app, 'Packages', diff.packages, 'diff-packages'),
    renderDeltaTable(app, 'Modules', diff.modules, 'diff-modules'),
  )
}

function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`
}

export function renderRuntimeView(app: App): HTMLElement {
  const { runtime } = app.index.report
  if (!runtime) return section('runtime', 'Runtime', h('p', { className: 'empty' }, 'No runtime snapshot was attached to this report.'))
  const leaks = Array.isArray(runtime.leaks) ? runtime.leaks : []
  const sites = Array.isArray(runtime.sites) ? runtime.sites : []
  const spans = Array.isArray(runtime.spans) ? runtime.spans : []
  const heap = runtime.heap ?? null
  const where = (item: { file: string, line: number, column: number }): string => `${item.file}:${item.line}:${item.column}`
  return section('runtime', 'Runtime snapshot',
    h('p', { className: 'hint' }, `Taken on ${runtime.url ?? 'a page'} after ${runtime.iterations} iterations; ${Math.round(runtime.sampleRate * 100)}% of spans sampled.`),
    h('h3', null, `Leaks (${leaks.length})`),
    leaks.length
      ? h('ul', { className: 'plain' }, ...leaks.map(leak => h('li', { className: 'card severity-warn' },
          h('p', null, h('b', null, `${leak.api} `), h('span', { className: 'path' }, where(leak))),
          h('p', null, leak.message),
          h('p', { className: 'hint' }, `${leak.live} live, +${leak.growthPerIteration.toFixed(2)} per iteration over ${leak.iterations} iterations`),
        )))
      : h('p', { className: 'empty' }, 'No call site grows with the iterations.'),
    h('h3', null, 'Heap'),
    heap
      ? h('p', null, `${heap.samples.length} samples (${heap.source})`,
          heap.slopeBytesPerSecond !== null ? `; trend ${formatBytes(heap.slopeBytesPerSecond)}/s` : '',
          heap.limitBytes !== null ? `; limit ${formatBytes(heap.limitBytes)}` : '',
          heap.msToLimit !== null ? `; limit reached in about ${formatMs(heap.msToLimit)}` : '')
      : h('p', { className: 'empty' }, 'The browser gave no heap figure.'),
    h('h3', null, `Spans (${spans.length})`),
    spans.length
      ? renderTable({
          caption: 'Sampled spans',
          testId: 'runtime-spans',
          rows: spans,
          sort: app.state.sort,
          defaultSort: 'total-desc',
          onSort: sort => app.update({ sort }, { replace: true }),
          limit: 100,
          columns: [
            { key: 'name', label: 'Name', value: span => span.name, render: span => h('span', { className: 'path' }, span.name) },
            { key: 'kind', label: 'Kind', value: span => span.kind },
            { key: 'count', label: 'Count', numeric: true, value: span => span.count },
            { key: 'total', label: 'Total', numeric: true, value: span => span.totalMs, render: span => formatMs(span.totalMs) },
            { key: 'max', label: 'Max', numeric: true, value: span => span.maxMs, render: span => formatMs(span.maxMs) },
          ],
        })
      : h('p', { className: 'empty' }, 'No spans were sampled.'),
    h('h3', null, `Call sites (${sites.length})`),
    sites.length
      ? renderTable({
          caption: 'Runtime call sites',
          testId: 'runtime-sites',
          rows: sites,
          sort: app.state.sort,
          defaultSort: 'live-desc',
          onSort: sort => app.update({ sort }, { replace: true }),
          limit: 100,
          columns: [
            { key: 'where', label: 'Where', value: site => where(site), render: site => h('span', { className: 'path' }, where(site)) },
            { key: 'api', label: 'API', value: site => site.api },
            { key: 'added', label: 'Added', numeric: true, value: site => site.added },
            { key: 'released', label: 'Released', numeric: true, value: site => site.released },
            { key: 'live', label: 'Live', numeric: true, value: site => site.live },
          ],
        })
      : h('p', { className: 'empty' }, 'No tagged call site ran.'),
  )
}
