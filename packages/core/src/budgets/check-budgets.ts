/**
 * Checks resolved budgets against a report (and optionally a baseline report): a pure function from
 * graphs to `BudgetResult[]` plus warnings about the config (globs matching nothing, growth budgets
 * without a baseline).
 */
import type { BudgetContributor, BudgetLevel, BudgetResult, Chunk, Report } from '../model'
import type { ResolvedBudget } from './config'
import type { Limit } from './limits'
import type { Metric, ReportIndex } from './report-index'
import { formatBytes, formatDeltaBytes, formatPercent } from './limits'
import {
  collectContributors,
  collectPackageModules,
  createGlobMatcher,
  indexReport,
  isFileOfType,
  listBundledPackageNames,
  stripContentHash,
  sumFileSizes,
} from './report-index'

export interface CheckBudgetsOptions {
  /** The baseline report, for growth budgets and "grew since baseline" in messages. */
  baseline?: Report | null
  /** How many contributors each result lists. @default 5 */
  contributorLimit?: number
}

export interface BudgetCheck {
  results: BudgetResult[]
  /** Config warnings, one line each with the budget's path (a glob matching nothing...). */
  warnings: string[]
}

/** A measurable thing in a report: a set of files, or the modules of some packages. */
type Selection =
  | { files: string[] }
  | { packageNames: (name: string) => boolean }

interface Scope {
  /** e.g. `initial load of index.html`. */
  label: string
  /** The scope in the current report. */
  current: Selection
  /** The same scope in another report (the baseline); null when it is not there. */
  locate: (index: ReportIndex) => Selection | null
}

interface Measured {
  bytes: number | null
  contributors: Map<string, BudgetContributor>
}

const TYPE_WORD = { js: 'JS', css: 'CSS', all: 'load' } as const

export function checkBudgets(report: Report, budgets: ResolvedBudget[], options: CheckBudgetsOptions = {}): BudgetCheck {
  const index = indexReport(report)
  const baselineIndex = options.baseline ? indexReport(options.baseline) : null
  const contributorLimit = options.contributorLimit ?? 5
  const results: BudgetResult[] = []
  const warnings: string[] = []

  for (const budget of budgets) {
    if (budget.kind === 'count') {
      results.push(checkCountBudget(index, budget))
      continue
    }
    const metric = budget.metric as Metric
    const scopes = listScopes(index, budget, warnings)
    if (budget.kind === 'growth' && !baselineIndex) {
      warnings.push(`${budget.path} (growth) was not checked: there is no baseline to compare with; set the baseline option or run \`weighbridge baseline save\` on the base branch`)
      continue
    }
    for (const scope of scopes) {
      const now = measureSelection(index, scope.current, metric)
      const baselineSelection = baselineIndex ? scope.locate(baselineIndex) : null
      const before = baselineIndex && baselineSelection ? measureSelection(baselineIndex, baselineSelection, metric) : null
      if (baselineIndex)
        attachDeltas(now.contributors, before?.contributors ?? new Map())
      const label = `${budget.name ? `${budget.name}: ` : ''}${budget.kind === 'growth' ? 'growth of ' : ''}${scope.label} (${metric})`
      if (now.bytes === null || (budget.kind === 'growth' && before !== null && before.bytes === null)) {
        results.push({
          path: budget.path,
          label,
          kind: budget.kind,
          metric,
          actual: 0,
          warnLimit: budget.warn?.value ?? null,
          errorLimit: budget.error?.value ?? null,
          level: 'error',
          message: `${budget.path} ${label}: cannot be checked, the report has no ${metric} sizes (that compression was turned off). Fix: set metric: 'raw' on this budget or turn ${metric} measurement on.`,
          contributors: [],
        })
        continue
      }
      if (budget.kind === 'growth') {
        const result = checkGrowthScope(budget, label, now, before, contributorLimit)
        if (result)
          results.push(result)
        continue
      }
      const contributors = rankContributors(now.contributors, contributorLimit, 'bytes')
      const level = judge(now.bytes, budget)
      results.push({
        path: budget.path,
        label,
        kind: budget.kind,
        metric,
        actual: now.bytes,
        warnLimit: budget.warn?.value ?? null,
        errorLimit: budget.error?.value ?? null,
        level,
        message: writeSizeMessage(budget, label, now.bytes, level, contributors, report),
        contributors,
      })
    }
  }
  return { results, warnings }
}

