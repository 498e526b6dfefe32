/** Rspack adapter: Rspack implements webpack's compiler and stats API; see `webpack-like.ts`. */
import type { PluginSession } from '../session'
import { createWebpackLikeHook } from './webpack-like'

export function createRspackHook(session: PluginSession): (compiler: unknown) => void {
  return createWebpackLikeHook(session, 'rspack')
}
