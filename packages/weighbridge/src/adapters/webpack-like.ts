/**
 * The webpack 5 and Rspack adapter (one code path: Rspack implements the same compiler API).
 *
 * When: `processAssets` at `PROCESS_ASSETS_STAGE_REPORT`, the last stage, after minification,
 * source maps, real content hashes and compression plugins: the assets are final and still in
 * memory. What: the compilation's stats (`toJson`) plus the asset bytes, turned into a
 * `CollectedBuild` by the same converter the CLI uses for a saved `stats.json`. The stats are asked
 * for without `reasons` and without the top-level module list (the modules are listed under their
 * chunks): the import edges come from `compilation.moduleGraph` instead (1.8 MB of stats instead of
 * 19 MB on the example app, a fifth of the time). Module bytes: through the emitted source maps
 * when the build has them, else from the module factories found in the parsed chunk files
 * (`webpack-module-ranges.ts`: production defaults, no devtool, concatenation on), remembered per
 * file content (`webpack-range-cache.ts`) so that an unchanged rebuild parses nothing.
 * How it fails: messages are pushed to `compilation.errors` (the bundler's own way; the build exits
 * non-zero and, with `optimization.emitOnErrors: false`, emits nothing).
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { CollectedBuild } from '@weighbridge/core'
import { hashBytes, isCompressedOutput } from '@weighbridge/core'
import { collectWebpackStats, STATS_OPTIONS } from '../importers/webpack-stats'
import type { WebpackStats, WebpackStatsModule, WebpackStatsReason } from '../importers/webpack-stats'
import { finishBuild, resolveProjectRoot } from '../pipeline'
import { isTimingsRequested } from '../phase-timings'
import type { PluginSession } from '../session'
import { attachWebpackModuleRanges } from './webpack-module-ranges'
import type { WebpackRangeCache, WebpackRangeCacheStats } from './webpack-range-cache'
import { createWebpackRangeCache } from './webpack-range-cache'

const PLUGIN_NAME = 'weighbridge'

/** What an adapter hands back after the core ran: messages that fail or warn the build. */
export interface FinishOutcome {
  errors?: string[]
  warnings?: string[]
}

/** `collectMs`: time the adapter spent reading the build in bundler hooks (for the timing log). */
export type FinishCollected = (collected: CollectedBuild, collectMs?: number) => Promise<FinishOutcome | void>

/** The structural subset of webpack's and Rspack's compiler we use. */
export interface WebpackLikeCompiler {
  context: string
  options: { output: { path?: string }, context?: string }
  webpack?: { Compilation: { PROCESS_ASSETS_STAGE_REPORT: number }, WebpackError: new (message: string) => Error }
  hooks: {
    thisCompilation: { tap: (name: string, fn: (compilation: WebpackLikeCompilation) => void) => void }
    done: { tapPromise: (name: string, fn: () => Promise<void>) => void }
  }
}

export interface WebpackLikeCompilation {
  compiler?: unknown
  errors: Error[]
  warnings: Error[]
  hooks: {
    processAssets: { tapPromise: (options: { name: string, stage: number }, fn: (assets: unknown) => Promise<void>) => void }
  }
  getStats: () => { toJson: (options: object) => unknown }
  getAsset: (name: string) => { source: WebpackLikeSource } | undefined
  getAssets?: () => readonly { name: string, source: WebpackLikeSource }[]
  outputOptions?: { path?: string }
  /** Every module, the parts of concatenated modules included (webpack 5, Rspack). */
  modules?: Iterable<GraphModule>
  moduleGraph?: { getIncomingConnections?: (module: GraphModule) => Iterable<GraphConnection> }
}

/** A module of the compilation, read structurally (webpack's `Module`, Rspack's binding module). */
interface GraphModule {
  identifier: () => string
  /** A concatenated module's parts. */
  modules?: Iterable<GraphModule>
}

/** An edge into a module: the module that imports it and the kind of import (`dependency.type`, as stats' `reasons[].type`). */
interface GraphConnection {
  originModule?: GraphModule | null
  resolvedOriginModule?: GraphModule | null
  dependency?: { type?: string } | null
}

interface WebpackLikeSource {
  buffer?: () => Buffer
  source: () => string | Buffer
}

/**
 * The `webpack(compiler)` / `rspack(compiler)` hook of the unplugin factory: one report per
 * compilation through `finishBuild()`; the measurer is released when the compiler is done (its
 * cache is on disk, so watch rebuilds stay fast). The range cache is the plugin instance's, on disk
 * in the same cache folder (`cache: false`: in memory only).
 */