function judge(actual: number, budget: ResolvedBudget): BudgetLevel {
  if (budget.error && actual > budget.error.value)
    return 'error'
  if (budget.warn && actual > budget.warn.value)
    return 'warn'
  return 'pass'
}

function listScopes(index: ReportIndex, budget: ResolvedBudget, warnings: string[]): Scope[] {
  const report = index.report
  const kind = budget.kind === 'growth' ? budget.of : budget.kind
  const warnNoMatch = (what: string, glob: string, available: string[]): void => {
    const shown = available.slice(0, 8).map(name => `'${name}'`).join(', ')
    warnings.push(`${budget.path}: ${what} '${glob}' matches nothing in this build, so the budget checks nothing; ${available.length ? `available: ${shown}${available.length > 8 ? ', ...' : ''}` : `the build has none`}`)
  }

  switch (kind) {
    case 'initial': {
      const entries = budget.entry ? report.entries.filter(entry => createGlobMatcher(budget.entry!)([entry.name, entry.file])) : listDefaultEntries(report)
      if (budget.entry && entries.length === 0)
        warnNoMatch('entry', budget.entry, report.entries.map(entry => entry.name))
      return entries.map(entry => ({
        label: `initial ${TYPE_WORD[budget.type]} of ${entry.name}`,
        current: { files: filterFiles(index, entry.initialLoad.files, budget.type) },
        locate: (other) => {
          const counterpart = other.report.entries.find(candidate => candidate.name === entry.name)
          return counterpart ? { files: filterFiles(other, counterpart.initialLoad.files, budget.type) } : null
        },
      }))
    }
    case 'total': {
      const select = (other: ReportIndex): Selection => ({ files: other.report.outputs.filter(output => isFileOfType(output, budget.type)).map(output => output.file) })
      return [{ label: budget.type === 'all' ? 'total output' : `total ${TYPE_WORD[budget.type]}`, current: select(index), locate: select }]
    }
    case 'chunk': {
      const matches = budget.match ? createGlobMatcher(budget.match) : () => true
      const isChunkSelected = (chunk: Chunk): boolean => (budget.type === 'all' || chunk.kind === budget.type) && matches([chunk.name, chunk.file])
      const chunks = report.chunks.filter(isChunkSelected)
      if (budget.match && chunks.length === 0)
        warnNoMatch('chunk glob', budget.match, report.chunks.map(chunk => chunk.name))
      if (!budget.each) {
        if (chunks.length === 0)
          return []
        return [{
          label: `chunks matching '${budget.match ?? '*'}'`,
          current: { files: chunks.map(chunk => chunk.file) },
          locate: other => ({ files: other.report.chunks.filter(isChunkSelected).map(chunk => chunk.file) }),
        }]
      }
      return chunks.map(chunk => ({
        label: `chunk ${chunk.name} (${chunk.file})`,
        current: { files: [chunk.file] },
        locate: (other) => {
          const counterpart = findChunkCounterpart(other, chunk)
          return counterpart ? { files: [counterpart.file] } : null
        },
      }))
    }
    case 'output':
    case 'asset': {
      const matches = budget.match ? createGlobMatcher(budget.match) : () => true
      const isAsset = (kindOfOutput: string): boolean => kind === 'output' || !['js', 'css', 'html', 'map'].includes(kindOfOutput)
      const outputs = report.outputs.filter(output => isAsset(output.kind) && matches([output.file]))
      if (budget.match && outputs.length === 0)
        warnNoMatch(`${kind} glob`, budget.match, report.outputs.filter(output => isAsset(output.kind)).map(output => output.file))
      if (!budget.each) {
        if (outputs.length === 0)
          return []
        return [{
          label: `${kind}s matching '${budget.match ?? '*'}'`,
          current: { files: outputs.map(output => output.file) },
          locate: other => ({ files: other.report.outputs.filter(output => isAsset(output.kind) && matches([output.file])).map(output => output.file) }),
        }]
      }
      return outputs.map(output => ({
        label: `${kind} ${output.file}`,
        current: { files: [output.file] },
        locate: (other) => {
          const counterpart = findOutputCounterpart(index, other, output.file)
          return counterpart ? { files: [counterpart] } : null
        },
      }))
    }
    case 'package': {
      const glob = budget.match ?? '*'
      const matches = createGlobMatcher(glob)
      const isName = (name: string): boolean => matches([name])
      const names = listBundledPackageNames(index).filter(isName)
      if (names.length === 0) {
        warnNoMatch('package', glob, listBundledPackageNames(index))
        return []
      }
      if (!budget.each) {
        return [{ label: `packages matching '${glob}'`, current: { packageNames: isName }, locate: () => ({ packageNames: isName }) }]
      }
      return names.map(name => ({
        label: `package ${name}`,
        current: { packageNames: (candidate: string) => candidate === name },
        locate: () => ({ packageNames: (candidate: string) => candidate === name }),
      }))
    }
    default:
      return []
  }
}

