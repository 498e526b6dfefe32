/**
 * The view state lives in the URL hash (`#view=treemap&metric=gzip&chunk=...&q=...`), so a copied
 * link reopens the same view.
 */
import type { SizeMetric } from '@weighbridge/core'

export const VIEWS = ['treemap', 'entries', 'modules', 'packages', 'findings', 'budgets', 'diff', 'runtime'] as const
export type View = typeof VIEWS[number]
export const METRICS: SizeMetric[] = ['raw', 'rendered', 'gzip', 'brotli']

export interface ViewState {
  view: View
  metric: SizeMetric
  /** Treemap zoom: a chunk (or asset) file, then optionally a package and a folder inside it. */
  chunk: string | null
  pkg: string | null
  dir: string | null
  /** Search text (module list, package list, treemap highlight). */
  q: string
  /** Module shown in the details panel ("why is it included"). */
  module: string | null
  /** Entry expanded in the entries view. */
  entry: string | null
  /** Sort of the current list: `<column>-<asc|desc>`. */
  sort: string | null
}

/** The `pkg` value that stands for the app's own code (modules outside any package). */
export const APP_PACKAGE = ':app'

export function parseHash(hash: string, defaultMetric: SizeMetric): ViewState {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const view = params.get('view') as View | null
  const metric = params.get('metric') as SizeMetric | null
  return {
    view: view && (VIEWS as readonly string[]).includes(view) ? view : 'treemap',
    metric: metric && METRICS.includes(metric) ? metric : defaultMetric,
    chunk: params.get('chunk'),
    pkg: params.get('pkg'),
    dir: params.get('dir'),
    q: params.get('q') ?? '',
    module: params.get('module'),
    entry: params.get('entry'),
    sort: params.get('sort'),
  }
}

export function formatHash(state: ViewState): string {
  const params = new URLSearchParams()
  params.set('view', state.view)
  params.set('metric', state.metric)
  for (const key of ['chunk', 'pkg', 'dir', 'module', 'entry', 'sort'] as const) {
    const value = state[key]
    if (value) params.set(key, value)
  }
  if (state.q) params.set('q', state.q)
  return `#${params.toString()}`
}
