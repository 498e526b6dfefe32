/**
 * The webpack 5 and Rspack adapter (one code path: Rspack implements the same compiler API).
 *
 * When: `processAssets` at `PROCESS_ASSETS_STAGE_REPORT`, the last stage, after minification,
 * source maps, real content hashes and compression plugins: the assets are final and still in
 * memory. What: `compilation.getStats().toJson(STATS_OPTIONS)` plus the asset bytes, turned into a
 * `CollectedBuild` by the same converter the CLI uses for a saved `stats.json`. Module bytes: through
 * the emitted source maps when the build has them, else from the module factories found in the
 * parsed chunk files (`webpack-module-ranges.ts`: production defaults, no devtool, concatenation on).
 * How it fails: messages are pushed to `compilation.errors` (the bundler's own way; the build exits
 * non-zero and, with `optimization.emitOnErrors: false`, emits nothing).
 */
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { CollectedBuild } from '@weighbridge/core'
import { isCompressedOutput } from '@weighbridge/core'
import { collectWebpackStats, STATS_OPTIONS } from '../importers/webpack-stats'
import type { WebpackStats } from '../importers/webpack-stats'
import { finishBuild, resolveProjectRoot } from '../pipeline'
import type { PluginSession } from '../session'
import { attachWebpackModuleRanges } from './webpack-module-ranges'

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
}

interface WebpackLikeSource {
  buffer?: () => Buffer
  source: () => string | Buffer
}

/**
 * The `webpack(compiler)` / `rspack(compiler)` hook of the unplugin factory: one report per
 * compilation through `finishBuild()`; the measurer is released when the compiler is done (its
 * cache is on disk, so watch rebuilds stay fast).
 */
export function createWebpackLikeHook(session: PluginSession, bundler: 'webpack' | 'rspack'): (compiler: unknown) => void {
  return (rawCompiler) => {
    const compiler = rawCompiler as WebpackLikeCompiler
    const root = resolveProjectRoot(session.resolved, compiler.options.context ?? compiler.context)
    tapWebpackLikeCompiler(compiler, bundler, async (collected, collectMs) => {
      const result = await finishBuild({ ...collected, root }, session.resolved, session.logger, session.useMeasurer(root), { collectMs })
      return { errors: result.errors, warnings: result.warnings }
    }, bytes => session.useMeasurer(root).prefetch(bytes))
    compiler.hooks.done.tapPromise(PLUGIN_NAME, () => session.closeMeasurer())
  }
}

/**
 * `prefetch`: hands an emitted file to the measurer before the compilation is read, so that its
 * compression (brotli 11 of the largest chunk is the longest job of the whole report) runs on the
 * thread pool while the main thread turns the compilation into stats and locates the modules.
 */
export function tapWebpackLikeCompiler(compiler: WebpackLikeCompiler, bundler: 'webpack' | 'rspack', finish: FinishCollected, prefetch?: (bytes: Uint8Array) => void): void {
  const api = compiler.webpack
  const stage = api?.Compilation.PROCESS_ASSETS_STAGE_REPORT ?? 5000
  const toError = (message: string): Error => (api ? new api.WebpackError(message) : new Error(message))
  compiler.hooks.thisCompilation.tap(PLUGIN_NAME, (compilation) => {
    compilation.hooks.processAssets.tapPromise({ name: PLUGIN_NAME, stage }, async () => {
      let collected: CollectedBuild
      const collectStartMs = performance.now()
      if (prefetch) {
        prefetchAssets(compilation, prefetch)
        await yieldToEventLoop()
      }
      try {
        collected = collectCompilation(compiler, compilation, bundler)
      }
      catch (error) {
        compilation.warnings.push(toError(`weighbridge: could not read the ${bundler} compilation: ${(error as Error).message}`))
        return
      }
      const outcome = await finish(collected, performance.now() - collectStartMs)
      for (const message of outcome?.errors ?? [])
        compilation.errors.push(toError(message))
      for (const message of outcome?.warnings ?? [])
        compilation.warnings.push(toError(message))
    })
  })
}

/** The finished compilation as a `CollectedBuild` (assets read from memory, before emit). */
export function collectCompilation(compiler: WebpackLikeCompiler, compilation: WebpackLikeCompilation, bundler: 'webpack' | 'rspack'): CollectedBuild {
  const stats = compilation.getStats().toJson(STATS_OPTIONS) as WebpackStats
  const root = compiler.options.context ?? compiler.context
  const outputPath = compilation.outputOptions?.path ?? compiler.options.output.path ?? stats.outputPath ?? path.join(root, 'dist')
  const collected = collectWebpackStats({
    stats,
    label: `${bundler} compilation`,
    root,
    outputPath,
    readFile: (name) => {
      const asset = compilation.getAsset(name)
      return asset ? readSourceBytes(asset.source) : null
    },
  })
  // Without source maps (production defaults), module bytes come from the parsed chunk files.
  attachWebpackModuleRanges(collected, stats, { root, outputPath })
  // The stats of a running compilation may lack `rspackVersion`; the adapter knows its bundler.
  return { ...collected, bundler }
}

function readSourceBytes(source: WebpackLikeSource): Uint8Array {
  const buffer = source.buffer ? source.buffer() : source.source()
  return typeof buffer === 'string' ? Buffer.from(buffer, 'utf8') : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
}

/** Every emitted file the report will compress, largest first (the longest job starts first). */
function prefetchAssets(compilation: WebpackLikeCompilation, prefetch: (bytes: Uint8Array) => void): void {
  try {
    const files = (compilation.getAssets?.() ?? [])
      .filter(asset => isCompressedOutput({ fileName: asset.name, chunk: undefined }))
      .map(asset => readSourceBytes(asset.source))
      .sort((a, b) => b.length - a.length)
    for (const bytes of files)
      prefetch(bytes)
  }
  catch {
    // An optimisation only: `finishBuild()` measures every file anyway.
  }
}

/**
 * Lets the measurer's cache lookups (file reads on the thread pool) come back, so that its
 * compression jobs are running before the main thread gets busy reading the compilation.
 */
async function yieldToEventLoop(): Promise<void> {
  await new Promise(resolve => setTimeout(resolve, 1))
  await new Promise(resolve => setImmediate(resolve))
}
