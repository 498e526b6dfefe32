/**
 * The report application: header, view tabs, metric switch, search, the current view, the module
 * details panel and the tooltip. State is the URL hash; every change goes through `update()`.
 */
import type { Report, SizeMetric } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core/format-bytes'
import { formatCount } from '../format'
import { clear, h } from './dom'
import { indexReport, METRIC_LABELS, type ReportIndex } from './report-index'
import { formatHash, METRICS, parseHash, type View, type ViewState } from './state'
import { buildTree, type TreeNode } from './treemap-tree'
import { TreemapView } from './treemap-view'
import { renderEntriesView } from './entries-view'
import { renderModulesView } from './modules-view'
import { renderPackagesView } from './packages-view'
import { renderModuleDetails } from './module-details'
import { renderBudgetsView, renderDiffView, renderFindingsView, renderRuntimeView } from './sections-view'

const VIEW_LABELS: Record<View, string> = {
  treemap: 'Treemap',
  entries: 'Entries',
  modules: 'Modules',
  packages: 'Packages',
  findings: 'Findings',
  budgets: 'Budgets',
  diff: 'Diff',
  runtime: 'Runtime',
}

export class App {
  readonly index: ReportIndex
  readonly tree: TreeNode
  state: ViewState
  private readonly tabs = new Map<View, HTMLButtonElement>()
  private readonly metricInputs = new Map<SizeMetric, HTMLInputElement>()
  private readonly search: HTMLInputElement
  private readonly main: HTMLElement
  private readonly drawer: HTMLElement
  private readonly tooltip: HTMLElement
  private treemap: TreemapView | undefined
  private searchTimer: number | undefined
  private lastDrawerModule: string | null = null

