/**
 * The budgets step of `finishBuild()`: read the config file and the baseline, diff, check budgets
 * (before report.json is written, so it holds them), then after writing: save the baseline and
 * publish CI output. Errors returned here fail the build in the adapter, after the report exists.
 */
import path from 'node:path'
import type { Report } from '@weighbridge/core'
import { checkBudgets, diffReports, readReportFile, ReportFileError, saveBaselineFile, validateBudgets } from '@weighbridge/core'
import type { Logger } from './logger'
import type { ResolvedOptions } from './options'
import type { LoadedConfig, WeighbridgeConfig } from './config-file'
import { ConfigFileError, loadConfigFile, resolveSaveBaselinePath } from './config-file'
import { publishCiOutput } from './ci'

export interface BudgetStep {
  /** The merged settings (inline options over the config file). */
  config: WeighbridgeConfig
  configFile: string | null
  /** The baseline file exists but is broken: it must not be overwritten by `saveBaseline`. */
  baselineBroken: boolean
  errors: string[]
  warnings: string[]
}

/**
 * Fills `report.diff` and `report.budgets`; returns what must fail the build and what to warn about.
 * `preloaded`: the config file as `loadBudgetsConfig()` read it already this build (not read twice).
 */
export async function applyBudgets(report: Report, root: string, resolved: ResolvedOptions, preloaded?: LoadedConfig): Promise<BudgetStep> {
  const step: BudgetStep = { config: {}, configFile: null, baselineBroken: false, errors: [], warnings: [] }
  try {
    const loaded = preloaded ?? await loadBudgetsConfig(root, resolved)
    step.configFile = loaded.file
    step.config = mergeConfig(loaded.config, resolved)
  }
  catch (error) {
    if (!(error instanceof ConfigFileError))
      throw error
    step.errors.push(error.message)
    return step
  }

  const baseline = readBaseline(step, root)
  if (baseline)
    report.diff = diffReports(baseline, report, { baselineLabel: step.config.baseline })

  const validation = validateBudgets(step.config.budgets)
  step.errors.push(...validation.problems)
  const check = checkBudgets(report, validation.budgets, { baseline })
  report.budgets = check.results
  step.warnings.push(...check.warnings)
  for (const result of check.results) {
    if (result.level === 'error')
      step.errors.push(result.message)
    else if (result.level === 'warn')
      step.warnings.push(result.message)
  }
  return step
}

function readBaseline(step: BudgetStep, root: string): Report | null {
  const baselinePath = step.config.baseline
  if (!baselinePath)
    return null
  try {
    return readReportFile(path.resolve(root, baselinePath), { role: 'baseline', displayName: baselinePath })
  }
  catch (error) {
    if (!(error instanceof ReportFileError))
      throw error
    if (/ does not exist; /.test(error.message)) {
      step.warnings.push(`baseline ${baselinePath} does not exist yet, so nothing is compared; save one with \`weighbridge baseline save\` or the saveBaseline option`)
      return null
    }
    step.baselineBroken = true
    step.errors.push(error.message)
    return null
  }
}

/** The config file of a build (`configFile: false`: none); throws `ConfigFileError`. */
export async function loadBudgetsConfig(root: string, resolved: ResolvedOptions): Promise<LoadedConfig> {
  return resolved.configFile === false ? { file: null, config: {} } : loadConfigFile(root, resolved.configFile)
}

/** The budgets settings of a build: inline options over the config file's. */
export function mergeConfig(fromFile: WeighbridgeConfig, resolved: ResolvedOptions): WeighbridgeConfig {
  return {
    budgets: (resolved.budgets ?? fromFile.budgets) as WeighbridgeConfig['budgets'],
    baseline: (resolved.baseline ?? fromFile.baseline) as string | undefined,
    saveBaseline: resolved.saveBaseline ?? fromFile.saveBaseline,
  }
}

/** After report.json is written: save the baseline when asked, then annotations and step summary. */
export async function publishBudgets(report: Report, root: string, step: BudgetStep, logger: Logger): Promise<void> {
  const savePath = resolveSaveBaselinePath(step.config)
  // Only a build that passed becomes the baseline; a broken baseline file is left as it is.
  if (savePath && step.errors.length === 0 && !step.baselineBroken) {
    await saveBaselineFile(report, path.resolve(root, savePath))
    logger.info(`weighbridge: saved baseline ${savePath}`)
  }
  // CI output only for builds that declare budgets or compare with a baseline: a plain analysis
  // build should not fill the job summary.
  if (report.budgets.length === 0 && report.diff === null)
    return
  const configFile = step.configFile ? path.relative(root, step.configFile).replaceAll('\\', '/') : null
  publishCiOutput(report, { configFile })
}
