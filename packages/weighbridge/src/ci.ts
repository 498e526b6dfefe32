/**
 * CI output: GitHub Actions annotations for budgets over their limits (when `GITHUB_ACTIONS=true`)
 * and the markdown summary appended to `$GITHUB_STEP_SUMMARY` (when set). Nothing happens elsewhere.
 */
import { appendFileSync } from 'node:fs'
import type { BudgetResult, Report } from '@weighbridge/core'
import { renderMarkdownSummary } from '@weighbridge/core'

export interface CiEnvironment {
  GITHUB_ACTIONS?: string
  GITHUB_STEP_SUMMARY?: string
  [key: string]: string | undefined
}

export interface CiOutputOptions {
  env?: CiEnvironment
  /** Where workflow commands go (GitHub reads them from stdout). @default process.stdout */
  stdout?: { write: (text: string) => unknown }
  /** The config file, named in annotations so they point somewhere useful. */
  configFile?: string | null
}

export interface CiOutputResult {
  annotations: number
  /** The step summary file written to, or null. */
  summaryFile: string | null
}

/** Escapes a workflow command's message (as @actions/core does): %, CR and LF. */
export function escapeCommandData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')
}

/** Escapes a workflow command property: also `:` and `,`. */
export function escapeCommandProperty(text: string): string {
  return escapeCommandData(text).replace(/:/g, '%3A').replace(/,/g, '%2C')
}

/** `::error title=...::message` (or `::warning`) for each budget over a limit. */
export function formatBudgetAnnotations(results: BudgetResult[], configFile?: string | null): string[] {
  return results
    .filter(result => result.level !== 'pass')
    .map((result) => {
      const properties = [`title=${escapeCommandProperty(`Weighbridge budget ${result.path}: ${result.label}`)}`]
      if (configFile)
        properties.unshift(`file=${escapeCommandProperty(configFile)}`)
      return `::${result.level === 'error' ? 'error' : 'warning'} ${properties.join(',')}::${escapeCommandData(result.message)}`
    })
}

/** Writes the annotations and the step summary when running in GitHub Actions. */
export function publishCiOutput(report: Report, options: CiOutputOptions = {}): CiOutputResult {
  const env = options.env ?? process.env
  const stdout = options.stdout ?? process.stdout
  let annotations = 0
  if (env.GITHUB_ACTIONS === 'true') {
    for (const line of formatBudgetAnnotations(report.budgets, options.configFile)) {
      stdout.write(`${line}\n`)
      annotations++
    }
  }
  const summaryFile = env.GITHUB_STEP_SUMMARY || null
  if (summaryFile)
    appendFileSync(summaryFile, `${renderMarkdownSummary(report)}\n`)
  return { annotations, summaryFile }
}
