/**
 * What the runtime work adds to a finished report: the static leak findings of the app's modules
 * (read from the original files, in every build: `static-leak-scan.ts`), and a saved runtime
 * snapshot when `runtime.snapshot` names one.
 */
import type { FindingsOptions, Module, Report } from '@weighbridge/core'
import type { ResolvedOptions } from '../options'
import type { StaticLeakScanner, StaticLeakScanResult } from './static-leak-scan'
import path from 'node:path'
import { applyFindingsOptions, createLeakFindings, LEAK_RULES, resolveFindingsOptions } from '@weighbridge/core'
import { resolveRuntimeOptions } from './runtime-options'
import { readRuntimeSnapshotFile } from './runtime-snapshot-file'
import { createStaticLeakScanner } from './static-leak-scan'

/** One scanner per plugin instance (its resolved options): the memory cache serves watch rebuilds. */
const scanners = new WeakMap<ResolvedOptions, StaticLeakScanner>()

/** Whether the `findings` option turns findings or every leak rule off (then no file is read). */
function leakRulesOff(findings: ResolvedOptions['findings']): boolean {
  const { options } = resolveFindingsOptions(findings as FindingsOptions | boolean | undefined)
  return !options.enabled || Object.keys(LEAK_RULES).every((rule) => {
    const setting = options.rules[rule]
    return (typeof setting === 'object' && setting !== null ? setting.severity : setting) === 'off'
  })
}

/**
 * Starts reading the app modules' files for leak patterns (it needs the modules, not their sizes:
 * the pipeline starts it while the files are compressed); null when the leak rules are off.
 */
export function startStaticLeakScan(modules: readonly Module[], resolved: ResolvedOptions, root: string): Promise<StaticLeakScanResult> | null {
  if (leakRulesOff(resolved.findings))
    return null
  let scanner = scanners.get(resolved)
  if (!scanner)
    scanners.set(resolved, scanner = createStaticLeakScanner())
  return scanner.scan(modules, root, resolved.cache === false ? null : path.resolve(root, resolved.cache))
}

/**
 * Adds leak findings (keeping the findings' order; the `findings` option's rules and ignore globs
 * apply to them as to every rule) and the snapshot; throws a one-line user error for a bad snapshot file.
 */
export async function applyRuntimeToReport(report: Report, resolved: ResolvedOptions, root: string, early?: Promise<StaticLeakScanResult> | null): Promise<void> {
  const scan = early ?? startStaticLeakScan(report.modules, resolved, root)
  if (scan) {
    const { patterns } = await scan
    const leaks = applyFindingsOptions(createLeakFindings(patterns), resolved.findings as FindingsOptions | boolean | undefined)
    if (leaks.length > 0) {
      const known = new Set(report.findings.map(finding => finding.id))
      report.findings = [...report.findings, ...leaks.filter(finding => !known.has(finding.id))]
    }
  }
  const { snapshot } = resolveRuntimeOptions(resolved.runtime)
  if (snapshot) report.runtime = await readRuntimeSnapshotFile(path.resolve(root, snapshot))
}