export function createWebpackLikeHook(session: PluginSession, bundler: 'webpack' | 'rspack'): (compiler: unknown) => void {
  const rangeCaches = new Map<string | false, WebpackRangeCache>()
  return (rawCompiler) => {
    const compiler = rawCompiler as WebpackLikeCompiler
    const root = resolveProjectRoot(session.resolved, compiler.options.context ?? compiler.context)
    const cacheDir = session.resolved.cache === false ? false : path.resolve(root, session.resolved.cache)
    let rangeCache = rangeCaches.get(cacheDir)
    if (!rangeCache) {
      rangeCache = createWebpackRangeCache(cacheDir)
      rangeCaches.set(cacheDir, rangeCache)
    }
    tapWebpackLikeCompiler(compiler, bundler, async (collected, collectMs) => {
      const result = await finishBuild({ ...collected, root }, session.resolved, session.logger, session.useMeasurer(root), { collectMs })
      return { errors: result.errors, warnings: result.warnings }
    }, (bytes, contentHash) => session.useMeasurer(root).prefetch(bytes, contentHash), { rangeCache })
    compiler.hooks.done.tapPromise(PLUGIN_NAME, () => session.closeMeasurer())
  }
}

export interface WebpackLikeTapOptions {
  /** Remembers located module ranges across builds; none: every chunk file is parsed each build. */
  rangeCache?: WebpackRangeCache
}

/**
 * `prefetch`: hands an emitted file (and its sha256, which the report reuses) to the measurer
 * before the compilation is read, so that its compression (brotli 11 of the largest chunk is the
 * longest job of the whole report) runs on the thread pool while the main thread turns the
 * compilation into stats and locates the modules.
 */
export function tapWebpackLikeCompiler(compiler: WebpackLikeCompiler, bundler: 'webpack' | 'rspack', finish: FinishCollected, prefetch?: (bytes: Uint8Array, contentHash: string) => void, options: WebpackLikeTapOptions = {}): void {
  const api = compiler.webpack
  const stage = api?.Compilation.PROCESS_ASSETS_STAGE_REPORT ?? 5000
  const toError = (message: string): Error => (api ? new api.WebpackError(message) : new Error(message))
  compiler.hooks.thisCompilation.tap(PLUGIN_NAME, (compilation) => {
    compilation.hooks.processAssets.tapPromise({ name: PLUGIN_NAME, stage }, async () => {
      let collected: CollectedBuild
      const collectStartMs = performance.now()
      const timings = isTimingsRequested() ? {} as CollectTimings : undefined
      const cacheBefore = options.rangeCache && { ...options.rangeCache.stats }
      let hashed: Map<string, HashedAsset> | undefined
      if (prefetch) {
        hashed = prefetchAssets(compilation, prefetch)
        await yieldToEventLoop()
      }
      try {
        collected = collectCompilation(compiler, compilation, bundler, { rangeCache: options.rangeCache, hashed, timings })
      }
      catch (error) {
        compilation.warnings.push(toError(`weighbridge: could not read the ${bundler} compilation: ${(error as Error).message}`))
        return
      }
      if (timings)
        process.stderr.write(`${formatCollectTimings(timings, options.rangeCache, cacheBefore)}\n`)
      const outcome = await finish(collected, performance.now() - collectStartMs)
      for (const message of outcome?.errors ?? [])
        compilation.errors.push(toError(message))
      for (const message of outcome?.warnings ?? [])
        compilation.warnings.push(toError(message))
    })
  })
}

/** Durations of `collect`'s steps (ms), for the timing log (`WEIGHBRIDGE_DEBUG=timings`). */
export interface CollectTimings {
  /** `toJson` without reasons. */
  stats?: number
  /** Reasons from the module graph. */
  edges?: number
  /** `toJson` with reasons: the graph was missing, incomplete, or not asked for (`edgesFrom: 'stats'`). */
  statsWithReasons?: number
  convert?: number
  ranges?: number
  /** Chunk files located this build (the others' ranges came from the cache): scanned first, or parsed whole. */
  filesRead?: { scanned: number, parsed: number }
}

type CollectStep = Exclude<keyof CollectTimings, 'filesRead'>

export interface CollectOptions {
  rangeCache?: WebpackRangeCache
  /** Assets already read and hashed (by the prefetch), by name. */
  hashed?: Map<string, HashedAsset>
  timings?: CollectTimings
  /** Where the import edges come from: the module graph when the compilation has one (default), or `toJson`'s `reasons`. */
  edgesFrom?: 'moduleGraph' | 'stats'
}

