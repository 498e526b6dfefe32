/**
 * The Weighbridge build graph: the one bundler-agnostic, serialisable model every reader uses.
 *
 * It is exactly what `report.json` holds (see `schema/report.schema.json`). Rules:
 * - Paths are relative to the project root, POSIX (`src/main.ts`, `dist/assets/index-x.js`).
 *   Virtual modules keep their id with the leading `\0` replaced by `virtual:`.
 * - `null` means "not measured / the bundler did not tell us", never zero.
 * - Arrays are sorted (see `sortReport`), object keys are written sorted, no wall-clock time in the
 *   compared part: the same build gives byte-identical JSON.
 * - Sizes carry their unit in the name (`rawBytes`, `gzipBytes`, `brotliBytes`).
 */

export const SCHEMA_VERSION = 1 as const

export type BundlerName = 'vite' | 'rollup' | 'rolldown' | 'webpack' | 'rspack' | 'esbuild' | 'unknown'

/** What an emitted file is, by its role (extension-based for assets). */
export type OutputKind = 'js' | 'css' | 'html' | 'map' | 'image' | 'font' | 'wasm' | 'other'

/** The size metrics a reader can choose. `rendered` is the bundler's own figure before minification. */
export type SizeMetric = 'raw' | 'rendered' | 'gzip' | 'brotli'

/** Raw bytes on disk plus compressed sizes (null when that algorithm was turned off, and for source map outputs, which are not compressed). */
export interface Sizes {
  rawBytes: number
  gzipBytes: number | null
  brotliBytes: number | null
}

export interface Report {
  schemaVersion: typeof SCHEMA_VERSION
  generator: { name: 'weighbridge', version: string }
  bundler: { name: BundlerName, version: string | null }
  /** Settings the compressed sizes were measured with; null = that algorithm was not measured. */
  compression: { gzipLevel: number | null, brotliQuality: number | null }
  /** Every emitted file: JS, CSS, HTML, maps, assets. Sorted by `file`. */
  outputs: Output[]
  /** Every JS or CSS file that carries modules. Sorted by `file`. */
  chunks: Chunk[]
  /** Every module that reached the graph (bundled or not). Sorted by `id`. */
  modules: Module[]
  /** npm packages, one per package folder (so two copies of one version are two packages). Sorted by `id`. */
  packages: Package[]
  /** One per entry chunk or HTML page, with its initial and lazy loads. Sorted by `name`. */
  entries: Entry[]
  /** Findings (tree-shaking blockers, duplicates, lazy-load candidates...). Sorted by savings, then id. */
  findings: Finding[]
  /** Budget results of the last check; empty when no budget is declared. */
  budgets: BudgetResult[]
  /** Comparison with a baseline report, when one was given. */
  diff: ReportDiff | null
  /** A saved runtime snapshot (profiler / leak hooks), when one was attached. */
  runtime: RuntimeSnapshot | null
  /** Only with `timestamps: true`; never part of the compared data. */
  generatedAt?: string
}

export interface Output extends Sizes {
  /** Path relative to the project root, POSIX. Unique within a report. */
  file: string
  kind: OutputKind
}

export type AttributionMethod =
  /** Module code found verbatim in the emitted file: byte ranges are exact. */
  | 'exact'
  /** Bytes attributed through the emitted file's source map (minified output). */
  | 'sourcemap'
  /**
   * Minified output without a source map: module boundaries placed by aligning the modules'
   * pre-minification code with the file (strings, property names, globals survive minification).
   * Totals per package are within a few percent of the source map's; single small modules less so.
   */
  | 'aligned'
  /** Neither was possible: bytes split by the bundler's rendered lengths (marked as an estimate). */
  | 'estimated'
  /** The bundler reports per-module sizes itself (webpack/rspack stats, esbuild metafile). */
  | 'bundler'

export interface Chunk {
  /** The emitted file this chunk is (its id). */
  file: string
  kind: 'js' | 'css'
  /** The bundler's chunk name. */
  name: string
  isEntry: boolean
  isDynamicEntry: boolean
  /** The module the chunk was created for (Rollup's facadeModuleId), when there is one. */
  entryModule: string | null
  /** Chunk files this chunk imports statically (fetched before it runs). Sorted. */
  imports: string[]
  /** Chunk files this chunk may import later with `import()`. Sorted. */
  dynamicImports: string[]
  /** CSS files loaded together with this chunk. Sorted. */
  css: string[]
  /** Other output files this chunk references (images, fonts, wasm). Sorted. */
  assets: string[]
  /** The modules whose code is in this file, sorted by `id`. */
  modules: ChunkModule[]
  /** Bytes of the file that belong to no module: runtime, wrappers, whitespace, headers. */
  glue: Sizes
  attribution: AttributionMethod
}

