/**
 * What one plugin instance keeps across builds: its resolved options, its logger and its one
 * measurer (created on first use, so the compressed-size cache survives watch rebuilds; closed when
 * the bundler is done for good).
 */
import type { Measurer } from '@weighbridge/core'
import type { Logger } from './logger'
import type { ResolvedOptions } from './options'
import { createLogger } from './logger'
import { createPluginMeasurer } from './pipeline'

export interface PluginSession {
  resolved: ResolvedOptions
  logger: Logger
  /** The instance's measurer, created on first use with the cache under `root`. */
  useMeasurer: (root: string) => Measurer
  /** Flushes the measurer's cache to disk and drops it (compression needs no teardown); the next build makes a new one. */
  closeMeasurer: () => Promise<void>
}

export function createPluginSession(resolved: ResolvedOptions, logger: Logger = createLogger(resolved.logLevel)): PluginSession {
  let measurer: Measurer | null = null
  return {
    resolved,
    logger,
    useMeasurer: root => measurer ??= createPluginMeasurer(resolved, root),
    closeMeasurer: async () => {
      const current = measurer
      measurer = null
      await current?.close()
    },
  }
}