/** An emitted file as the prefetch read it, with its sha256 (hex). */
export interface HashedAsset {
  bytes: Uint8Array
  contentHash: string
}

/** The finished compilation as a `CollectedBuild` (assets read from memory, before emit). */
export function collectCompilation(compiler: WebpackLikeCompiler, compilation: WebpackLikeCompilation, bundler: 'webpack' | 'rspack', options: CollectOptions = {}): CollectedBuild {
  const { timings, hashed } = options
  let stepStartMs = performance.now()
  const step = (name: CollectStep): void => {
    const nowMs = performance.now()
    if (timings)
      timings[name] = (timings[name] ?? 0) + nowMs - stepStartMs
    stepStartMs = nowMs
  }
  const stats = readCompilationStats(compilation, options.edgesFrom ?? 'moduleGraph', step)
  const root = compiler.options.context ?? compiler.context
  const outputPath = compilation.outputOptions?.path ?? compiler.options.output.path ?? stats.outputPath ?? path.join(root, 'dist')
  const collected = collectWebpackStats({
    stats,
    label: `${bundler} compilation`,
    root,
    outputPath,
    readFile: (name) => {
      const known = hashed?.get(name)
      if (known)
        return known.bytes
      const asset = compilation.getAsset(name)
      return asset ? readSourceBytes(asset.source) : null
    },
  })
  // The prefetch hashed these bytes already (the same array: `readFile` above handed it out).
  if (hashed && hashed.size > 0) {
    const hashOf = new Map([...hashed.values()].map(asset => [asset.bytes, asset.contentHash]))
    for (const file of collected.files)
      file.contentHash ??= typeof file.contents === 'string' ? undefined : hashOf.get(file.contents)
  }
  step('convert')
  // Without source maps (production defaults), module bytes come from the parsed chunk files.
  const read = { scanned: 0, parsed: 0 }
  attachWebpackModuleRanges(collected, stats, { root, outputPath, cache: options.rangeCache, onRead: (how) => { read[how] += 1 } })
  step('ranges')
  if (timings)
    timings.filesRead = read
  // The stats of a running compilation may lack `rspackVersion`; the adapter knows its bundler.
  return { ...collected, bundler }
}

/**
 * What `toJson` leaves out when the edges come from the module graph: `reasons` (each with names,
 * locations and explanations the converter never reads) and the top-level module list (the same
 * modules as under the chunks, plus orphans the converter skips, and every concatenated module's
 * parts a second time). 1.8 MB of stats instead of 19 MB on the example app, 16 ms instead of 116.
 */
const GRAPH_STATS_OPTIONS = { ...STATS_OPTIONS, reasons: false, modules: false, chunkModules: true }

/**
 * The compilation's stats in the converter's shape. Its edges (`reasons`) are read from
 * `compilation.moduleGraph` when the compilation has one that knows every module the stats list;
 * otherwise (an older or other bundler) `toJson` writes them out, as for a saved stats.json.
 */
function readCompilationStats(compilation: WebpackLikeCompilation, edgesFrom: 'moduleGraph' | 'stats', step: (name: CollectStep) => void): WebpackStats {
  const graph = compilation.moduleGraph
  if (edgesFrom === 'moduleGraph' && typeof graph?.getIncomingConnections === 'function' && compilation.modules) {
    const stats = compilation.getStats().toJson(GRAPH_STATS_OPTIONS) as WebpackStats
    step('stats')
    const complete = attachGraphReasons(stats, compilation.modules, module => graph.getIncomingConnections!(module))
    step('edges')
    if (complete)
      return stats
  }
  const stats = compilation.getStats().toJson(STATS_OPTIONS) as WebpackStats
  step('statsWithReasons')
  return stats
}

/**
 * Gives every module of `stats` (nested parts included) the `reasons` stats would list: one per
 * incoming connection of the module graph, with the importer's identifier and the dependency type,
 * ordered by importer as webpack orders them. False when a module of the stats is not in the graph.
 */
