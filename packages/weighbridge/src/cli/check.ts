/**
 * `weighbridge check [report.json]`: checks a saved report against the budgets of the config file,
 * like the plugin does at the end of a build. Exit 1 when a budget is over its error limit, 0
 * otherwise, 2 on bad input (report, config, baseline). In GitHub Actions it also writes
 * annotations and the step summary.
 */
import path from 'node:path'
import type { CAC } from 'cac'
import type { BudgetResult, Report } from '@weighbridge/core'
import { checkBudgets, diffReports, readReportFile, ReportFileError, renderMarkdownSummary, validateBudgets, writeFileAtomic } from '@weighbridge/core'
import { publishCiOutput } from '../ci'
import type { CliIo } from './index'
import { CommandInputError, readConfigArgument, readReportArgument, runCommand, showPath } from './command-io'

export interface CheckFlags {
  config?: string
  baseline?: string
  markdown?: string
  json?: boolean
}

export function registerCheckCommand(cli: CAC, io: CliIo, run: (pending: Promise<number>) => void): void {
  cli
    .command('check [report]', 'Check a saved report.json against the budgets in weighbridge.config.* (exit 1 when one fails)')
    .option('--config <file>', 'Config file with the budgets (default: weighbridge.config.{ts,mts,mjs,js,cjs,json} in the current folder)')
    .option('--baseline <file>', 'Baseline report for growth budgets and "grew since baseline" (default: the config\'s baseline)')
    .option('--markdown <file>', 'Also write the markdown summary (budgets, initial loads, top growth) to this file')
    .option('--json', 'Print the budget results as JSON instead of text')
    .example(name => `  $ ${name} check\n  $ ${name} check dist/report.json --baseline .weighbridge/baseline.json`)
    .action((report: string | undefined, flags: CheckFlags) => {
      run(runCheck(report, flags, io))
    })
}

export async function runCheck(reportArgument: string | undefined, flags: CheckFlags, io: CliIo): Promise<number> {
  return runCommand(io, 'check', async () => {
    const { file: configFile, config } = await readConfigArgument(io, flags.config)
    const { report, shown } = readReportArgument(io, reportArgument)
    const validation = validateBudgets(config.budgets)
    if (validation.problems.length)
      throw new CommandInputError(`invalid budgets:\n${validation.problems.map(problem => `  - ${problem}`).join('\n')}`)
    if (validation.budgets.length === 0) {
      io.stdout.write(`weighbridge check: no budgets declared${configFile ? ` in ${showPath(io, configFile)}` : ' (no weighbridge.config.* found)'}; nothing to check. Add some with \`weighbridge budgets suggest\`.\n`)
      return 0
    }
    const warnings: string[] = []
    const baseline = readBaselineFlag(io, flags.baseline ?? config.baseline, flags.baseline !== undefined, warnings)
    const checked: Report = { ...report, diff: baseline ? diffReports(baseline.report, report, { baselineLabel: baseline.shown }) : report.diff }
    const result = checkBudgets(checked, validation.budgets, { baseline: baseline?.report ?? null })
    checked.budgets = result.results
    warnings.push(...result.warnings)

    if (flags.json) {
      io.stdout.write(`${JSON.stringify({ report: shown, baseline: baseline?.shown ?? null, budgets: result.results, warnings }, null, 2)}\n`)
    }
    else {
      io.stdout.write(`weighbridge check: ${shown} against ${validation.budgets.length} budget${validation.budgets.length === 1 ? '' : 's'}${configFile ? ` from ${showPath(io, configFile)}` : ''}${baseline ? `, baseline ${baseline.shown}` : ''}\n`)
      for (const warning of warnings)
        io.stdout.write(`! ${warning}\n`)
      for (const budget of result.results)
        io.stdout.write(`${formatResult(budget)}\n`)
      io.stdout.write(`${formatTally(result.results)}\n`)
    }
    if (flags.markdown)
      await writeFileAtomic(path.resolve(io.cwd, flags.markdown), renderMarkdownSummary(checked))
    publishCiOutput(checked, { stdout: io.stdout, configFile: configFile ? showPath(io, configFile) : null })
    return result.results.some(budget => budget.level === 'error') ? 1 : 0
  })
}

function readBaselineFlag(io: CliIo, file: string | undefined, explicit: boolean, warnings: string[]): { report: Report, shown: string } | null {
  if (!file)
    return null
  try {
    return { report: readReportFile(path.resolve(io.cwd, file), { role: 'baseline', displayName: file }), shown: file }
  }
  catch (error) {
    // The config's baseline may not exist yet (first run): compare nothing and say so.
    if (!explicit && error instanceof ReportFileError && / does not exist; /.test(error.message)) {
      warnings.push(`baseline ${file} does not exist yet, so nothing is compared; save one with \`weighbridge baseline save\``)
      return null
    }
    throw error
  }
}

const MARK = { error: '✖', warn: '⚠', pass: '✔' } as const

function formatResult(result: BudgetResult): string {
  const [first, ...rest] = result.message.split('\n')
  return [`${MARK[result.level]} ${first}`, ...rest.map(line => `    ${line}`)].join('\n')
}

export function formatTally(results: BudgetResult[]): string {
  const count = (level: BudgetResult['level']): number => results.filter(result => result.level === level).length
  const parts = [`${count('error')} over the error limit`, `${count('warn')} over the warn limit`, `${count('pass')} within`]
  return `Budgets: ${parts.join(', ')}.`
}
