/**
 * Plans a split for one bundler and writes the configuration file plus its explanation (`.md`
 * next to it), atomically. Shared by `weighbridge split` and the plugin option `split`.
 *
 * Which reports a target can use: any report whose planned modules are files under the project
 * root, whatever bundler measured it (the configuration matches modules by path). A report whose
 * ids do not resolve there (another machine's build, a dist folder analysed without its sources)
 * is refused. A report from another bundler family plans fine but carries a note: the target
 * bundler tree-shakes and wraps differently, so re-plan from its own report.
 */
import { existsSync } from 'node:fs'
import path from 'node:path'
import type { Report, ResolvedSplitGoals, SplitGoals, SplitPlan, SplitTarget } from '@weighbridge/core'
import { planSplit, SplitPlanError } from '@weighbridge/core'
import { writeFileAtomic } from '../write-file-atomic'
import { renderSplitConfig } from './render-config'
import { describeEsbuildAdvice, isWritableTarget, renderSplitExplanation } from './render-explanation'

export interface WriteSplitOptions {
  report: Report
  target: SplitTarget
  /** Absolute project root: the report's paths are relative to it. */
  root: string
  /** Absolute path of the configuration file. @default <root>/.weighbridge/split.<target>.mjs */
  outFile?: string
  goals?: SplitGoals | ResolvedSplitGoals
  baselines?: readonly Report[]
}

export interface WriteSplitResult {
  plan: SplitPlan
  /** Absolute paths written, or null when the plan has no group (nothing to configure). */
  configFile: string | null
  explanationFile: string | null
  explanation: string
}

export function defaultSplitFile(root: string, target: SplitTarget): string {
  return path.join(root, '.weighbridge', `split.${target}.mjs`)
}

/** `split.vite.mjs` → `split.vite.md`. */
export function explanationFileFor(configFile: string): string {
  const parsed = path.parse(configFile)
  return path.join(parsed.dir, `${parsed.name}.md`)
}

/** Whether a report id names a file under `root` a bundler can match by path. */
export function createResolvableCheck(root: string): (id: string) => boolean {
  return id => !id.startsWith('virtual:') && !id.includes('?') && !id.includes('!') && existsSync(path.resolve(root, id))
}

export async function writeSplitFiles(options: WriteSplitOptions): Promise<WriteSplitResult> {
  const { report, target, root } = options
  if (!isWritableTarget(target))
    throw new SplitPlanError(describeEsbuildAdvice())
  const outFile = options.outFile ?? defaultSplitFile(root, target)
  if (!/\.m?js$/.test(outFile))
    throw new SplitPlanError(`--out ${outFile}: the configuration is an ES module; name it with .mjs (or .js in a "type": "module" package)`)
  const plan = planSplit(report, { target, goals: options.goals, baselines: options.baselines, isResolvable: createResolvableCheck(root) })
  // No group means nothing to configure for the Rollup family; webpack/Rspack still get a file,
  // since turning their default cache groups off is the plan.
  if (plan.groups.length === 0 && target !== 'webpack' && target !== 'rspack')
    return { plan, configFile: null, explanationFile: null, explanation: renderSplitExplanation(plan, null) }
  const explanationFile = explanationFileFor(outFile)
  const shownConfig = path.relative(path.dirname(explanationFile), outFile).split(path.sep).join('/')
  const explanation = renderSplitExplanation(plan, shownConfig)
  await writeFileAtomic(outFile, renderSplitConfig(plan, target, outFile, root))
  await writeFileAtomic(explanationFile, explanation)
  return { plan, configFile: outFile, explanationFile, explanation }
}
