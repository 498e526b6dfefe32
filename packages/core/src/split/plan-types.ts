import type { BundlerName } from '../model'
import type { ResolvedSplitGoals, SplitTarget } from './goals'

/** A load's figures: what a page or route fetches. */
export interface SplitLoadFigures {
  gzipBytes: number
  rawBytes: number
  /** JS and CSS files fetched (an HTML page itself is not counted). */
  requests: number
  /** The files: report paths today; planned chunk labels (`vendor-index.js`, `[entry index].js`) when predicted. */
  files: string[]
}

export interface SplitEntryPrediction {
  /** The report's entry name (`index`, `index.html`...). */
  name: string
  kind: 'chunk' | 'html'
  /** Today's initial load, from the report. */
  today: SplitLoadFigures
  /** The initial load the plan predicts. */
  predicted: SplitLoadFigures
}

export interface SplitRoutePrediction {
  /** The lazy chunk's name. */
  name: string
  /** The module `import()` loads (report id), when known. */
  module: string | null
  /** What the route fetches beyond the initial loads that can reach it, today. */
  today: SplitLoadFigures
  predicted: SplitLoadFigures
}

export type SplitGroupReason =
  /** npm packages that did not change (across the baselines, or by a stable version). */
  | 'vendor-stable'
  /** npm packages that changed, or whose version says they will. */
  | 'vendor-changing'
  /** App code (or mixed code) several loads share. */
  | 'shared'
  /** Code only lazy routes share: kept out of every initial load. */
  | 'lazy-shared'

export interface SplitGroup {
  /** The chunk name the configuration gives it. Unique; `[a-zA-Z0-9_-]`. */
  name: string
  reason: SplitGroupReason
  /** Root names (entries and lazy routes) that load this chunk. Sorted. */
  loadedBy: string[]
  /** Report ids assigned one by one (modules not covered by `packages`). Sorted. */
  modules: string[]
  /** Package folders (report paths) whose every module goes here, matched as a prefix. Sorted. */
  packages: string[]
  moduleCount: number
  /** JS + CSS bytes of its modules today (raw as emitted, gzip as attributed). */
  rawBytes: number
  gzipBytes: number
  /** For vendor groups: the most changes any of its packages saw; null for app code. */
  changes: number | null
  /** Higher first: dependencies before the groups that import them. */
  priority: number
}

export interface SplitPlan {
  target: SplitTarget
  /** The bundler the report came from. */
  sourceBundler: BundlerName
  goals: ResolvedSplitGoals
  /** Chunk groups to configure, highest priority first. */
  groups: SplitGroup[]
  entries: SplitEntryPrediction[]
  routes: SplitRoutePrediction[]
  /** JS chunk files today and predicted. */
  chunks: { today: number, predicted: number }
  /** Baseline reports the vendor stability was read from. */
  comparedReports: number
  /** Decisions and best-effort goals that could not be met, one sentence each. */
  notes: string[]
}
