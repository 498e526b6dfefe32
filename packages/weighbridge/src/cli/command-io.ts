/**
 * What the budget commands (`check`, `baseline`, `diff`, `budgets`) share: reading a saved report
 * and the config file with one readable line per problem, and turning errors into exit codes.
 */
import path from 'node:path'
import type { Report } from '@weighbridge/core'
import { readReportFile, ReportFileError } from '@weighbridge/core'
import { ConfigFileError, loadConfigFile } from '../config-file'
import type { LoadedConfig } from '../config-file'
import type { CliIo } from './index'

export const DEFAULT_REPORT_FILE = '.weighbridge/report.json'

/** A usage or input problem: printed as one line (`weighbridge: ...`), exit code 2. */
export class CommandInputError extends Error {
  readonly isUserError = true
}

export function readReportArgument(io: CliIo, file: string | undefined, role: 'report' | 'baseline' = 'report'): { report: Report, shown: string } {
  const shown = file ?? DEFAULT_REPORT_FILE
  return { report: readReportFile(path.resolve(io.cwd, shown), { role, displayName: shown }), shown }
}

export async function readConfigArgument(io: CliIo, file: string | undefined): Promise<LoadedConfig> {
  return loadConfigFile(io.cwd, file)
}

/** Runs a command body: user errors print one line and give 2, anything else is a bug (3). */
export async function runCommand(io: CliIo, name: string, body: () => Promise<number> | number): Promise<number> {
  try {
    return await body()
  }
  catch (error) {
    if (error instanceof ReportFileError || error instanceof ConfigFileError || error instanceof CommandInputError) {
      io.stderr.write(`weighbridge ${name}: ${error.message}\n`)
      return 2
    }
    io.stderr.write(`weighbridge ${name}: internal error: ${(error as Error).stack ?? String(error)}\n`)
    return 3
  }
}

/** Shortens a path for messages: relative to the working folder when inside it. */
export function showPath(io: CliIo, file: string): string {
  const relative = path.relative(io.cwd, path.resolve(io.cwd, file)).replaceAll('\\', '/')
  return relative && !relative.startsWith('..') ? relative : file
}
