/**
 * The report's canonical order: every array sorted by its id (code unit order, no locale), findings
 * by gzip savings then id. With sorted keys (`serializeReport`) the same build gives the same bytes.
 */
import type { Finding, Module, Report, SizeDelta } from './model'

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function sortStrings(values: string[]): string[] {
  return [...new Set(values)].sort(compareStrings)
}

function sortBy<T>(values: T[], key: (value: T) => string): T[] {
  return [...values].sort((a, b) => compareStrings(key(a), key(b)))
}

function compareFindings(a: Finding, b: Finding): number {
  const savingsA = a.savings.gzipBytes ?? a.savings.rawBytes
  const savingsB = b.savings.gzipBytes ?? b.savings.rawBytes
  return savingsB - savingsA || b.savings.rawBytes - a.savings.rawBytes || compareStrings(a.id, b.id)
}

function sortDeltas(deltas: SizeDelta[]): SizeDelta[] {
  return sortBy(deltas, delta => delta.id)
}

/** Fields of `Module` in the model. */
const MODULE_FIELD_COUNT = 10

/** Module arrays `sortModules` made: already canonical, `sortReport` keeps them as they are. */
const canonicalModules = new WeakSet<readonly Module[]>()

/**
 * The modules in canonical order (a copy), marked so that `sortReport` keeps this very array: it
 * can be serialized ahead (`prepareModulesJson`). Do not change the array or its modules after.
 */
export function sortModules(modules: readonly Module[]): Module[] {
  const sorted = sortBy([...modules], module => module.id).map((module) => {
    const imports = [...module.imports].sort((a, b) => compareStrings(a.id, b.id) || compareStrings(a.kind, b.kind))
    // A module of the model's ten fields is made with its keys in sorted order (report.json writes
    // them so, and `serializeReport` then has nothing to copy); one with more (a report from a
    // newer version) keeps them all.
    if (Object.keys(module).length !== MODULE_FIELD_COUNT) {
      return { ...module, exports: module.exports === null ? null : sortStrings(module.exports), imports, importers: sortStrings(module.importers), dynamicImporters: sortStrings(module.dynamicImporters) }
    }
    return {
      dynamicImporters: sortStrings(module.dynamicImporters),
      exports: module.exports === null ? null : sortStrings(module.exports),
      format: module.format,
      id: module.id,
      importers: sortStrings(module.importers),
      imports,
      isEntry: module.isEntry,
      originalBytes: module.originalBytes,
      package: module.package,
      sideEffects: module.sideEffects,
    }
  })
  canonicalModules.add(sorted)
  return sorted
}

/** Whether `modules` came from `sortModules`. */
export function isCanonicalModules(modules: readonly Module[]): boolean {
  return canonicalModules.has(modules)
}

/** A copy of `report` with every array in canonical order. */
export function sortReport(report: Report): Report {
  return {
    ...report,
    outputs: sortBy(report.outputs, output => output.file),
    chunks: sortBy(report.chunks, chunk => chunk.file).map(chunk => ({
      ...chunk,
      imports: sortStrings(chunk.imports),
      dynamicImports: sortStrings(chunk.dynamicImports),
      css: sortStrings(chunk.css),
      assets: sortStrings(chunk.assets),
      modules: sortBy(chunk.modules, module => module.id).map(module => ({
        ...module,
        renderedExports: module.renderedExports === null ? null : sortStrings(module.renderedExports),
      })),
    })),
    modules: canonicalModules.has(report.modules) ? report.modules : sortModules(report.modules),
    packages: sortBy(report.packages, pkg => pkg.id),
    entries: sortBy(report.entries, entry => entry.name).map(entry => ({
      ...entry,
      chunks: sortStrings(entry.chunks),
      initialLoad: { ...entry.initialLoad, files: sortStrings(entry.initialLoad.files) },
      lazyLoad: { ...entry.lazyLoad, files: sortStrings(entry.lazyLoad.files) },
    })),
    findings: [...report.findings].sort(compareFindings).map(finding => ({
      ...finding,
      modules: sortStrings(finding.modules),
      packages: sortStrings(finding.packages),
    })),
    // Budgets keep their configuration order (`budgets[0]`, `budgets[1]`, ...).
    budgets: report.budgets,
    diff: report.diff === null
      ? null
      : {
          ...report.diff,
          modules: sortDeltas(report.diff.modules),
          packages: sortDeltas(report.diff.packages),
          chunks: sortDeltas(report.diff.chunks),
          entries: sortDeltas(report.diff.entries),
        },
  }
}
