/**
 * `weighbridge budgets suggest [report.json] --headroom 10%`: budgets at today's sizes plus
 * headroom, printed as a config snippet to paste into weighbridge.config.ts.
 */
import type { CAC } from 'cac'
import type { BudgetMetric } from '@weighbridge/core'
import { renderBudgetSnippet, suggestBudgets } from '@weighbridge/core'
import type { CliIo } from './index'
import { CommandInputError, readReportArgument, runCommand } from './command-io'

export interface BudgetsFlags {
  headroom?: string | number
  metric?: string
  json?: boolean
}

export function registerBudgetsCommand(cli: CAC, io: CliIo, run: (pending: Promise<number>) => void): void {
  cli
    .command('budgets <action> [report]', 'suggest: print budgets at today\'s sizes plus headroom, as a config snippet')
    .option('--headroom <percent>', 'Room above today\'s sizes, e.g. 10% (default: 10%)')
    .option('--metric <metric>', 'raw, gzip or brotli (default: gzip)')
    .option('--json', 'Print the snippet as JSON (for weighbridge.config.json)')
    .example(name => `  $ ${name} budgets suggest --headroom 10%`)
    .action((action: string, report: string | undefined, flags: BudgetsFlags) => {
      run(runBudgets(action, report, flags, io))
    })
}

export async function runBudgets(action: string, reportArgument: string | undefined, flags: BudgetsFlags, io: CliIo): Promise<number> {
  return runCommand(io, 'budgets', () => {
    if (action !== 'suggest')
      throw new CommandInputError(`unknown action "${action}"; the action is suggest: \`weighbridge budgets suggest [report.json] --headroom 10%\``)
    const headroomPercent = parseHeadroom(flags.headroom)
    const metric = flags.metric ?? 'gzip'
    if (metric !== 'raw' && metric !== 'gzip' && metric !== 'brotli')
      throw new CommandInputError(`--metric must be raw, gzip or brotli; received ${JSON.stringify(metric)}`)
    const { report } = readReportArgument(io, reportArgument)
    const suggestions = suggestBudgets(report, { headroomPercent, metric: metric as BudgetMetric })
    if (suggestions.length === 0)
      throw new CommandInputError('the report has no entries, JS, CSS or assets to suggest budgets for; is it the report of an empty build?')
    io.stdout.write(renderBudgetSnippet(suggestions, { headroomPercent, format: flags.json ? 'json' : 'ts' }))
    return 0
  })
}

function parseHeadroom(value: string | number | undefined): number {
  if (value === undefined)
    return 10
  const match = /^\s*(\d+(?:\.\d+)?)\s*%?\s*$/.exec(String(value))
  if (!match)
    throw new CommandInputError(`--headroom must be a percentage like 10%; received ${JSON.stringify(value)}`)
  return Number(match[1])
}
