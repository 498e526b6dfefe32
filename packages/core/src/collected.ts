/**
 * What an adapter hands to the core: the bundler's own view of a finished build, with absolute
 * paths and no analysis. `buildReport()` turns it into the `Report` model (normalising paths,
 * finding packages, attributing bytes, measuring compression, computing initial loads).
 *
 * Adapters fill in only what their bundler tells them; everything else stays undefined.
 */
import type { BundlerName } from './model'

/** A decoded-or-encoded source map, as bundlers emit them (v3). */
export interface CollectedSourceMap {
  version?: number
  file?: string
  sources: (string | null)[]
  sourceRoot?: string
  /** VLQ-encoded mappings string. */
  mappings: string
  names?: string[]
}

export interface CollectedChunkModule {
  /** Absolute module id as the bundler knows it (may be virtual: `\0...`, may carry `?query`). */
  id: string
  /** The bundler's rendered length for the module in this chunk. */
  renderedLength?: number
  /** The module's rendered code, when the bundler gives it (used to find exact byte ranges). */
  code?: string | null
  renderedExports?: string[]
  /** Exact byte size in the emitted file, when the bundler reports it (webpack/rspack, esbuild). */
  outputBytes?: number
}

export interface CollectedChunk {
  name: string
  kind: 'js' | 'css'
  isEntry: boolean
  isDynamicEntry: boolean
  /** Absolute id of the facade / entry module. */
  entryModule?: string
  /** Output file names (same base as `CollectedFile.fileName`) this chunk imports statically. */
  imports: string[]
  dynamicImports: string[]
  css?: string[]
  assets?: string[]
  /** Modules in file order where the bundler gives the order. */
  modules: CollectedChunkModule[]
  /** The emitted file's source map, when there is one (also when forced as `hidden` by the plugin). */
  map?: CollectedSourceMap | null
  /**
   * Byte ranges of the emitted file per module, when the adapter located the modules' code itself
   * (webpack/Rspack without source maps: the module factories found by parsing the file). `key` is
   * the module's index in `modules`; gaps are glue. `estimated` when some ranges were split among a
   * concatenated module's parts by source size; `sourcemap` when a reader attributed the bytes
   * through the file's source map while checking it (the CLI's importers: one pass over the map).
   * Used before every other attribution.
   */
  ranges?: { method: 'exact' | 'estimated' | 'sourcemap', segments: { start: number, end: number, key: number }[] } | null
}

export interface CollectedFile {
  /** Absolute path of the emitted file. */
  fileName: string
  /** File contents as emitted. */
  contents: Uint8Array | string
  /**
   * Source maps only: the file's size when `contents` was left empty (maps are measured raw, never
   * compressed, so readers need not hold them in memory).
   */
  sizeBytes?: number
  /**
   * sha256 (hex) of `contents` as UTF-8 bytes, filled in by the first step that hashes them
   * (`prefetchCollectedFile`, the plugin's reuse key) so that later steps do not hash again.
   */
  contentHash?: string
  /** Present when the file is a chunk carrying modules. */
  chunk?: CollectedChunk
}

export interface CollectedModule {
  /** Absolute module id. */
  id: string
  importedIds?: string[]
  dynamicallyImportedIds?: string[]
  /** `require()`d ids, where the bundler distinguishes them. */
  requiredIds?: string[]
  importers?: string[]
  dynamicImporters?: string[]
  exports?: string[]
  format?: 'esm' | 'cjs'
  sideEffects?: boolean
  isEntry?: boolean
}

export interface CollectedHtmlPage {
  /** Absolute path of the emitted HTML file. */
  fileName: string
  /** The entry name to show (the page's path inside the output dir, e.g. `index.html`); default: the report path. */
  name?: string
  /** Absolute paths of the output files its `<script type=module>` / `<script>` tags load. */
  scripts: string[]
  /** Absolute paths of the stylesheets it links. */
  styles: string[]
}

export interface CollectedBuild {
  bundler: BundlerName
  bundlerVersion?: string
  /** Absolute project root: every path in the report is made relative to it. */
  root: string
  files: CollectedFile[]
  modules: CollectedModule[]
  htmlPages?: CollectedHtmlPage[]
}
