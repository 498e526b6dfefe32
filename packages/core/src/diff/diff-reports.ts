/**
 * Compares two reports: which modules, packages, chunks and initial loads were added, removed, grew
 * or shrank, with raw and gzip deltas. Chunks are matched by name (file names carry content hashes),
 * packages by name (all copies together), entries by name, modules by id.
 */
import type { Chunk, Report, ReportDiff, SizeDelta, Sizes } from '../model'
import type { ReportIndex } from '../budgets/report-index'
import { addSizes, indexReport, readPackageName, sumOutputSizes, ZERO_SIZES } from '../budgets/report-index'

export interface DiffReportsOptions {
  /** A label for the baseline (file name or git ref). @default 'baseline' */
  baselineLabel?: string
}

export function diffReports(before: Report, after: Report, options: DiffReportsOptions = {}): ReportDiff {
  const beforeIndex = indexReport(before)
  const afterIndex = indexReport(after)
  return {
    baseline: options.baselineLabel ?? 'baseline',
    modules: compareSizeMaps(sumModuleSizes(before), sumModuleSizes(after)),
    packages: compareSizeMaps(sumPackageSizes(beforeIndex), sumPackageSizes(afterIndex)),
    chunks: compareSizeMaps(sumChunkSizes(beforeIndex), sumChunkSizes(afterIndex)),
    entries: compareSizeMaps(sumEntrySizes(beforeIndex), sumEntrySizes(afterIndex)),
    totals: { before: sumTotalSizes(beforeIndex), after: sumTotalSizes(afterIndex) },
  }
}

/** Bundled size of each module, summed over the chunks it is in. */
function sumModuleSizes(report: Report): Map<string, Sizes> {
  const sizes = new Map<string, Sizes>()
  for (const chunk of report.chunks) {
    for (const chunkModule of chunk.modules)
      sizes.set(chunkModule.id, addSizes(sizes.get(chunkModule.id) ?? ZERO_SIZES, chunkModule))
  }
  return sizes
}

/** Bundled size of each package name (all copies, all chunks). */
function sumPackageSizes(index: ReportIndex): Map<string, Sizes> {
  const sizes = new Map<string, Sizes>()
  for (const chunk of index.report.chunks) {
    for (const chunkModule of chunk.modules) {
      const name = readPackageName(index, chunkModule.id)
      if (name)
        sizes.set(name, addSizes(sizes.get(name) ?? ZERO_SIZES, chunkModule))
    }
  }
  return sizes
}

/**
 * Chunk sizes keyed by a name that survives rebuilds: the chunk name, `name (css)` for CSS chunks,
 * and `name #2`... when several chunks share a name (ordered by entry module, then first module).
 */
function sumChunkSizes(index: ReportIndex): Map<string, Sizes> {
  const groups = new Map<string, Chunk[]>()
  for (const chunk of index.report.chunks) {
    const key = chunk.kind === 'css' ? `${chunk.name} (css)` : chunk.name
    const group = groups.get(key)
    if (group)
      group.push(chunk)
    else groups.set(key, [chunk])
  }
  const sizes = new Map<string, Sizes>()
  for (const [key, chunks] of groups) {
    const ordered = chunks.length === 1
      ? chunks
      : [...chunks].sort((a, b) => compareText(a.entryModule ?? '', b.entryModule ?? '') || compareText(a.modules[0]?.id ?? '', b.modules[0]?.id ?? '') || compareText(a.file, b.file))
    ordered.forEach((chunk, position) => {
      const output = index.outputByFile.get(chunk.file)
      sizes.set(position === 0 ? key : `${key} #${position + 1}`, output ? { rawBytes: output.rawBytes, gzipBytes: output.gzipBytes, brotliBytes: output.brotliBytes } : ZERO_SIZES)
    })
  }
  return sizes
}

function sumEntrySizes(index: ReportIndex): Map<string, Sizes> {
  return new Map(index.report.entries.map(entry => [entry.name, sumOutputSizes(index, entry.initialLoad.files)]))
}

/** Everything emitted except source maps. */
export function sumTotalSizes(index: ReportIndex): Sizes {
  return sumOutputSizes(index, index.report.outputs.filter(output => output.kind !== 'map').map(output => output.file))
}

function compareSizeMaps(before: Map<string, Sizes>, after: Map<string, Sizes>): SizeDelta[] {
  const deltas: SizeDelta[] = []
  const ids = new Set([...before.keys(), ...after.keys()])
  for (const id of ids) {
    const was = before.get(id) ?? null
    const now = after.get(id) ?? null
    const deltaRawBytes = (now?.rawBytes ?? 0) - (was?.rawBytes ?? 0)
    const beforeGzip = was ? was.gzipBytes : 0
    const afterGzip = now ? now.gzipBytes : 0
    const deltaGzipBytes = beforeGzip === null || afterGzip === null ? null : afterGzip - beforeGzip
    let kind: SizeDelta['kind']
    if (!was)
      kind = 'added'
    else if (!now)
      kind = 'removed'
    else {
      const deciding = deltaGzipBytes !== null && deltaGzipBytes !== 0 ? deltaGzipBytes : deltaRawBytes
      if (deciding === 0)
        continue
      kind = deciding > 0 ? 'grown' : 'shrunk'
    }
    deltas.push({ id, kind, before: was, after: now, deltaRawBytes, deltaGzipBytes })
  }
  return deltas.sort((a, b) => Math.abs(rankingDelta(b)) - Math.abs(rankingDelta(a)) || compareText(a.id, b.id))
}

function rankingDelta(delta: SizeDelta): number {
  return delta.deltaGzipBytes ?? delta.deltaRawBytes
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
