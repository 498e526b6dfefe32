/**
 * One measured Vite build in a fresh process (spawned by the bench, see child-process.ts): first it
 * checks that Weighbridge and the peers resolve from where the parent asked (dist for `pnpm bench`),
 * then the build time is taken around `build()`, the peak RSS from `process.resourceUsage()` at the
 * end (covers the worker threads of the process too). The result goes back over IPC.
 */
import { statSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import { checkPackageResolution, readChildArgument } from './child-process'
import { findViteVariant, type VariantContext } from './vite-variants'

export interface ViteBuildJob extends VariantContext {
  variant: string
}

export interface ViteBuildResult {
  variant: string
  buildMs: number
  /** User + system CPU time of the process during `build()` (all threads): less sensitive to other load than buildMs. */
  cpuMs: number
  maxRssBytes: number
  /** Modules in the emitted chunks (from Vite's output), a sanity figure for the table. */
  moduleCount: number
  reportFiles: { path: string, bytes: number }[]
  /** The files `weighbridge/vite`, its workspace packages and the peers resolved to (repository-relative). */
  resolved: Record<string, string>
}

/** The peers every build resolves (checked before the build, whatever the variant). */
const peerSpecifiers = ['vite', 'rollup-plugin-visualizer', 'sonda/vite']

interface ChunkLike { type: 'chunk' | 'asset', moduleIds?: string[] }

async function runBuild(job: ViteBuildJob): Promise<ViteBuildResult> {
  const resolved = checkPackageResolution(peerSpecifiers)
  const variant = findViteVariant(job.variant)
  const { build } = await import('vite')
  const plugins = await variant.createPlugins(job)
  const startedUsage = process.resourceUsage()
  const startedMs = performance.now()
  const output = await build({
    root: job.appRoot,
    configFile: false,
    plugins,
    build: { outDir: job.outDir, emptyOutDir: true, sourcemap: variant.sourcemap },
  })
  const buildMs = performance.now() - startedMs
  const endedUsage = process.resourceUsage()
  const cpuMs = (endedUsage.userCPUTime + endedUsage.systemCPUTime - startedUsage.userCPUTime - startedUsage.systemCPUTime) / 1000
  const outputs = (Array.isArray(output) ? output : [output]) as { output?: ChunkLike[] }[]
  const moduleIds = new Set<string>()
  for (const result of outputs) {
    for (const item of result.output ?? []) {
      if (item.type === 'chunk') for (const id of item.moduleIds ?? []) moduleIds.add(id)
    }
  }
  return {
    variant: job.variant,
    buildMs,
    cpuMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    moduleCount: moduleIds.size,
    reportFiles: variant.listReportFiles(job).map(path => ({ path, bytes: statSync(path).size })),
    resolved,
  }
}

const job = readChildArgument<ViteBuildJob>()
// The process then ends on its own (the parent waits for that, so a tool that keeps the process
// alive, e.g. with worker threads left running, shows up as a timeout instead of a fast number).
runBuild(job).then(
  (result) => {
    process.send?.({ ok: true, result }, () => process.disconnect())
  },
  (error: unknown) => {
    const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)
    process.exitCode = 1
    process.send?.({ ok: false, error: message }, () => process.disconnect())
  },
)