  constructor(report: Report, private readonly root: HTMLElement) {
    this.index = indexReport(report)
    this.tree = buildTree(this.index)
    this.state = parseHash(location.hash, this.index.defaultMetric)
    if (!this.index.availableMetrics.has(this.state.metric)) this.state.metric = this.index.defaultMetric

    this.search = h('input', {
      className: 'search',
      attrs: { 'type': 'search', 'placeholder': 'Search modules and packages', 'aria-label': 'Search modules and packages', 'data-testid': 'search', 'spellcheck': 'false', 'autocomplete': 'off' },
      on: {
        input: () => {
          window.clearTimeout(this.searchTimer)
          this.searchTimer = window.setTimeout(() => {
            this.searchTimer = undefined
            this.update({ q: this.search.value }, { replace: true })
          }, 120)
        },
      },
    })
    this.main = h('main', { className: 'main', attrs: { id: 'main' } })
    this.drawer = h('aside', { className: 'drawer', attrs: { 'aria-label': 'Module details', 'hidden': true, 'data-testid': 'module-details' } })
    this.tooltip = h('div', { className: 'tooltip', attrs: { 'role': 'tooltip', 'hidden': true } })
    clear(root)
    root.append(this.renderHeader(), this.renderToolbar(), h('div', { className: 'body' }, this.main, this.drawer), this.tooltip)

    window.addEventListener('hashchange', () => {
      this.state = parseHash(location.hash, this.index.defaultMetric)
      this.render()
    })
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        if (this.state.module) {
          this.update({ module: null })
          event.preventDefault()
        }
        else if (this.state.view === 'treemap' && this.treemap?.zoomOut()) {
          event.preventDefault()
        }
        this.hideTooltip()
      }
      else if (event.key === '/' && document.activeElement?.tagName !== 'INPUT') {
        event.preventDefault()
        this.search.focus()
      }
    })
  }

  update(patch: Partial<ViewState>, options: { replace?: boolean } = {}): void {
    if (this.searchTimer !== undefined) {
      // Typing not yet applied goes with this change (e.g. clear the search, then switch views).
      window.clearTimeout(this.searchTimer)
      this.searchTimer = undefined
      if (!('q' in patch)) patch = { ...patch, q: this.search.value }
    }
    this.state = { ...this.state, ...patch }
    const hash = formatHash(this.state)
    if (hash === location.hash) return this.render()
    if (options.replace) {
      history.replaceState(null, '', hash)
      this.render()
    }
    else {
      location.hash = hash // hashchange re-renders
    }
  }

  render(): void {
    const { state } = this
    for (const [view, tab] of this.tabs) tab.setAttribute('aria-current', view === state.view ? 'page' : 'false')
    for (const [metric, input] of this.metricInputs) input.checked = metric === state.metric
    if (document.activeElement !== this.search && this.search.value !== state.q) this.search.value = state.q
    this.renderMain()
    this.renderDrawer()
  }

  private renderMain(): void {
    const { view } = this.state
    if (view === 'treemap') {
      this.treemap ??= new TreemapView(this)
      if (this.main.firstChild !== this.treemap.element || this.main.childNodes.length !== 1) {
        clear(this.main)
        this.main.appendChild(this.treemap.element)
      }
      this.treemap.render()
      return
    }
    clear(this.main)
    const renderers: Record<Exclude<View, 'treemap'>, (app: App) => HTMLElement> = {
      entries: renderEntriesView,
      modules: renderModulesView,
      packages: renderPackagesView,
      findings: renderFindingsView,
      budgets: renderBudgetsView,
      diff: renderDiffView,
      runtime: renderRuntimeView,
    }
    this.main.appendChild(renderers[view](this))
  }

  private renderDrawer(): void {
    const id = this.state.module
    if (!id) {
      this.drawer.hidden = true
      clear(this.drawer)
      if (this.lastDrawerModule) this.lastDrawerModule = null
      return
    }
    clear(this.drawer)
    this.drawer.appendChild(renderModuleDetails(this, id))
    this.drawer.hidden = false
    if (this.lastDrawerModule !== id) {
      this.lastDrawerModule = id
      this.drawer.querySelector<HTMLElement>('h2')?.focus()
    }
  }

  private renderHeader(): HTMLElement {
    const { report } = this.index
    const shipped = report.outputs.filter(output => output.kind !== 'map')
    const rawTotal = shipped.reduce((sum, output) => sum + output.rawBytes, 0)
    const gzipTotal = shipped.reduce((sum, output) => sum + (output.gzipBytes ?? 0), 0)
    const duplicates = [...this.index.packageIdsByName.values()].filter(ids => ids.length > 1).length
    const facts = [
      `${report.bundler.name}${report.bundler.version ? ` ${report.bundler.version}` : ''}`,
      formatCount(shipped.length, 'file'),
      `${formatBytes(rawTotal)} raw`,
      this.index.availableMetrics.has('gzip') ? `${formatBytes(gzipTotal)} gzip` : null,
      `${report.modules.length} modules`,
      `${report.packages.length} packages${duplicates ? ` (${duplicates} duplicated)` : ''}`,
    ].filter((fact): fact is string => fact !== null)
    return h('header', { className: 'header' },
      h('h1', null, 'Weighbridge'),
      h('p', { className: 'facts', attrs: { 'data-testid': 'facts' } }, facts.join(' · ')),
    )
  }

  private renderToolbar(): HTMLElement {
    const { report } = this.index
    const nav = h('nav', { className: 'tabs', attrs: { 'aria-label': 'Views' } })
    for (const view of Object.keys(VIEW_LABELS) as View[]) {
      if (view === 'runtime' && !report.runtime) continue
      const count = view === 'findings'
        ? report.findings.length
        : view === 'budgets' ? report.budgets.filter(budget => budget.level !== 'pass').length : 0
      const tab = h('button', {
        className: 'tab',
        attrs: { 'type': 'button', 'data-view': view },
        on: { click: () => this.update({ view }) },
      }, VIEW_LABELS[view], count ? h('span', { className: `count${view === 'budgets' ? ' count-bad' : ''}` }, String(count)) : null)
      this.tabs.set(view, tab)
      nav.appendChild(tab)
    }
    const metrics = h('fieldset', { className: 'metrics' }, h('legend', { className: 'visually-hidden' }, 'Size metric'))
    for (const metric of METRICS) {
      const available = this.index.availableMetrics.has(metric)
      const input = h('input', {
        attrs: { 'type': 'radio', 'name': 'metric', 'value': metric, 'disabled': !available, 'data-metric': metric },
        on: { change: () => this.update({ metric }) },
      })
      this.metricInputs.set(metric, input)
      metrics.appendChild(h('label', {
        className: available ? 'metric' : 'metric unavailable',
        attrs: { title: available ? `Show ${METRIC_LABELS[metric].toLowerCase()} sizes` : `${METRIC_LABELS[metric]} sizes were not measured` },
      }, input, METRIC_LABELS[metric]))
    }
    return h('div', { className: 'toolbar' }, nav, h('div', { className: 'controls' }, metrics, this.search))
  }

  showTooltip(point: { x: number, y: number }, title: string, kind: string, lines: string[]): void {
    const tip = this.tooltip
    clear(tip)
    tip.append(h('strong', null, title), h('span', { className: 'tip-kind' }, kind), ...lines.map(line => h('span', null, line)))
    tip.hidden = false
    const { innerWidth, innerHeight } = window
    const rect = tip.getBoundingClientRect()
    const x = point.x + 14 + rect.width > innerWidth ? point.x - rect.width - 14 : point.x + 14
    const y = point.y + 14 + rect.height > innerHeight ? point.y - rect.height - 14 : point.y + 14
    tip.style.transform = `translate(${Math.max(0, x)}px, ${Math.max(0, y)}px)`
  }

  hideTooltip(): void {
    this.tooltip.hidden = true
  }
}
