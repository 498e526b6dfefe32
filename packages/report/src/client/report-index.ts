/**
 * Lookups the views share, built once from the decoded report.
 */
import type { Chunk, ChunkModule, Module, Output, Package, Report, SizeMetric, Sizes } from '@weighbridge/core'

export interface ModulePart {
  chunk: Chunk
  part: ChunkModule
}

export interface ReportIndex {
  report: Report
  moduleById: Map<string, Module>
  chunkByFile: Map<string, Chunk>
  outputByFile: Map<string, Output>
  packageById: Map<string, Package>
  /** Where each module's code ended up (one module can be in several chunks). */
  partsByModule: Map<string, ModulePart[]>
  /** Package ids per package name, for duplicates (same name at several folders). */
  packageIdsByName: Map<string, string[]>
  /** Modules the why-included search starts from: entry modules and entry chunks' facades. */
  entryModuleIds: string[]
  availableMetrics: Set<SizeMetric>
  defaultMetric: SizeMetric
}

export function indexReport(report: Report): ReportIndex {
  const moduleById = new Map(report.modules.map(module => [module.id, module]))
  const chunkByFile = new Map(report.chunks.map(chunk => [chunk.file, chunk]))
  const outputByFile = new Map(report.outputs.map(output => [output.file, output]))
  const packageById = new Map(report.packages.map(pkg => [pkg.id, pkg]))
  const partsByModule = new Map<string, ModulePart[]>()
  let hasRendered = false
  for (const chunk of report.chunks) {
    for (const part of chunk.modules) {
      if (part.renderedBytes !== null) hasRendered = true
      let parts = partsByModule.get(part.id)
      if (!parts) partsByModule.set(part.id, parts = [])
      parts.push({ chunk, part })
    }
  }
  const packageIdsByName = new Map<string, string[]>()
  for (const pkg of report.packages) {
    const ids = packageIdsByName.get(pkg.name) ?? []
    ids.push(pkg.id)
    packageIdsByName.set(pkg.name, ids)
  }
  const entryModuleIds = new Set<string>()
  for (const module of report.modules) if (module.isEntry) entryModuleIds.add(module.id)
  for (const chunk of report.chunks) if (chunk.isEntry && chunk.entryModule) entryModuleIds.add(chunk.entryModule)

  const availableMetrics = new Set<SizeMetric>(['raw'])
  if (hasRendered) availableMetrics.add('rendered')
  if (report.outputs.some(output => output.gzipBytes !== null)) availableMetrics.add('gzip')
  if (report.outputs.some(output => output.brotliBytes !== null)) availableMetrics.add('brotli')
  return {
    report,
    moduleById,
    chunkByFile,
    outputByFile,
    packageById,
    partsByModule,
    packageIdsByName,
    entryModuleIds: [...entryModuleIds].sort(),
    availableMetrics,
    defaultMetric: availableMetrics.has('gzip') ? 'gzip' : 'raw',
  }
}

/** The figure of one size record for a metric; `rendered` exists only on chunk modules. */
export function sizeOf(sizes: Sizes & { renderedBytes?: number | null }, metric: SizeMetric): number {
  switch (metric) {
    case 'raw': return sizes.rawBytes
    case 'gzip': return sizes.gzipBytes ?? 0
    case 'brotli': return sizes.brotliBytes ?? 0
    case 'rendered': return sizes.renderedBytes ?? 0
  }
}

/** A whole file by a metric; `rendered` sums its modules (the bundler's figure before minifying). */
export function fileSize(index: ReportIndex, file: string, metric: SizeMetric): number {
  if (metric === 'rendered') {
    const chunk = index.chunkByFile.get(file)
    if (!chunk) return index.outputByFile.get(file)?.rawBytes ?? 0
    return chunk.modules.reduce((sum, part) => sum + (part.renderedBytes ?? 0), 0)
  }
  const output = index.outputByFile.get(file)
  if (output) return sizeOf(output, metric)
  const chunk = index.chunkByFile.get(file)
  if (!chunk) return 0
  return chunk.modules.reduce((sum, part) => sum + sizeOf(part, metric), sizeOf(chunk.glue, metric))
}

export function moduleSize(index: ReportIndex, moduleId: string, metric: SizeMetric, onlyChunk?: string | null): number {
  let total = 0
  for (const { chunk, part } of index.partsByModule.get(moduleId) ?? []) {
    if (!onlyChunk || chunk.file === onlyChunk) total += sizeOf(part, metric)
  }
  return total
}

export function packageLabel(index: ReportIndex, packageId: string | null): string {
  if (packageId === null) return '(your code)'
  const pkg = index.packageById.get(packageId)
  if (!pkg) return packageId
  return pkg.version ? `${pkg.name}@${pkg.version}` : pkg.name
}

/** A module as people read it: `lodash-es/debounce.js` for package files, the id for the app's own. */
export function moduleLabel(index: ReportIndex, moduleId: string): string {
  const packageId = index.moduleById.get(moduleId)?.package
  const pkg = packageId ? index.packageById.get(packageId) : undefined
  if (!pkg || !moduleId.startsWith(`${pkg.id}/`)) return moduleId
  return `${pkg.name}/${moduleId.slice(pkg.id.length + 1)}`
}

export const METRIC_LABELS: Record<SizeMetric, string> = {
  raw: 'Raw',
  rendered: 'Rendered',
  gzip: 'Gzip',
  brotli: 'Brotli',
}