function attachGraphReasons(stats: WebpackStats, modules: Iterable<GraphModule>, incoming: (module: GraphModule) => Iterable<GraphConnection>): boolean {
  const identifiers = new Map<GraphModule, string>()
  const identify = (module: GraphModule): string => {
    let identifier = identifiers.get(module)
    if (identifier === undefined) {
      identifier = module.identifier()
      identifiers.set(module, identifier)
    }
    return identifier
  }
  const byIdentifier = new Map<string, GraphModule>()
  const add = (module: GraphModule): void => {
    byIdentifier.set(identify(module), module)
    for (const part of module.modules ?? [])
      byIdentifier.set(identify(part), part)
  }
  for (const module of modules)
    add(module)

  const reasonsByIdentifier = new Map<string, WebpackStatsReason[]>()
  const reasonsOf = (module: GraphModule, identifier: string): WebpackStatsReason[] => {
    let reasons = reasonsByIdentifier.get(identifier)
    if (!reasons) {
      reasons = []
      for (const connection of incoming(module)) {
        const origin = connection.originModule ? identify(connection.originModule) : null
        const resolvedOrigin = connection.resolvedOriginModule ? identify(connection.resolvedOriginModule) : origin
        reasons.push({ type: connection.dependency?.type ?? null, moduleIdentifier: origin, resolvedModuleIdentifier: resolvedOrigin })
      }
      reasons.sort((a, b) => compareNullable(a.moduleIdentifier, b.moduleIdentifier) || compareNullable(a.type, b.type))
      reasonsByIdentifier.set(identifier, reasons)
    }
    return reasons
  }

  const pending: { m: WebpackStatsModule, nested: boolean }[] = [...stats.modules ?? [], ...(stats.chunks ?? []).flatMap(chunk => chunk.modules ?? [])].map(m => ({ m, nested: false }))
  while (pending.length > 0) {
    const { m, nested } = pending.pop()!
    if (Array.isArray(m.modules))
      pending.push(...m.modules.map(part => ({ m: part, nested: true })))
    if (typeof m.identifier !== 'string')
      continue
    const module = byIdentifier.get(m.identifier)
    if (module) {
      m.reasons = reasonsOf(module, m.identifier)
    }
    else if (!nested && m.orphan === true) {
      // Rspack lists modules its loaders ran at build time (css-loader's, for mini-css-extract)
      // as orphans outside the compilation's modules. No chunk has them: the converter skips them.
      m.reasons = []
    }
    else {
      return false
    }
  }
  return true
}

function compareNullable(a: string | null | undefined, b: string | null | undefined): number {
  if (a === b)
    return 0
  if (a === null || a === undefined)
    return -1
  if (b === null || b === undefined)
    return 1
  return a < b ? -1 : 1
}

function readSourceBytes(source: WebpackLikeSource): Uint8Array {
  const buffer = source.buffer ? source.buffer() : source.source()
  return typeof buffer === 'string' ? Buffer.from(buffer, 'utf8') : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/**
 * Every emitted file the report will compress, largest first (the longest job starts first),
 * hashed once here for the measurer's cache, the range cache and the reuse key.
 */
function prefetchAssets(compilation: WebpackLikeCompilation, prefetch: (bytes: Uint8Array, contentHash: string) => void): Map<string, HashedAsset> {
  const hashed = new Map<string, HashedAsset>()
  try {
    const files = (compilation.getAssets?.() ?? [])
      .filter(asset => isCompressedOutput({ fileName: asset.name, chunk: undefined }))
      .map(asset => ({ name: asset.name, bytes: readSourceBytes(asset.source) }))
      .sort((a, b) => b.bytes.length - a.bytes.length)
    for (const { name, bytes } of files) {
      const contentHash = hashBytes(bytes)
      hashed.set(name, { bytes, contentHash })
      prefetch(bytes, contentHash)
    }
  }
  catch {
    // An optimisation only: `finishBuild()` measures every file anyway.
  }
  return hashed
}

/** `weighbridge collect: stats 41 ms · edges 6.0 ms · convert 9.0 ms · ranges 2.1 ms · module ranges: 7 files reused, 0 scanned, 0 parsed whole`. */
function formatCollectTimings(timings: CollectTimings, cache: WebpackRangeCache | undefined, before: WebpackRangeCacheStats | undefined): string {
  const format = (durationMs: number): string => durationMs >= 10 ? `${Math.round(durationMs)} ms` : `${durationMs.toFixed(1)} ms`
  const { filesRead, ...durations } = timings
  const parts = Object.entries(durations).map(([name, durationMs]) => `${name} ${format(durationMs)}`)
  const reused = cache && before ? `${cache.stats.reused - before.reused} files reused, ` : ''
  parts.push(`module ranges: ${reused}${filesRead?.scanned ?? 0} scanned, ${filesRead?.parsed ?? 0} parsed whole`)
  return `weighbridge collect: ${parts.join(' · ')}`
}

/**
 * Lets the measurer's cache lookups (file reads on the thread pool) come back, so that its
 * compression jobs are running before the main thread gets busy reading the compilation.
 */
async function yieldToEventLoop(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 1))
  await new Promise(resolve => setImmediate(resolve))
}
