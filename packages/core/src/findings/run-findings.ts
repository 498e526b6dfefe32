/**
 * The findings runner: resolves options, runs every rule on the report, stamps code, id and
 * severity, drops what the user silenced, and sorts by gzip savings (then id).
 */
import picomatch from 'picomatch'
import type { Finding, Report, Severity } from '../model'
import type { SourceReader } from './context'
import { createFindingsContext, rankingBytes } from './context'
import { initImportScanner } from './import-scan'
import { commonJsKeptWhole } from './rules/commonjs-kept-whole'
import { duplicatePackages } from './rules/duplicate-packages'
import { lazyLoadCandidates, lazyLoadPackages } from './rules/lazy-load-candidates'
import { namespaceImport } from './rules/namespace-import'
import { sideEffectsUndeclared } from './rules/side-effects-undeclared'
import { unusedExportsKept } from './rules/unused-exports-kept'
import { wholeLocaleBundle } from './rules/whole-locale-bundle'
import { LEAK_RULES } from './leaks/leak-findings'
import type { FindingsIgnore, FindingsOptions, FindingsRule, ResolvedFindingsOptions, RuleMeta, RuleSetting } from './types'
import { defaultFindingsOptions } from './types'

/** Every rule, in code order. */
export const findingsRules: readonly FindingsRule[] = [
  commonJsKeptWhole,
  sideEffectsUndeclared,
  namespaceImport,
  unusedExportsKept,
  wholeLocaleBundle,
  duplicatePackages,
  lazyLoadCandidates,
  lazyLoadPackages,
]

const severities: readonly string[] = ['info', 'warn', 'error']

/**
 * Checks and fills in the `findings` option. Collects every mistake as one readable line
 * (`findings.rules.WB-TS009: unknown rule code; known: ...`) instead of stopping at the first.
 */
export function resolveFindingsOptions(input: FindingsOptions | boolean | undefined): { options: ResolvedFindingsOptions, errors: string[] } {
  const errors: string[] = []
  if (input === undefined || input === true) return { options: { ...defaultFindingsOptions }, errors }
  if (input === false) return { options: { ...defaultFindingsOptions, enabled: false }, errors }
  if (typeof input !== 'object' || input === null) {
    return { options: { ...defaultFindingsOptions }, errors: [`findings: got ${JSON.stringify(input)}, expected true, false or an object like { rules: { 'WB-TS004': 'off' } }`] }
  }
  // Leak rules (WB-LK*) are found by the plugin's scan of the original files once the build is done, not by `check`; they are silenced the same way.
  const codes = [...findingsRules.map(rule => rule.meta.code), ...Object.keys(LEAK_RULES)]
  const rules: Record<string, RuleSetting> = {}
  for (const [code, setting] of Object.entries(input.rules ?? {})) {
    const severity = typeof setting === 'object' && setting !== null ? setting.severity : setting
    if (!codes.includes(code)) errors.push(`findings.rules.${code}: unknown rule code; known codes: ${codes.join(', ')}`)
    else if (severity !== undefined && severity !== 'off' && !severities.includes(severity)) errors.push(`findings.rules.${code}: got ${JSON.stringify(severity)}, expected 'off', 'info', 'warn' or 'error'`)
    else rules[code] = setting
  }
  const ignore: FindingsIgnore[] = []
  for (const [index, item] of (input.ignore ?? []).entries()) {
    if (typeof item === 'string') ignore.push({ modules: item })
    else if (item && (typeof item.modules === 'string' || Array.isArray(item.modules))) ignore.push(item)
    else errors.push(`findings.ignore[${index}]: got ${JSON.stringify(item)}, expected a glob or { rule?: 'WB-TS001', modules: 'src/legacy/**' }`)
  }
  const readNumber = (key: 'minLazyGzipBytes' | 'minLocaleModules'): number => {
    const value = input[key]
    if (value === undefined) return defaultFindingsOptions[key]
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
      errors.push(`findings.${key}: got ${JSON.stringify(value)}, expected a number ≥ 0`)
      return defaultFindingsOptions[key]
    }
    return value
  }
  return {
    options: { enabled: input.enabled ?? true, rules, ignore, minLazyGzipBytes: readNumber('minLazyGzipBytes'), minLocaleModules: readNumber('minLocaleModules') },
    errors,
  }
}

function readSeverity(setting: RuleSetting | undefined, fallback: Severity): Severity | 'off' {
  if (setting === undefined) return fallback
  if (typeof setting === 'string') return setting
  return setting.severity ?? fallback
}