/**
 * The entries a budget without `entry` checks: every HTML page, and every entry chunk that no page
 * loads (a page's initial load already holds its entry chunk; checking both would say it twice).
 */
function listDefaultEntries(report: Report): Report['entries'] {
  const pageChunks = new Set(report.entries.filter(entry => entry.kind === 'html').flatMap(entry => entry.chunks))
  return report.entries.filter(entry => entry.kind === 'html' || !entry.chunks.every(chunk => pageChunks.has(chunk)))
}

function filterFiles(index: ReportIndex, files: string[], type: 'js' | 'css' | 'all'): string[] {
  return files.filter((file) => {
    const output = index.outputByFile.get(file)
    return output ? isFileOfType(output, type) : false
  })
}

/** The same chunk in another build: by file, else by name and kind (hashed file names change). */
export function findChunkCounterpart(other: ReportIndex, chunk: Chunk): Chunk | null {
  const sameFile = other.chunkByFile.get(chunk.file)
  if (sameFile && sameFile.name === chunk.name)
    return sameFile
  const sameName = other.report.chunks.filter(candidate => candidate.name === chunk.name && candidate.kind === chunk.kind)
  if (sameName.length <= 1)
    return sameName[0] ?? null
  return sameName.find(candidate => candidate.entryModule === chunk.entryModule) ?? null
}

function findOutputCounterpart(current: ReportIndex, other: ReportIndex, file: string): string | null {
  if (other.outputByFile.has(file))
    return file
  const chunk = current.chunkByFile.get(file)
  if (chunk)
    return findChunkCounterpart(other, chunk)?.file ?? null
  const unhashed = stripContentHash(file)
  const candidates = other.report.outputs.filter(output => stripContentHash(output.file) === unhashed)
  return candidates.length === 1 ? candidates[0]!.file : null
}

function measureSelection(index: ReportIndex, selection: Selection, metric: Metric): Measured {
  if ('files' in selection)
    return { bytes: sumFileSizes(index, selection.files, metric), contributors: collectContributors(index, selection.files, metric) }
  return collectPackageModules(index, selection.packageNames, metric)
}

function attachDeltas(now: Map<string, BudgetContributor>, before: Map<string, BudgetContributor>): void {
  for (const [key, contributor] of now)
    contributor.deltaBytes = contributor.bytes - (before.get(key)?.bytes ?? 0)
  // Contributors that disappeared are not listed: a budget message names what is there now.
}

