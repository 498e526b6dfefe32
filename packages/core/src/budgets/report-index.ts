/**
 * Lookups over a `Report` that the budget checks and diffs share: outputs, chunks and modules by id,
 * sizes of file sets per metric, and the modules/packages that make up a set of files.
 */
import picomatch from 'picomatch'
import type { BudgetContributor, Chunk, Module, Output, Package, Report, Sizes } from '../model'

export type Metric = 'raw' | 'gzip' | 'brotli'

export interface ReportIndex {
  report: Report
  outputByFile: Map<string, Output>
  chunkByFile: Map<string, Chunk>
  moduleById: Map<string, Module>
  packageById: Map<string, Package>
}

export function indexReport(report: Report): ReportIndex {
  return {
    report,
    outputByFile: new Map(report.outputs.map(output => [output.file, output])),
    chunkByFile: new Map(report.chunks.map(chunk => [chunk.file, chunk])),
    moduleById: new Map(report.modules.map(module => [module.id, module])),
    packageById: new Map(report.packages.map(pkg => [pkg.id, pkg])),
  }
}

export function readMetric(sizes: Sizes, metric: Metric): number | null {
  return metric === 'raw' ? sizes.rawBytes : metric === 'gzip' ? sizes.gzipBytes : sizes.brotliBytes
}

/** Sum of the files' sizes in `metric`; null when a file was not measured in that metric. */
export function sumFileSizes(index: ReportIndex, files: Iterable<string>, metric: Metric): number | null {
  let total = 0
  for (const file of files) {
    const output = index.outputByFile.get(file)
    if (!output)
      continue
    const value = readMetric(output, metric)
    if (value === null)
      return null
    total += value
  }
  return total
}

/** Adds sizes; a null on either side makes the compressed figure null. */
export function addSizes(a: Sizes, b: Sizes): Sizes {
  return {
    rawBytes: a.rawBytes + b.rawBytes,
    gzipBytes: a.gzipBytes === null || b.gzipBytes === null ? null : a.gzipBytes + b.gzipBytes,
    brotliBytes: a.brotliBytes === null || b.brotliBytes === null ? null : a.brotliBytes + b.brotliBytes,
  }
}

export const ZERO_SIZES: Sizes = { rawBytes: 0, gzipBytes: 0, brotliBytes: 0 }

export function sumOutputSizes(index: ReportIndex, files: Iterable<string>): Sizes {
  let total = ZERO_SIZES
  for (const file of files) {
    const output = index.outputByFile.get(file)
    if (output)
      total = addSizes(total, output)
  }
  return total
}

export function isFileOfType(output: Output, type: 'js' | 'css' | 'all'): boolean {
  if (type === 'all')
    return output.kind !== 'map'
  return output.kind === type
}

export function readPackageName(index: ReportIndex, moduleId: string): string | null {
  const packageId = index.moduleById.get(moduleId)?.package
  if (!packageId)
    return null
  return index.packageById.get(packageId)?.name ?? packageId
}

/**
 * What the files are made of: npm modules grouped by package name, app modules one by one, chunk
 * glue (runtime, wrappers) per chunk, and whole files that carry no modules (images, fonts, HTML).
 * Keys identify a contributor across builds (package name, module id, chunk name, unhashed file).
 */
export function collectContributors(index: ReportIndex, files: Iterable<string>, metric: Metric): Map<string, BudgetContributor> {
  const contributors = new Map<string, BudgetContributor>()
  const add = (kind: BudgetContributor['kind'], id: string, bytes: number | null, key = `${kind}:${id}`): void => {
    if (bytes === null || bytes === 0)
      return
    const existing = contributors.get(key)
    if (existing)
      existing.bytes += bytes
    else contributors.set(key, { kind, id, bytes, deltaBytes: null })
  }
  for (const file of files) {
    const chunk = index.chunkByFile.get(file)
    if (!chunk) {
      const output = index.outputByFile.get(file)
      if (output)
        add('output', file, readMetric(output, metric), `output:${stripContentHash(file)}`)
      continue
    }
    for (const chunkModule of chunk.modules) {
      const packageName = readPackageName(index, chunkModule.id)
      if (packageName)
        add('package', packageName, readMetric(chunkModule, metric))
      else add('module', chunkModule.id, readMetric(chunkModule, metric))
    }
    // Keyed by chunk name, not the hashed file, so the baseline's glue is found again.
    add('chunk', file, readMetric(chunk.glue, metric), `glue:${chunk.kind}:${chunk.name}`)
  }
  return contributors
}

/** The modules of packages whose name matches, with their bundled size summed over all chunks. */
export function collectPackageModules(index: ReportIndex, isPackageName: (name: string) => boolean, metric: Metric): { bytes: number | null, contributors: Map<string, BudgetContributor> } {
  const contributors = new Map<string, BudgetContributor>()
  let bytes: number | null = 0
  for (const chunk of index.report.chunks) {
    for (const chunkModule of chunk.modules) {
      const packageName = readPackageName(index, chunkModule.id)
      if (!packageName || !isPackageName(packageName))
        continue
      const value = readMetric(chunkModule, metric)
      if (value === null) {
        bytes = null
        continue
      }
      if (bytes !== null)
        bytes += value
      const key = `module:${chunkModule.id}`
      const existing = contributors.get(key)
      if (existing)
        existing.bytes += value
      else if (value > 0)
        contributors.set(key, { kind: 'module', id: chunkModule.id, bytes: value, deltaBytes: null })
    }
  }
  return { bytes, contributors }
}

/** Every package name bundled into some chunk, sorted. */
export function listBundledPackageNames(index: ReportIndex): string[] {
  const names = new Set<string>()
  for (const chunk of index.report.chunks) {
    for (const chunkModule of chunk.modules) {
      const name = readPackageName(index, chunkModule.id)
      if (name)
        names.add(name)
    }
  }
  return [...names].sort()
}

/**
 * A glob matcher that is forgiving about where paths start: the pattern is tried against each
 * candidate (names, root-relative files), against a file's base name when the pattern has no `/`,
 * and against each trailing part of a path (`assets/*.js` matches `dist/assets/a.js`).
 */
export function createGlobMatcher(pattern: string): (candidates: (string | null | undefined)[]) => boolean {
  const isMatch = picomatch(pattern, { dot: true })
  const hasSlash = pattern.includes('/')
  return (candidates) => {
    for (const candidate of candidates) {
      if (!candidate)
        continue
      if (isMatch(candidate))
        return true
      const parts = candidate.split('/')
      if (!hasSlash) {
        if (isMatch(parts[parts.length - 1]!))
          return true
        continue
      }
      for (let start = 1; start < parts.length; start++) {
        if (isMatch(parts.slice(start).join('/')))
          return true
      }
    }
    return false
  }
}

/**
 * A file name without its content hash, to recognise an asset across builds
 * (`dist/assets/logo-BxY2ab3Q.png` → `dist/assets/logo.png`). Only for matching, never displayed.
 */
export function stripContentHash(file: string): string {
  return file.replace(/[-.][\w-]{8,}(?=\.[^./]+$)/, (hash) => {
    const body = hash.slice(1)
    return /\d/.test(body) || /[A-Z]/.test(body) ? '' : hash
  })
}
