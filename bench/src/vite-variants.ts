/**
 * The Vite build variants the bench compares. Each variant says how to configure the build (in the
 * child process), what to do before a measured build (in the parent: wipe or prime a cache), and
 * which files are its report (their size on disk goes into the table).
 *
 * To add a variant: add an entry to `viteVariants`; everything else picks it up.
 */
import { existsSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { PluginOption } from 'vite'

export interface VariantContext {
  /** The Vite root of the app being built. */
  appRoot: string
  /** The build's `build.outDir` (absolute, one per app and variant). */
  outDir: string
  /** A folder for report files of tools that write outside the output folder. */
  reportDir: string
}

export interface ViteVariant {
  name: string
  /** One line for RESULTS.md: what the variant runs, with which settings. */
  description: string
  /**
   * A peer tool, or the baseline only a peer needs (plain+sourcemap): measured `peerRunsByApp` times
   * (fewer than plain and Weighbridge in the default mode: the peers are the slowest builds).
   */
  peer?: boolean
  /** Emit source maps (tools that read them need them; the build time includes writing them). */
  sourcemap: boolean
  /** Why the variant cannot run here, or null. Checked in the parent before any build. */
  checkAvailable: () => Promise<string | null>
  /** Runs in the parent before each measured build. */
  prepare?: (context: VariantContext) => Promise<void>
  /** True when a build of this variant must have run before (e.g. a warm cache): the bench primes once. */
  needsPriming?: (context: VariantContext) => boolean
  /** Runs in the child: the plugins to add to the Vite config. */
  createPlugins: (context: VariantContext) => Promise<PluginOption[]>
  /** Runs in the child after the build: the report files written (absolute paths). */
  listReportFiles: (context: VariantContext) => string[]
}

/**
 * Each Weighbridge variant keeps its own compression cache and report folder (options `cache` and
 * `reportFile`, relative to the Vite root; every other option at its default unless the variant says
 * so): the variants run in rotating order, and the warm one must find its own last report and cache
 * untouched, as an unchanged rebuild on a developer's machine does.
 */
function weighbridgeCacheFolder(variant: string): string {
  return `node_modules/.cache/weighbridge-bench-${variant}`
}
function weighbridgeReportFolder(variant: string): string {
  return `.weighbridge-bench-${variant}`
}

function listExisting(paths: string[]): string[] {
  return paths.filter(path => existsSync(path))
}

function listFilesUnder(folder: string): string[] {
  if (!existsSync(folder)) return []
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter(entry => entry.isFile())
    .map(entry => join(entry.parentPath, entry.name))
}

async function checkWeighbridgeAvailable(): Promise<string | null> {
  try {
    const module = await import('weighbridge/vite') as { default?: unknown }
    return typeof module.default === 'function' ? null : 'weighbridge/vite has no default export yet'
  } catch (error) {
    return `weighbridge/vite does not load yet (${(error as Error).message.split('\n')[0]})`
  }
}

async function createWeighbridgePlugins(variant: string, options: Record<string, unknown> = {}): Promise<PluginOption[]> {
  const { default: weighbridge } = await import('weighbridge/vite') as { default: (options?: Record<string, unknown>) => PluginOption }
  return [weighbridge({ ...options, cache: weighbridgeCacheFolder(variant), reportFile: `${weighbridgeReportFolder(variant)}/report.json` })]
}

/** Everything a Weighbridge variant wrote into its report folder (report.json, report.html). */
function listWeighbridgeReports(variant: string): (context: VariantContext) => string[] {
  return context => listFilesUnder(join(context.appRoot, weighbridgeReportFolder(variant)))
}

/** Removes a variant's cache and report folder: the next build starts cold. */
function wipeWeighbridge(variant: string): (context: VariantContext) => Promise<void> {
  return async (context) => {
    await rm(join(context.appRoot, weighbridgeCacheFolder(variant)), { recursive: true, force: true })
    await rm(join(context.appRoot, weighbridgeReportFolder(variant)), { recursive: true, force: true })
  }
}

export const viteVariants: ViteVariant[] = [
  {
    name: 'plain',
    description: 'Vite alone, default settings (its reporter computes gzip sizes of chunks).',
    sourcemap: false,
    checkAvailable: async () => null,
    createPlugins: async () => [],
    listReportFiles: () => [],
  },
  {
    name: 'plain+sourcemap',
    description: 'Vite alone with `build.sourcemap: true`: the baseline of tools that need source maps (Sonda).',
    peer: true,
    sourcemap: true,
    checkAvailable: async () => null,
    createPlugins: async () => [],
    listReportFiles: () => [],
  },
  {
    name: 'weighbridge-cold',
    description: '`weighbridge()` with default options (gzip 9 + brotli 11), its cache folder and report wiped before each build.',
    sourcemap: false,
    checkAvailable: checkWeighbridgeAvailable,
    prepare: wipeWeighbridge('cold'),
    createPlugins: async () => createWeighbridgePlugins('cold'),
    listReportFiles: listWeighbridgeReports('cold'),
  },
  {
    name: 'weighbridge-warm',
    description: '`weighbridge()` with default options, its cache and last report kept: an unchanged rebuild (the last analysis is reused).',
    sourcemap: false,
    checkAvailable: checkWeighbridgeAvailable,
    // Primed in every run: a cache or state left by an earlier version of the plugin would make the
    // first measured build a full analysis.
    needsPriming: () => true,
    createPlugins: async () => createWeighbridgePlugins('warm'),
    listReportFiles: listWeighbridgeReports('warm'),
  },
  {
    name: 'weighbridge-fast',
    description: '`weighbridge({ brotli: false })`: the fast setting, gzip 9 only (no brotli); its own cache folder, wiped before each build.',
    sourcemap: false,
    checkAvailable: checkWeighbridgeAvailable,
    prepare: wipeWeighbridge('fast'),
    createPlugins: async () => createWeighbridgePlugins('fast', { brotli: false }),
    listReportFiles: listWeighbridgeReports('fast'),
  },
  {
    name: 'weighbridge-lean',
    description: '`weighbridge({ brotli: false, findings: false, html: false })`: the leanest setting, for CI size checks (report.json with gzip sizes per file and module, budgets, summary); its own cache folder, wiped before each build.',
    sourcemap: false,
    checkAvailable: checkWeighbridgeAvailable,
    prepare: wipeWeighbridge('lean'),
    createPlugins: async () => createWeighbridgePlugins('lean', { brotli: false, findings: false, html: false }),
    listReportFiles: listWeighbridgeReports('lean'),
  },
  {
    name: 'visualizer',
    description: 'rollup-plugin-visualizer 7.1.3, `{ template: \'treemap\', gzipSize: true, brotliSize: true }`.',
    peer: true,
    sourcemap: false,
    checkAvailable: async () => null,
    createPlugins: async (context) => {
      const { visualizer } = await import('rollup-plugin-visualizer')
      return [visualizer({ filename: join(context.reportDir, 'stats.html'), template: 'treemap', gzipSize: true, brotliSize: true, open: false }) as PluginOption]
    },
    listReportFiles: context => listExisting([join(context.reportDir, 'stats.html')]),
  },
  {
    name: 'sonda',
    description: 'Sonda 0.11.1 Vite plugin, `{ gzip: true, brotli: true }` (HTML report); needs `build.sourcemap: true`.',
    peer: true,
    sourcemap: true,
    checkAvailable: async () => null,
    createPlugins: async (context) => {
      const { default: sonda } = await import('sonda/vite')
      return [sonda({ gzip: true, brotli: true, format: 'html', outputDir: context.reportDir, filename: 'sonda', open: false })]
    },
    listReportFiles: context => listExisting([join(context.reportDir, 'sonda.html')]),
  },
]

export function findViteVariant(name: string): ViteVariant {
  const variant = viteVariants.find(candidate => candidate.name === name)
  if (!variant) throw new Error(`Unknown bench variant "${name}"; known: ${viteVariants.map(candidate => candidate.name).join(', ')}`)
  return variant
}