/** One module's share of one chunk. In a chunk: sum(modules) + glue = the file's sizes, exactly. */
export interface ChunkModule extends Sizes {
  id: string
  /** The bundler's rendered length for the module in this chunk (pre-minification where the bundler renders first). */
  renderedBytes: number | null
  /** Exports of the module that survived into this chunk, where the bundler says so. Sorted. */
  renderedExports: string[] | null
}

export type ImportKind = 'static' | 'dynamic' | 'require' | 'css'

export interface ModuleImport {
  /** The imported module's id. */
  id: string
  kind: ImportKind
}

export interface Module {
  /** Normalised id: path relative to the project root, POSIX, or `virtual:...`. Unique. */
  id: string
  /** `Package.id` of the npm package the module belongs to; null for the app's own code. */
  package: string | null
  /** Size of the module's source file on disk; null for virtual or unreadable modules. */
  originalBytes: number | null
  /** Module format as the bundler saw it; null when not told. */
  format: 'esm' | 'cjs' | null
  /** All exports the module declares, where the bundler says so. Sorted. */
  exports: string[] | null
  /** The bundler's side-effects flag for the module (`moduleSideEffects`); null when unknown. */
  sideEffects: boolean | null
  isEntry: boolean
  /** Edges from this module. Sorted by id, then kind. */
  imports: ModuleImport[]
  /** Modules importing this one statically (static or require). Sorted. */
  importers: string[]
  /** Modules importing this one with `import()`. Sorted. */
  dynamicImporters: string[]
}

export interface Package {
  /** The package folder relative to the project root (unique even for two copies of one version). */
  id: string
  name: string
  version: string | null
  /** The `sideEffects` field of its package.json: undefined field = null. */
  sideEffects: boolean | string[] | null
  /** Whether the package ships an ES module build (`module` field, `type: module`, or `import` export condition). */
  hasEsmBuild: boolean
}

export interface LoadSizes extends Sizes {
  /** Output files in this load, sorted. */
  files: string[]
}

export interface Entry {
  /** The entry name (chunk name, or HTML file for pages). Unique. */
  name: string
  kind: 'chunk' | 'html'
  /** The entry chunk file, or the HTML page file. */
  file: string
  /** Entry chunk files the page starts with (one for a chunk entry). Sorted. */
  chunks: string[]
  /** Everything fetched before the page can run: entry chunks, their static-import closure, their CSS. */
  initialLoad: LoadSizes
  /** What is reachable only through dynamic imports from here (and not already in the initial load). */
  lazyLoad: LoadSizes
}

export type Severity = 'info' | 'warn' | 'error'

export interface Finding {
  /** Stable id: rule code + subject, e.g. `WB-TS001:node_modules/lodash`. Unique. */
  id: string
  /** Stable rule code, e.g. `WB-TS001`. */
  rule: string
  severity: Severity
  title: string
  /** What a person should read: thing, number, why. */
  message: string
  modules: string[]
  packages: string[]
  /** Estimated bytes saved by the fix; gzip is the ranking figure. */
  savings: { rawBytes: number, gzipBytes: number | null, brotliBytes: number | null }
  /** Which load the savings come off. */
  load: 'initial' | 'lazy' | 'total'
  confidence: 'high' | 'medium' | 'low'
  /** Where to change code, when known. */
  location: { file: string, line: number | null, column: number | null } | null
  /** The fix in words, and a snippet to paste when one fits. */
  fix: string
  snippet: string | null
}

export type BudgetLevel = 'pass' | 'warn' | 'error'

export interface BudgetContributor {
  kind: 'module' | 'package' | 'chunk' | 'output'
  id: string
  bytes: number
  /** Growth since the baseline, when there is one. */
  deltaBytes: number | null
}