function rankContributors(contributors: Map<string, BudgetContributor>, limit: number, by: 'bytes' | 'delta'): BudgetContributor[] {
  const list = [...contributors.values()]
  if (by === 'delta')
    list.sort((a, b) => (b.deltaBytes ?? 0) - (a.deltaBytes ?? 0) || b.bytes - a.bytes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  else list.sort((a, b) => b.bytes - a.bytes || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return list.slice(0, limit).filter(contributor => by === 'bytes' || (contributor.deltaBytes ?? 0) > 0)
}

function checkGrowthScope(budget: ResolvedBudget, label: string, now: Measured, before: Measured | null, contributorLimit: number): BudgetResult | null {
  const nowBytes = now.bytes!
  const beforeBytes = before?.bytes ?? 0
  const deltaBytes = nowBytes - beforeBytes
  const limit = (budget.error ?? budget.warn)!
  const isPercent = limit.unit === 'percent'
  const contributors = rankContributors(now.contributors, contributorLimit, 'delta')
  const base = {
    path: budget.path,
    label,
    kind: budget.kind,
    metric: budget.metric as Metric,
    unit: limit.unit,
    warnLimit: budget.warn?.value ?? null,
    errorLimit: budget.error?.value ?? null,
    contributors,
  }
  if (isPercent && (before === null || beforeBytes === 0)) {
    return {
      ...base,
      actual: 0,
      level: 'pass',
      message: `${budget.path} ${label}: new since the baseline (${formatBytes(nowBytes)}), so there is no percentage to compare.`,
    }
  }
  const actual = isPercent ? (deltaBytes / beforeBytes) * 100 : deltaBytes
  const level = judge(actual, budget)
  const growthText = `${formatDeltaBytes(deltaBytes)} (${formatBytes(beforeBytes)} → ${formatBytes(nowBytes)}${beforeBytes > 0 ? `, ${formatPercent((deltaBytes / beforeBytes) * 100)}` : ''})`
  const shownActual = isPercent ? formatPercent(actual) : formatDeltaBytes(actual)
  const lines = [`${budget.path} ${label}: ${level === 'pass' ? `grew ${growthText}, within ${describeLimits(budget)}` : `grew ${shownActual} > ${level} limit ${(level === 'error' ? budget.error : budget.warn)!.text}; ${growthText}`}.`]
  if (level !== 'pass') {
    if (contributors.length)
      lines.push(`Grew the most: ${contributors.map(formatContributor).join(', ')}.`)
    lines.push(`Fix: look at what grew above (\`weighbridge diff\` lists every change); trim or lazy-load it, or save a new baseline if the growth is intended.`)
  }
  return { ...base, actual, level, message: lines.join('\n') }
}

function describeLimits(budget: ResolvedBudget): string {
  const parts: string[] = []
  if (budget.warn)
    parts.push(`warn ${budget.warn.text}`)
  if (budget.error)
    parts.push(`error ${budget.error.text}`)
  return parts.join(' / ')
}

function formatContributor(contributor: BudgetContributor): string {
  const name = contributor.kind === 'chunk' ? `${contributor.id} (runtime/glue)` : contributor.id
  const delta = contributor.deltaBytes === null || contributor.deltaBytes === 0 ? '' : contributor.deltaBytes === contributor.bytes ? ' (new since baseline)' : ` (${formatDeltaBytes(contributor.deltaBytes)} since baseline)`
  return `${name} ${formatBytes(contributor.bytes)}${delta}`
}

function writeSizeMessage(budget: ResolvedBudget, label: string, actual: number, level: BudgetLevel, contributors: BudgetContributor[], report: Report): string {
  if (level === 'pass') {
    const limit: Limit = (budget.warn ?? budget.error)!
    return `${budget.path} ${label}: ${formatBytes(actual)}, within ${describeLimits(budget)} (${formatBytes(limit.value - actual)} left).`
  }
  const limit = (level === 'error' ? budget.error : budget.warn)!
  const next = level === 'warn' && budget.error ? `; fails at ${budget.error.text}` : ''
  const lines = [`${budget.path} ${label}: ${formatBytes(actual)} > ${level} limit ${limit.text} (${formatBytes(actual - limit.value)} over${next}).`]
  if (contributors.length)
    lines.push(`Largest: ${contributors.map(formatContributor).join(', ')}.`)
  lines.push(`Fix: ${writeFixHint(budget, contributors, report)}`)
  return lines.join('\n')
}

function writeFixHint(budget: ResolvedBudget, contributors: BudgetContributor[], report: Report): string {
  const largestPackage = contributors.find(contributor => contributor.kind === 'package')
  const finding = findRelatedFinding(report, budget, contributors)
  const findingText = finding ? ` The report suggests: ${finding.title}.` : ''
  const raise = ' If the growth is intended, raise the limit in your weighbridge config.'
  switch (budget.kind) {
    case 'initial':
      return `load heavy code later with import() (e.g. \`const Chart = lazy(() => import('./Chart'))\`)${largestPackage ? `, or import less of ${largestPackage.id} (per-function imports, a lighter alternative)` : ''}.${findingText}${raise}`
    case 'total':
      return `remove unused dependencies, fix the duplicate and tree-shaking findings in the report${largestPackage ? `, or replace ${largestPackage.id} with a lighter package` : ''}.${findingText}${raise}`
    case 'chunk':
      return `split the chunk (manualChunks / splitChunks) or move rarely used parts behind import().${findingText}${raise}`
    case 'output':
      return `shrink or split the file (minify, split the chunk, compress the asset).${findingText}${raise}`
    case 'asset':
      return `compress or resize the image (WebP/AVIF), subset the font (only the glyphs and weights used), or load it later.${raise}`
    case 'package':
      return `import only what you use (e.g. \`import debounce from 'lodash-es/debounce'\`), use its ES module build so it tree-shakes, or pick a lighter package.${findingText}${raise}`
    default:
      return raise.trim()
  }
}

function findRelatedFinding(report: Report, budget: ResolvedBudget, contributors: BudgetContributor[]): Report['findings'][number] | null {
  const ids = new Set(contributors.map(contributor => contributor.id))
  const wantedLoad = budget.kind === 'initial' ? 'initial' : null
  const relevant = report.findings.filter((finding) => {
    if ((finding.savings.gzipBytes ?? finding.savings.rawBytes) <= 0)
      return false
    if (wantedLoad && finding.load !== wantedLoad)
      return false
    if (budget.kind === 'initial' || budget.kind === 'total')
      return true
    return finding.modules.some(id => ids.has(id)) || finding.packages.some(id => ids.has(id))
  })
  return relevant.sort((a, b) => (b.savings.gzipBytes ?? b.savings.rawBytes) - (a.savings.gzipBytes ?? a.savings.rawBytes))[0] ?? null
}

function checkCountBudget(index: ReportIndex, budget: ResolvedBudget): BudgetResult {
  const report = index.report
  const bundled = new Set<string>()
  for (const chunk of report.chunks) {
    for (const chunkModule of chunk.modules)
      bundled.add(chunkModule.id)
  }
  const counts = {
    modules: bundled.size,
    chunks: report.chunks.length,
    packages: listBundledPackageNames(index).length,
    outputs: report.outputs.filter(output => output.kind !== 'map').length,
  }
  const of = budget.of as keyof typeof counts
  const actual = counts[of]
  const level = judge(actual, budget)
  const label = `${budget.name ? `${budget.name}: ` : ''}number of ${of}`
  const limit = level === 'error' ? budget.error : level === 'warn' ? budget.warn : (budget.warn ?? budget.error)
  const fixes: Record<string, string> = {
    modules: 'drop dependencies that pull in many small modules, or prefer packages with fewer files',
    chunks: 'merge small chunks (Rollup/Vite output.experimentalMinChunkSize, webpack splitChunks.minSize) or lazy-load fewer pieces',
    packages: 'remove dependencies you no longer need or that duplicate each other',
    outputs: 'inline small assets or merge chunks',
  }
  const message = level === 'pass'
    ? `${budget.path} ${label}: ${actual}, within ${describeLimits(budget)}.`
    : `${budget.path} ${label}: ${actual} > ${level} limit ${limit!.text}.\nFix: ${fixes[of]}. If the growth is intended, raise the limit in your weighbridge config.`
  return {
    path: budget.path,
    label,
    kind: 'count',
    metric: 'count',
    actual,
    unit: 'count',
    warnLimit: budget.warn?.value ?? null,
    errorLimit: budget.error?.value ?? null,
    level,
    message,
    contributors: [],
  }
}
