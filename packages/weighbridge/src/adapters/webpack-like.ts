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
import type { CollectedBuild } from '@weighbridge/core'
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

export type FinishCollected = (collected: CollectedBuild) => Promise<FinishOutcome | void>

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
  getAsset: (name: string) => { source: { buffer?: () => Buffer, source: () => string | Buffer } } | undefined
  outputOptions?: { path?: string }
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
    tapWebpackLikeCompiler(compiler, bundler, async (collected) => {
      const result = await finishBuild({ ...collected, root }, session.resolved, session.logger, session.useMeasurer(root))
      return { errors: result.errors, warnings: result.warnings }
    })
    compiler.hooks.done.tapPromise(PLUGIN_NAME, () => session.closeMeasurer())
  }
}

export function tapWebpackLikeCompiler(compiler: WebpackLikeCompiler, bundler: 'webpack' | 'rspack', finish: FinishCollected): void {
  const api = compiler.webpack
  const stage = api?.Compilation.PROCESS_ASSETS_STAGE_REPORT ?? 5000
  const toError = (message: string): Error => (api ? new api.WebpackError(message) : new Error(message))
  compiler.hooks.thisCompilation.tap(PLUGIN_NAME, (compilation) => {
    compilation.hooks.processAssets.tapPromise({ name: PLUGIN_NAME, stage }, async () => {
      let collected: CollectedBuild
      try {
        collected = collectCompilation(compiler, compilation, bundler)
      }
      catch (error) {
        compilation.warnings.push(toError(`weighbridge: could not read the ${bundler} compilation: ${(error as Error).message}`))
        return
      }
      const outcome = await finish(collected)
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
      if (!asset)
        return null
      const buffer = asset.source.buffer ? asset.source.buffer() : asset.source.source()
      return typeof buffer === 'string' ? Buffer.from(buffer, 'utf8') : new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength)
    },
  })
  // Without source maps (production defaults), module bytes come from the parsed chunk files.
  attachWebpackModuleRanges(collected, stats, { root, outputPath })
  // The stats of a running compilation may lack `rspackVersion`; the adapter knows its bundler.
  return { ...collected, bundler }
}
