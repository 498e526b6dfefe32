/**
 * One measured webpack build of examples/vite-app in a fresh process (spawned by
 * bench/webpack-overhead.ts with the tsx loader and the `weighbridge-source` condition).
 *
 * Timed: from `webpack(config)` to the end of `compiler.close()` (the plugin measures in
 * `processAssets`, so its work holds the build; its measurer is closed in the `done` hook, before
 * `run`'s callback). Not timed: importing webpack, the loaders and the plugin (reported apart as
 * `importMs`). Peak RSS is `process.resourceUsage().maxRSS` at the end (the whole process, worker
 * threads included). Weighbridge's phase timings (`WEIGHBRIDGE_DEBUG=timings`, a few
 * `performance.now()` calls) are captured from stderr. The result goes back over IPC.
 */
import { readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { Stats, WebpackPluginInstance } from 'webpack'
import { checkPackageResolution, readChildArgument } from './child-process'
import { createWebpackExampleConfig } from './webpack-example-config'

export interface WebpackOverheadVariantSettings {
  /** null: plain webpack; else the options given to `weighbridge()` from 'weighbridge/webpack'. */
  weighbridgeOptions: Record<string, unknown> | null
}

export interface WebpackBuildJob extends WebpackOverheadVariantSettings {
  variant: string
  appRoot: string
  outDir: string
  /** Where the variant's report files go (report.json, report.html), to list and weigh them. */
  reportDir: string
}

export interface WebpackBuildResult {
  variant: string
  importMs: number
  buildMs: number
  /** User + system CPU time of the process during the build (all threads). */
  cpuMs: number
  maxRssBytes: number
  /** Emitted files (count, bytes on disk): the same for every variant when the plugin leaves the output alone. */
  outputFileCount: number
  outputBytes: number
  /** Modules in webpack's stats, for the table's sanity line. */
  moduleCount: number
  warningCount: number
  reportFiles: { path: string, bytes: number }[]
  /** Weighbridge's phase timings of the build (phase → ms), empty for plain webpack. */
  phaseMs: Record<string, number>
  /** Where weighbridge and webpack were loaded from (repository-relative files). */
  resolved: Record<string, string>
}

function listFilesUnder(folder: string): string[] {
  try {
    return readdirSync(folder, { recursive: true, withFileTypes: true })
      .filter(entry => entry.isFile())
      .map(entry => path.join(entry.parentPath, entry.name))
  }
  catch {
    return []
  }
}

/** `weighbridge timings: total 812 ms · collect 40 ms · buildReport.measure 610 ms` → { total: 812, ... }. */
export function parseTimingLine(line: string): Record<string, number> {
  const phaseMs: Record<string, number> = {}
  for (const part of line.replace(/^weighbridge timings:\s*/, '').split('·')) {
    const match = /^\s*(\S+)\s+([\d.]+)\s*ms\s*$/.exec(part)
    if (match)
      phaseMs[match[1]!] = Number(match[2])
  }
  return phaseMs
}

/**
 * The build's phases: the last `weighbridge timings:` line, with the webpack adapter's own split of
 * `collect` (its `weighbridge collect:` line, `stats 41 ms · edges 6 ms ...`) as `collect.stats`... after `collect`.
 */
export function readPhases(lines: string[]): Record<string, number> {
  const timings = lines.findLast(line => line.startsWith('weighbridge timings:'))
  const collect = lines.findLast(line => line.startsWith('weighbridge collect:'))
  const phaseMs = timings ? parseTimingLine(timings) : {}
  const collectMs = collect ? parseTimingLine(collect.replace(/^weighbridge collect:/, '')) : {}
  const merged: Record<string, number> = {}
  for (const [phase, durationMs] of Object.entries(phaseMs)) {
    merged[phase] = durationMs
    if (phase === 'collect') {
      for (const [step, stepMs] of Object.entries(collectMs))
        merged[`collect.${step}`] = stepMs
    }
  }
  return merged
}

function captureTimingLines(): string[] {
  const lines: string[] = []
  const write = process.stderr.write.bind(process.stderr) as (chunk: unknown, ...rest: unknown[]) => boolean
  process.stderr.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text = typeof chunk === 'string' ? chunk : Buffer.isBuffer(chunk) ? chunk.toString('utf8') : ''
    for (const line of text.split('\n')) {
      if (line.startsWith('weighbridge timings:') || line.startsWith('weighbridge collect:'))
        lines.push(line)
    }
    return write(chunk, ...rest)
  }) as typeof process.stderr.write
  return lines
}

export async function runWebpackBuild(job: WebpackBuildJob): Promise<WebpackBuildResult> {
  // Before anything is imported: weighbridge from packages/*/dist or src, as the parent asked.
  const resolved = checkPackageResolution(['webpack'])
  const timingLines = captureTimingLines()
  const importStartMs = performance.now()
  const { default: webpack } = await import('webpack')
  type CreatePlugin = (options?: Record<string, unknown>) => WebpackPluginInstance
  const createWeighbridge = job.weighbridgeOptions === null
    ? null
    : (await import('weighbridge/webpack') as unknown as { default: CreatePlugin }).default
  const config = await createWebpackExampleConfig({ appRoot: job.appRoot, outDir: job.outDir, extraPlugins: [] })
  const importMs = performance.now() - importStartMs
  if (createWeighbridge)
    process.env.WEIGHBRIDGE_DEBUG = 'timings'

  const startedUsage = process.resourceUsage()
  const startedMs = performance.now()
  if (createWeighbridge)
    config.plugins!.push(createWeighbridge(job.weighbridgeOptions!))
  const compiler = webpack(config)
  const stats = await new Promise<Stats>((resolve, reject) => {
    compiler.run((error, result) => {
      if (error || !result) {
        reject(error ?? new Error('webpack returned no stats'))
        return
      }
      compiler.close((closeError) => {
        if (closeError)
          reject(closeError)
        else resolve(result)
      })
    })
  })
  const buildMs = performance.now() - startedMs
  const endedUsage = process.resourceUsage()
  const cpuMs = (endedUsage.userCPUTime + endedUsage.systemCPUTime - startedUsage.userCPUTime - startedUsage.systemCPUTime) / 1000

  const info = stats.toJson({ all: false, errors: true, warnings: true, modules: true, nestedModules: false })
  if ((info.errors ?? []).length > 0)
    throw new Error(`webpack build of ${job.variant} failed: ${info.errors!.map(error => error.message.split('\n')[0]).join('; ')}`)
  const outputFiles = listFilesUnder(job.outDir)
  return {
    variant: job.variant,
    importMs,
    buildMs,
    cpuMs,
    maxRssBytes: process.resourceUsage().maxRSS * 1024,
    outputFileCount: outputFiles.length,
    outputBytes: outputFiles.reduce((sum, file) => sum + statSync(file).size, 0),
    moduleCount: (info.modules ?? []).length,
    warningCount: (info.warnings ?? []).length,
    reportFiles: listFilesUnder(job.reportDir).map(file => ({ path: file, bytes: statSync(file).size })),
    phaseMs: readPhases(timingLines),
    resolved,
  }
}

if (process.send) {
  const job = readChildArgument<WebpackBuildJob>()
  // The process then ends on its own: a plugin that keeps it alive (workers left running) shows up
  // as a timeout in the parent instead of a fast number.
  runWebpackBuild(job).then(
    (result) => {
      process.send!({ ok: true, result }, () => process.disconnect())
    },
    (error: unknown) => {
      const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error)
      process.exitCode = 1
      process.send!({ ok: false, error: message }, () => process.disconnect())
    },
  )
}
