/**
 * The one unplugin factory behind every bundler entry (`weighbridge/vite`, `/rollup`, `/rolldown`,
 * `/webpack`, `/rspack`, `/esbuild`). Options are resolved (and rejected) here, before any build.
 */
import type { UnpluginFactory, UnpluginOptions } from 'unplugin'
import type { WeighbridgeOptions } from './options'
import { createUnplugin } from 'unplugin'
import { createRollupFamilyHooks } from './adapters/rollup'
import { createEsbuildSetup } from './adapters/esbuild'
import { createRspackHook } from './adapters/rspack'
import { createWebpackHook } from './adapters/webpack'
import { resolveOptions } from './options'
import { createRuntimePlugin } from './runtime/runtime-plugin'
import { createPluginSession } from './session'

export const unpluginFactory: UnpluginFactory<WeighbridgeOptions | undefined, true> = (userOptions, meta) => {
  const session = createPluginSession(resolveOptions(userOptions))
  const plugin: UnpluginOptions = { name: 'weighbridge' }
  if (meta.framework === 'rollup' || meta.framework === 'rolldown' || meta.framework === 'vite')
    plugin[meta.framework] = createRollupFamilyHooks(session, meta.framework) as never
  if (meta.framework === 'webpack')
    plugin.webpack = createWebpackHook(session)
  if (meta.framework === 'rspack')
    plugin.rspack = createRspackHook(session)
  if (meta.framework === 'esbuild')
    plugin.esbuild = { setup: createEsbuildSetup(session) }
  // Static leak findings always; runtime hooks when `runtime` is on (see runtime/runtime-plugin.ts).
  return [plugin, createRuntimePlugin(session.resolved, session.logger, meta)]
}

export const weighbridge = /* #__PURE__ */ createUnplugin(unpluginFactory)
export default weighbridge

export { defaultOptions, resolveOptions, WeighbridgeOptionsError } from './options'
export type { LogLevel, ResolvedOptions, WeighbridgeOptions } from './options'
export { finishBuild } from './pipeline'
export type { FinishBuildResult } from './pipeline'
export { formatSummary } from './summary'
export { ConfigFileError, defineConfig, loadConfigFile } from './config-file'
export type { WeighbridgeConfig } from './config-file'
export type { BudgetConfig } from '@weighbridge/core'