export interface BudgetResult {
  /** Config path of the budget, e.g. `budgets[2]`. */
  path: string
  /** Human label, e.g. `initial JS of index.html (gzip)`. */
  label: string
  kind: string
  metric: 'raw' | 'gzip' | 'brotli' | 'count'
  /** Measured value (bytes, count, or percent growth for percent budgets). */
  actual: number
  /** Unit of `actual` and the limits: `percent` for percent growth budgets; absent = bytes (count for metric `count`). */
  unit?: 'bytes' | 'percent' | 'count'
  warnLimit: number | null
  errorLimit: number | null
  level: BudgetLevel
  message: string
  contributors: BudgetContributor[]
}

export interface SizeDelta {
  id: string
  kind: 'added' | 'removed' | 'grown' | 'shrunk'
  before: Sizes | null
  after: Sizes | null
  deltaRawBytes: number
  deltaGzipBytes: number | null
}

export interface ReportDiff {
  /** A label for the baseline (file name or git ref), as given. */
  baseline: string
  modules: SizeDelta[]
  packages: SizeDelta[]
  chunks: SizeDelta[]
  entries: SizeDelta[]
  totals: { before: Sizes, after: Sizes }
}

/**
 * What the injected runtime (`@weighbridge/runtime`, `globalThis.__WEIGHBRIDGE__.snapshot()`) saw in
 * a running page: live listeners / timers / observers per source location, leaks (live count growing
 * with repeated interactions), sampled spans and the heap trend. JSON-serialisable; attach a saved
 * one to a report with the `runtime.snapshot` option or `--runtime-snapshot <file>`.
 */
export interface RuntimeSnapshot {
  schemaVersion: 1
  /** The page the snapshot was taken on (`location.href`), null outside a browser. */
  url: string | null
  /** Fraction of spans measured (module evaluation, user spans). */
  sampleRate: number
  /** `performance.now()` when the snapshot was taken. */
  takenAtMs: number
  /** Iterations marked with `__WEIGHBRIDGE__.iteration()` since the last reset. */
  iterations: number
  /** Every tagged call site that ran at least once, sorted by id. */
  sites: RuntimeSite[]
  /** Sites whose live count grows with the iterations, largest growth first. */
  leaks: RuntimeLeak[]
  /** Sampled spans aggregated by kind and name, longest total first. */
  spans: RuntimeSpanStats[]
  /** Heap samples and trend; null when the browser gives no heap figure. */
  heap: RuntimeHeap | null
}

export type RuntimeSiteKind = 'listener' | 'interval' | 'timeout' | 'animation-frame' | 'observer' | 'release'

export interface RuntimeSite {
  /** Small integer the build assigned to the call site. */
  id: number
  /** Source file relative to the project root, POSIX; 1-based line and column in the original source. */
  file: string
  line: number
  column: number
  kind: RuntimeSiteKind
  /** The API called there: `addEventListener`, `setInterval`, `new ResizeObserver`, `removeEventListener`... */
  api: string
  /** Registrations made here (for release sites: times the release call ran). */
  added: number
  /** Registrations made here that were released (removed, cleared, fired, disconnected, aborted). */
  released: number
  /** Registrations made here dropped because their target was garbage-collected. */
  collected: number
  /** added - released - collected. */
  live: number
  /** The live count at each `iteration()` mark since the last reset (the last 200 marks). */
  liveByIteration: number[]
}

export interface RuntimeLeak {
  site: number
  file: string
  line: number
  column: number
  api: string
  /** Live registrations at the last iteration mark. */
  live: number
  /** Theil–Sen slope of the live count per iteration. */
  growthPerIteration: number
  /** Iteration marks the slope was estimated from. */
  iterations: number
  /** One readable line: where, how many, how fast, what to do. */
  message: string
}

export interface RuntimeSpanStats {
  kind: 'module' | 'user' | 'longtask'
  /** Module file, user span name, or `longtask`. */
  name: string
  /** Sampled occurrences (long tasks: all of them). */
  count: number
  totalMs: number
  maxMs: number
}

export interface RuntimeHeapSample {
  atMs: number
  usedBytes: number
}

export interface RuntimeHeap {
  source: 'performance.memory' | 'measureUserAgentSpecificMemory'
  /** The last 120 samples. */
  samples: RuntimeHeapSample[]
  /** The browser's heap limit, when it tells. */
  limitBytes: number | null
  /** Theil–Sen slope of used heap over time, with a 95 % confidence interval; null under 4 samples. */
  slopeBytesPerSecond: number | null
  slopeLowBytesPerSecond: number | null
  slopeHighBytesPerSecond: number | null
  /** Predicted time until the limit at the median slope, when even the lower bound grows; else null. */
  msToLimit: number | null
}
