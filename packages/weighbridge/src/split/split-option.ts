/**
 * The plugin option `split`: after each build, plan chunk groups from the fresh report and write
 * the configuration for the bundler in use (plus its explanation), like `weighbridge split`.
 *
 *   split: true                                  → .weighbridge/split.<bundler>.mjs, default goals
 *   split: { out: 'config/split.mjs', goals: { maxInitialRequests: 4 }, baselines: ['reports/v1.json'] }
 *
 * A plan never fails the build for what the report is (an empty or single-module build, esbuild,
 * which has no manual chunking): that is a warning. Goals the user set that cannot be met together
 * fail the build with the planner's message, like a budget.
 */
import path from 'node:path'
import type { Report, SplitGoals, SplitTarget } from '@weighbridge/core'
import { readReportFile, resolveSplitGoals, SPLIT_TARGETS, SplitPlanError } from '@weighbridge/core'
import type { Logger } from '../logger'
import { describeEsbuildAdvice } from './render-explanation'
import { writeSplitFiles } from './write-split-files'

export interface SplitOption {
  /**
   * Where to write the configuration, relative to the project root (.mjs; the explanation is
   * written next to it as .md).
   * @default '.weighbridge/split.<bundler>.mjs'
   */
  out?: string
  /** The goals the plan weighs (see `SplitGoals` in @weighbridge/core). @default the defaults */
  goals?: SplitGoals
  /** Earlier reports, oldest first, relative to the project root: how often each package changed. @default [] */
  baselines?: string[]
}

const KEYS = ['out', 'goals', 'baselines']

/** Validates `split` for `resolveOptions()`: pushes one line per problem. */
export function checkSplitOption(value: unknown, optionPath: string, problems: string[], describe: (value: unknown) => string): void {
  if (value === undefined || typeof value === 'boolean')
    return
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${optionPath}: got ${describe(value)}; expected true, false or { out, goals, baselines }, e.g. { goals: { maxInitialRequests: 4 } }`)
    return
  }
  const record = value as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!KEYS.includes(key))
      problems.push(`${optionPath}.${key}: unknown key; valid keys are ${KEYS.join(', ')}`)
  }
  if (record.out !== undefined && (typeof record.out !== 'string' || !/\.m?js$/.test(record.out)))
    problems.push(`${optionPath}.out: got ${describe(record.out)}; expected the path of an ES module file, e.g. '.weighbridge/split.mjs'`)
  if (record.baselines !== undefined && (!Array.isArray(record.baselines) || record.baselines.some(item => typeof item !== 'string' || item.trim() === '')))
    problems.push(`${optionPath}.baselines: got ${describe(record.baselines)}; expected an array of report.json paths, oldest first`)
  problems.push(...resolveSplitGoals(record.goals, `${optionPath}.goals`).problems)
}

export interface SplitStepOutcome {
  errors: string[]
  warnings: string[]
  /** Absolute path of the written configuration, or null. */
  configFile: string | null
}

/** Runs the `split` option on a finished build's report. */
export async function writeSplitStep(report: Report, root: string, option: unknown, logger: Logger): Promise<SplitStepOutcome> {
  const outcome: SplitStepOutcome = { errors: [], warnings: [], configFile: null }
  if (option === undefined || option === false)
    return outcome
  const settings: SplitOption = option === true ? {} : option as SplitOption
  const bundler = report.bundler.name
  if (!(SPLIT_TARGETS as readonly string[]).includes(bundler)) {
    outcome.warnings.push(`split: the ${bundler} build cannot be planned for (it is not one of ${SPLIT_TARGETS.join(', ')})`)
    return outcome
  }
  const target = bundler as SplitTarget
  if (target === 'esbuild') {
    outcome.warnings.push(`split: ${describeEsbuildAdvice()}`)
    return outcome
  }
  try {
    const baselines = (settings.baselines ?? []).map(file => readReportFile(path.resolve(root, file), { role: 'baseline', displayName: file }))
    const result = await writeSplitFiles({
      report,
      target,
      root,
      outFile: settings.out === undefined ? undefined : path.resolve(root, settings.out),
      goals: settings.goals,
      baselines,
    })
    outcome.configFile = result.configFile
    const shown = (file: string): string => path.relative(root, file).split(path.sep).join('/') || file
    if (result.configFile === null)
      logger.info(`weighbridge split: nothing to configure for ${target}; the default chunking meets the goals.`)
    else
      logger.info(`weighbridge split: wrote ${shown(result.configFile)} (${result.plan.groups.length} chunk groups for ${target}) and ${shown(result.explanationFile!)}`)
  }
  catch (error) {
    if (!(error instanceof Error) || !('isUserError' in error))
      throw error
    if (error instanceof SplitPlanError && error.kind === 'goals')
      outcome.errors.push(`split: ${error.message}`)
    else
      outcome.warnings.push(`split: ${error.message}`)
  }
  return outcome
}
