/**
 * What happens after a bundler finished: one function per step, so each later feature inserts one
 * call. Adapters call `finishBuild()` once per build and fail the build with the returned errors in
 * their bundler's own way (`this.error` in Rollup/Vite/Rolldown, `compilation.errors` in webpack...).
 *
 *   reuse check → buildReport → (G: findings) → (F: baseline diff, budgets) → write report.json
 *   → (D: HTML report) → terminal summary → save the reuse state → { report, errors, warnings }
 *
 * An unchanged rebuild stops at the reuse check (analysis-reuse.ts): the stored summary, warnings
 * and errors stand for the steps after it. A new step whose effect is not in report.json /
 * report.html (a file it writes, a message) must be stored there too, or turn the reuse off.
 */
import type { BuildReportOptions, CollectedBuild, FindingsOptions, Measurer, Module, Report, SourceReader } from '@weighbridge/core'
import type { Logger } from './logger'
import type { ResolvedOptions } from './options'
import path from 'node:path'
import { buildReport, computeFindings, createMeasurer, createSourceReader, prepareModulesJson, resolveFindingsOptions, serializeReport } from '@weighbridge/core'
import type { StaticLeakScanResult } from './runtime/static-leak-scan'
import { applyRuntimeToReport, startStaticLeakScan } from './runtime/report-runtime'
import { applyBudgets, publishBudgets } from './budgets-step'
import { printSummary } from './summary'
import { generatorVersion } from './version'
import type { PhaseTimings } from './phase-timings'
import { createPhaseTimings, isTimingsRequested } from './phase-timings'
import { writeFileAtomic } from './write-file-atomic'
import { writeHtmlReport } from './html-report-step'
import { writeSplitStep } from './split/split-option'
import { checkAnalysisReuse, replayAnalysis } from './analysis-reuse'

export interface FinishBuildResult {
  /** The report; on a reused build it is read from report.json when first asked for. */
  report: Report
  /** Absolute path of the written report.json, or null. */
  reportPath: string | null
  /** Messages that must fail the build (budget errors...). */
  errors: string[]
  /** Messages to show as warnings. */
  warnings: string[]
  /** The build was unchanged: the last analysis was reused (see analysis-reuse.ts). */
  reused: boolean
}

/** The project root of a build: the `root` option, else what the adapter found. */
export function resolveProjectRoot(resolved: ResolvedOptions, fallbackRoot: string): string {
  return path.resolve(fallbackRoot, resolved.root ?? '.')
}

/** One measurer per plugin instance: its cache lives across watch rebuilds; close it at the end. */
export function createPluginMeasurer(resolved: ResolvedOptions, root: string): Measurer {
  return createMeasurer({
    gzip: resolved.gzip,
    brotli: resolved.brotli,
    cacheDir: resolved.cache === false ? false : path.resolve(root, resolved.cache),
  })
}

export async function measureBuild(collected: CollectedBuild, resolved: ResolvedOptions, measurer: Measurer, timings?: PhaseTimings, whileMeasuring?: BuildReportOptions['whileMeasuring']): Promise<Report> {
  return buildReport(collected, {
    measurer,
    whileMeasuring,
    generatorVersion,
    compression: {
      gzipLevel: resolved.gzip === false ? null : resolved.gzip,
      brotliQuality: resolved.brotli === false ? null : resolved.brotli,
    },
    generatedAt: resolved.timestamps ? new Date().toISOString() : undefined,
    onPhase: timings?.enabled ? (phase, durationMs) => timings.record(`buildReport.${phase}`, durationMs) : undefined,
  })
}

/** Writes report.json atomically; returns its absolute path, or null with `reportFile: false`. */
export async function writeReportFile(report: Report, root: string, resolved: ResolvedOptions): Promise<string | null> {
  if (resolved.reportFile === false)
    return null
  const reportPath = path.resolve(root, resolved.reportFile)
  await writeFileAtomic(reportPath, serializeReport(report))
  return reportPath
}

export function showSummary(report: Report, reportPath: string | null, root: string, resolved: ResolvedOptions, logger: Logger, htmlPath: string | null = null): void {
  if (!resolved.summary)
    return
  const shown = (file: string | null): string | null => file === null ? null : (path.relative(root, file).replaceAll('\\', '/') || file)
  printSummary(report, shown(reportPath), logger, shown(htmlPath))
}

export interface FinishBuildOptions {
  /** Time the adapter spent collecting the build in bundler hooks (shown in the timing log). */
  collectMs?: number
}


