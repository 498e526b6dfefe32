/** webpack 5 adapter: the shared webpack/Rspack code path lives in `webpack-like.ts`. */
import type { PluginSession } from '../session'
import { createWebpackLikeHook } from './webpack-like'

export function createWebpackHook(session: PluginSession): (compiler: unknown) => void {
  return createWebpackLikeHook(session, 'webpack')
}
