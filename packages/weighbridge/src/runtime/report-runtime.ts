/**
 * What the runtime work adds to a finished report: the static leak findings found while
 * transforming, and a saved runtime snapshot when `runtime.snapshot` names one.
 */
import type { FindingsOptions, Report } from '@weighbridge/core'
import type { ResolvedOptions } from '../options'
import path from 'node:path'
import { applyFindingsOptions } from '@weighbridge/core'
import { resolveRuntimeOptions } from './runtime-options'
import { takeLeakFindings } from './runtime-plugin'
import { readRuntimeSnapshotFile } from './runtime-snapshot-file'

/**
 * Adds leak findings (keeping the findings' order; the `findings` option's rules and ignore globs
 * apply to them as to every rule) and the snapshot; throws a one-line user error for a bad snapshot file.
 */
export async function applyRuntimeToReport(report: Report, resolved: ResolvedOptions, root: string): Promise<void> {
  const leaks = applyFindingsOptions(takeLeakFindings(resolved), resolved.findings as FindingsOptions | boolean | undefined)
  if (leaks.length > 0) {
    const known = new Set(report.findings.map(finding => finding.id))
    report.findings = [...report.findings, ...leaks.filter(finding => !known.has(finding.id))]
  }
  const { snapshot } = resolveRuntimeOptions(resolved.runtime)
  if (snapshot) report.runtime = await readRuntimeSnapshotFile(path.resolve(root, snapshot))
}