function createSilencer(ignore: FindingsIgnore[]): (finding: Finding, packageNames: string[]) => boolean {
  const matchers = ignore.map(item => ({
    rules: item.rule === undefined ? null : new Set(Array.isArray(item.rule) ? item.rule : [item.rule]),
    isMatch: picomatch(Array.isArray(item.modules) ? item.modules : [item.modules], { dot: true }),
  }))
  return (finding, packageNames) => matchers.some(({ rules, isMatch }) => {
    if (rules && !rules.has(finding.rule)) return false
    if (finding.location && isMatch(finding.location.file)) return true
    if (finding.modules.length > 0 && finding.modules.every(id => isMatch(id))) return true
    return finding.packages.some(id => isMatch(id)) || packageNames.some(name => isMatch(name))
  })
}

export interface ComputeFindingsInput {
  /** The `findings` option as the user wrote it (validated here; errors are thrown as one message). */
  options?: FindingsOptions | ResolvedFindingsOptions | boolean
  /** Absolute project root, to read the importers' sources (import lines, used names). */
  root?: string | null
  /**
   * Called with the time each step took (`context` for indexing the graph, then each rule's code),
   * wall clock and CPU time of this process (user + system), for benchmarks.
   */
  onTiming?: (step: string, durationMs: number, cpuMs: number) => void
  /**
   * The source files, read (and prescanned) before the run, e.g. while the build's files were being
   * compressed; used when its root is `root`. Made fresh otherwise.
   */
  sources?: SourceReader
}

/** Runs every rule on the report. Pure apart from reading source files under `root`. */
export async function computeFindings(report: Report, input: ComputeFindingsInput = {}): Promise<Finding[]> {
  const { options, errors } = resolveFindingsOptions(input.options)
  if (errors.length > 0) throw new Error(errors.join('\n'))
  if (!options.enabled) return []
  await initImportScanner()
  const timing = input.onTiming
  let startMs = 0
  let startCpu = process.cpuUsage()
  const time = (step: string): void => {
    if (!timing) return
    const cpu = process.cpuUsage(startCpu)
    timing(step, performance.now() - startMs, (cpu.user + cpu.system) / 1000)
  }
  const startTiming = (): void => {
    if (!timing) return
    startMs = performance.now()
    startCpu = process.cpuUsage()
  }
  startTiming()
  const ctx = createFindingsContext(report, options, input.root ?? null, input.sources)
  time('context')
  const metaByCode = new Map(findingsRules.map(rule => [rule.meta.code, rule.meta]))
  const isSilenced = createSilencer(options.ignore)
  const findings: Finding[] = []
  const seenIds = new Map<string, number>()
  for (const rule of findingsRules) {
    startTiming()
    const drafts = rule.check(report, ctx)
    time(rule.meta.code)
    for (const draft of drafts) {
      const { subject, rule: code = rule.meta.code, title, ...rest } = draft
      const meta = metaByCode.get(code) ?? rule.meta
      const severity = readSeverity(options.rules[code], meta.severity)
      if (severity === 'off') continue
      let id = `${code}:${subject}`
      const count = seenIds.get(id) ?? 0
      seenIds.set(id, count + 1)
      if (count > 0) id = `${id}#${count + 1}`
      const finding: Finding = {
        id,
        rule: code,
        severity,
        title: title ?? meta.title,
        ...rest,
        modules: [...new Set(rest.modules)].sort(),
        packages: [...new Set(rest.packages)].sort(),
      }
      const packageNames = finding.packages.map(pkgId => ctx.packageById.get(pkgId)?.name).filter((name): name is string => !!name)
      if (isSilenced(finding, packageNames)) continue
      findings.push(finding)
    }
  }
  return findings.sort((a, b) => rankingBytes(b.savings) - rankingBytes(a.savings) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}

/**
 * Applies the user's `findings` options to findings made outside the rules' `check` (the static leak
 * findings WB-LK*, found by the plugin's scan of the original files): drops rules turned off and silenced modules, re-grades
 * severities. Invalid entries are skipped (`computeFindings` reports them).
 */
export function applyFindingsOptions(findings: readonly Finding[], input?: FindingsOptions | ResolvedFindingsOptions | boolean): Finding[] {
  const { options } = resolveFindingsOptions(input)
  if (!options.enabled) return []
  const isSilenced = createSilencer(options.ignore)
  const kept: Finding[] = []
  for (const finding of findings) {
    const severity = readSeverity(options.rules[finding.rule], finding.severity)
    if (severity === 'off' || isSilenced(finding, [])) continue
    kept.push(severity === finding.severity ? finding : { ...finding, severity })
  }
  return kept
}

/** The long help of a rule by code (for the report and `weighbridge explain WB-TS001`). */
export function describeRule(code: string): { code: string, title: string, severity: Severity, docs: string } | null {
  return findingsRules.find(rule => rule.meta.code === code)?.meta ?? (LEAK_RULES as Record<string, RuleMeta>)[code] ?? null
}