export async function finishBuild(collected: CollectedBuild, resolved: ResolvedOptions, logger: Logger, measurer: Measurer, options: FinishBuildOptions = {}): Promise<FinishBuildResult> {
  const errors: string[] = []
  const warnings: string[] = []
  const root = path.resolve(collected.root)
  // The timing log (stderr) is on with the env `WEIGHBRIDGE_DEBUG=timings`.
  const timings = createPhaseTimings(isTimingsRequested())
  if (options.collectMs !== undefined)
    timings.record('collect', options.collectMs)
  // An unchanged rebuild reuses the last analysis (same key, report files unchanged on disk).
  const reuse = await timings.time('reuseKey', () => checkAnalysisReuse(collected, resolved, root, timings.enabled ? (phase, durationMs) => timings.record(`reuseKey.${phase}`, durationMs) : undefined))
  if (reuse.hit) {
    const reused = await timings.time('summary', () => replayAnalysis(reuse.hit!, resolved, logger, measurer))
    timings.note('reused: same inputs, report files unchanged')
    printTimings(timings)
    return reused
  }
  timings.note(`not reused: ${reuse.missReason}`)
  const statsBefore = { ...measurer.stats }
  // While the files compress (in worker threads), the main thread reads and scans the app's sources
  // for the findings and the leak patterns: they need the modules, not their sizes. After the
  // compression they would run on one core with the other idle.
  let sources: SourceReader | undefined
  let leakScan: Promise<StaticLeakScanResult> | null | undefined
  const whileMeasuring = (modules: readonly Module[]): Promise<void> => timings.time('buildReport.early', async () => {
    // On a miss, the rest of the reuse key (module graph, source stamps) for the state saved at the end.
    reuse.completeKey()
    // The modules' part of report.json (~60 % of it) does not depend on the sizes either.
    if (resolved.reportFile !== false)
      prepareModulesJson(modules)
    try {
      leakScan = startStaticLeakScan(modules, resolved, root)
      leakScan?.catch(() => {})
      if (resolveFindingsOptions(resolved.findings as FindingsOptions | boolean | undefined).options.enabled) {
        sources = createSourceReader(root)
        await sources.prescan(modules.filter(module => module.package === null).map(module => module.id))
      }
      await leakScan
    }
    catch {
      // The findings step reads what the prescan could not, and reports its own errors.
    }
  })
  const report = await timings.time('buildReport', () => measureBuild(collected, resolved, measurer, timings, whileMeasuring))
  const { compressedFiles, cacheHits, prefetchedFiles } = measurer.stats
  timings.note(`files: ${compressedFiles - statsBefore.compressedFiles} compressed (${prefetchedFiles - statsBefore.prefetchedFiles} started early), ${cacheHits - statsBefore.cacheHits} cached`)
  // (G) findings: pure analyses of the report; a failing rule must not fail the build.
  try {
    report.findings = await timings.time('findings', () => computeFindings(report, {
      options: resolved.findings as FindingsOptions | boolean | undefined,
      root,
      sources,
      onTiming: timings.enabled ? (rule, durationMs) => timings.record(`findings.${rule}`, durationMs) : undefined,
    }))
  }
  catch (error) {
    warnings.push(`findings could not be computed: ${(error as Error).message}`)
  }
  // (runtime) static leak findings (WB-LK*) read from the app's original files, and a saved runtime snapshot.
  try {
    await timings.time('runtime', () => applyRuntimeToReport(report, resolved, root, leakScan))
  }
  catch (error) {
    errors.push((error as Error).message)
  }
  // (F) baseline diff and budgets: fills report.diff and report.budgets; errors fail the build
  // after report.json is written.
  const budgets = await timings.time('budgets', () => applyBudgets(report, root, resolved, reuse.loadedConfig))
  errors.push(...budgets.errors)
  warnings.push(...budgets.warnings)
  const reportPath = await timings.time('writeJson', () => writeReportFile(report, root, resolved))
  // (F) saveBaseline, GitHub annotations and step summary.
  await timings.time('publishBudgets', () => publishBudgets(report, root, budgets, logger))
  // (D) HTML report: report.html next to report.json (option `html`); a failure is a warning.
  let htmlPath: string | null = null
  try {
    htmlPath = await timings.time('html', () => writeHtmlReport(report, root, resolved))
  }
  catch (error) {
    warnings.push(`the HTML report could not be written: ${(error as Error).message}`)
  }
  // (issue 8) split configuration for the bundler in use (option `split`).
  const split = await timings.time('split', () => writeSplitStep(report, root, resolved.split, logger))
  errors.push(...split.errors)
  warnings.push(...split.warnings)
  timings.time('summary', () => showSummary(report, reportPath, root, resolved, logger, htmlPath))
  await timings.time('saveState', () => reuse.record({ report, reportPath, htmlPath, errors, warnings, budgets }))
  printTimings(timings)
  return { report, reportPath, errors, warnings, reused: false }
}

/** The timing log line on stderr, when asked for (`WEIGHBRIDGE_DEBUG=timings`). */
function printTimings(timings: PhaseTimings): void {
  const timingLine = timings.format()
  if (timingLine !== null)
    process.stderr.write(`${timingLine}\n`)
}
