/**
 * `buildReport()`: the bundler's view of a finished build (`CollectedBuild`) → the `Report` model.
 * Normalises ids and paths, finds packages, reads source sizes, makes import edges consistent,
 * attributes every chunk's bytes to its modules, measures every emitted file once per algorithm
 * (through the `Measurer`) and computes the entries' initial and lazy loads.
 */
import type { CollectedBuild, CollectedChunk, CollectedFile, CollectedModule } from './collected'
import type { MeasureRequest, MeasureResult, Measurer } from './measure/types'
import type { Chunk, ChunkModule, ImportKind, Module, Output, Package, Report, Sizes } from './model'
import type { PageInput } from './compute-loads'
import { Buffer } from 'node:buffer'
import { statSync } from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { attributeChunkBytes, measureRenderedBytes } from './attribute-bytes'
import { computeEntries } from './compute-loads'
import { hashBytes } from './measure/cache'
import { SCHEMA_VERSION } from './model'
import { normalizeModuleId, normalizeOutputPath, parseModuleId } from './normalize-id'
import { classifyOutputKind, isStyleModuleId } from './output-kind'
import { createPackageLookup } from './package-lookup'
import { sortModules, sortReport } from './sort-report'

export interface BuildReportOptions {
  measurer: Measurer
  /** Version of the Weighbridge package writing the report. */
  generatorVersion: string
  /** The settings the measurer compresses with; null = that algorithm is off. */
  compression: { gzipLevel: number | null, brotliQuality: number | null }
  /** ISO time to record as `generatedAt`; leave undefined for byte-identical reports. */
  generatedAt?: string
  /** Called after each step (`modules`, `attribute`, `measure`, `assemble`) with its wall time, for timing logs. */
  onPhase?: (phase: string, durationMs: number) => void
  /**
   * Work that needs the modules but not their sizes (reading and scanning sources for findings),
   * run while the files are compressed off the main thread instead of after; awaited with them.
   */
  whileMeasuring?: (modules: readonly Module[]) => Promise<void> | void
}

interface ModuleFacts {
  package: Package | null
  originalBytes: number | null
}

const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true })

function readFileBytes(file: CollectedFile): { bytes: Uint8Array, text: string | null } {
  if (typeof file.contents === 'string')
    return { bytes: Buffer.from(file.contents, 'utf8'), text: file.contents }
  return { bytes: file.contents, text: null }
}

/**
 * Whether `buildReport()` compresses a file: every output but source maps, which no browser is sent
 * (raw size only; on a source-mapped build they are most of the bytes, and brotli 11 of them took
 * 3/4 of the CLI's time).
 */
export function isCompressedOutput(file: Pick<CollectedFile, 'fileName' | 'chunk'>): boolean {
  return file.chunk !== undefined || classifyOutputKind(file.fileName) !== 'map'
}

/**
 * Starts compressing an emitted file as soon as the bundler hands it over (see `Measurer.prefetch`),
 * so that compression overlaps the rest of the build; `buildReport()` later takes over the work.
 */
export function prefetchCollectedFile(measurer: Measurer, file: CollectedFile): void {
  if (!isCompressedOutput(file))
    return
  const { bytes } = readFileBytes(file)
  // Kept on the file: the measurer and the plugin's reuse key need the same hash later.
  file.contentHash ??= hashBytes(bytes)
  measurer.prefetch(bytes, file.contentHash)
}

/** Synchronous on purpose: 20,000 `fs.promises.stat` calls cost 0.5 s of thread-pool round trips, `statSync` 0.05 s. */
function readSourceSize(filePath: string): number | null {
  try {
    const stats = statSync(filePath, { throwIfNoEntry: false })
    return stats?.isFile() ? stats.size : null
  }
  catch {
    return null
  }
}

/** Every raw module id the build mentions: modules, chunk members, edge targets, entry modules. */
function collectRawModuleIds(collected: CollectedBuild): Set<string> {
  const ids = new Set<string>()
  for (const module of collected.modules) {
    ids.add(module.id)
    for (const list of [module.importedIds, module.dynamicallyImportedIds, module.requiredIds, module.importers, module.dynamicImporters])
      list?.forEach(id => ids.add(id))
  }
  for (const file of collected.files) {
    file.chunk?.modules.forEach(module => ids.add(module.id))
    if (file.chunk?.entryModule)
      ids.add(file.chunk.entryModule)
  }
  return ids
}

function gatherModuleFacts(rawIds: Iterable<string>, root: string): { facts: Map<string, ModuleFacts>, packages: Package[] } {
  const lookup = createPackageLookup(root)
  const facts = new Map<string, ModuleFacts>()
  for (const id of rawIds) {
    const { filePath, isVirtual } = parseModuleId(id)
    facts.set(id, filePath === null
      ? { package: null, originalBytes: null }
      : { package: lookup.findPackageOfFile(filePath), originalBytes: isVirtual ? null : readSourceSize(filePath) })
  }
  const packages = new Map<string, Package>()
  for (const fact of facts.values()) {
    if (fact.package)
      packages.set(fact.package.id, fact.package)
  }
  return { facts, packages: [...packages.values()] }
}

type EdgeMap = Map<string, Map<string, Set<ImportKind>>>

function addEdge(edges: EdgeMap, from: string, to: string, kind: ImportKind): void {
  let targets = edges.get(from)
  if (!targets)
    edges.set(from, targets = new Map())
  let kinds = targets.get(to)
  if (!kinds)
    targets.set(to, kinds = new Set())
  kinds.add(kind)
}

function hasEdge(edges: EdgeMap, from: string, to: string, dynamic: boolean): boolean {
  const kinds = edges.get(from)?.get(to)
  if (kinds === undefined)
    return false
  for (const kind of kinds) {
    if ((kind === 'dynamic') === dynamic)
      return true
  }
  return false
}

/** Import edges from what each module says it imports, completed by what its importers say. */
function buildEdges(modules: CollectedModule[], toId: (id: string) => string): EdgeMap {
  const edges: EdgeMap = new Map()
  for (const module of modules) {
    const from = toId(module.id)
    const required = new Set(module.requiredIds ?? [])
    for (const target of module.importedIds ?? [])
      addEdge(edges, from, toId(target), required.has(target) ? 'require' : isStyleModuleId(target) ? 'css' : 'static')
    for (const target of required)
      addEdge(edges, from, toId(target), 'require')
    for (const target of module.dynamicallyImportedIds ?? [])
      addEdge(edges, from, toId(target), 'dynamic')
  }
  for (const module of modules) {
    const to = toId(module.id)
    for (const importer of module.importers ?? []) {
      if (!hasEdge(edges, toId(importer), to, false))
        addEdge(edges, toId(importer), to, isStyleModuleId(module.id) ? 'css' : 'static')
    }
    for (const importer of module.dynamicImporters ?? []) {
      if (!hasEdge(edges, toId(importer), to, true))
        addEdge(edges, toId(importer), to, 'dynamic')
    }
  }
  return edges
}

function buildModules(rawIds: Set<string>, collected: CollectedBuild, facts: Map<string, ModuleFacts>, toId: (id: string) => string): Module[] {
  const collectedById = new Map<string, CollectedModule>()
  for (const module of collected.modules) {
    if (!collectedById.has(toId(module.id)))
      collectedById.set(toId(module.id), module)
  }
  const entryModules = new Set(collected.files.flatMap(file => file.chunk?.isEntry && file.chunk.entryModule ? [toId(file.chunk.entryModule)] : []))
  const edges = buildEdges(collected.modules, toId)
  const importers = new Map<string, Set<string>>()
  const dynamicImporters = new Map<string, Set<string>>()
  for (const [from, targets] of edges) {
    for (const [to, kinds] of targets) {
      for (const kind of kinds) {
        const index = kind === 'dynamic' ? dynamicImporters : importers
        let set = index.get(to)
        if (!set)
          index.set(to, set = new Set())
        set.add(from)
      }
    }
  }
  const modules = new Map<string, Module>()
  for (const rawId of rawIds) {
    const id = toId(rawId)
    if (modules.has(id))
      continue
    const source = collectedById.get(id)
    const fact = facts.get(rawId)
    modules.set(id, {
      id,
      package: fact?.package?.id ?? null,
      originalBytes: fact?.originalBytes ?? null,
      format: source?.format ?? null,
      exports: source?.exports ? [...source.exports] : null,
      sideEffects: source?.sideEffects ?? null,
      isEntry: source?.isEntry ?? entryModules.has(id),
      imports: [...edges.get(id) ?? []].flatMap(([target, kinds]) => [...kinds].map(kind => ({ id: target, kind }))),
      importers: [...importers.get(id) ?? []],
      dynamicImporters: [...dynamicImporters.get(id) ?? []],
    })
  }
  return [...modules.values()]
}

function toSizes(value: { rawBytes: number, gzipBytes: number | null, brotliBytes: number | null } | undefined): Sizes {
  return { rawBytes: value?.rawBytes ?? 0, gzipBytes: value?.gzipBytes ?? null, brotliBytes: value?.brotliBytes ?? null }
}

function buildChunk(file: string, collectedChunk: CollectedChunk, result: MeasureResult, method: Chunk['attribution'], toId: (id: string) => string, toFile: (file: string) => string): Chunk {
  const zeroSizes = { rawBytes: 0, gzipBytes: result.gzipBytes === null ? null : 0, brotliBytes: result.brotliBytes === null ? null : 0 }
  const byKey = result.byKey ?? new Map()
  const modules: ChunkModule[] = collectedChunk.modules.map((module, key) => ({
    id: toId(module.id),
    ...(byKey.has(key) ? toSizes(byKey.get(key)) : zeroSizes),
    renderedBytes: measureRenderedBytes(module),
    renderedExports: module.renderedExports ? [...module.renderedExports] : null,
  }))
  const glue = result.byKey
    ? (byKey.has(-1) ? toSizes(byKey.get(-1)) : zeroSizes)
    : { rawBytes: result.rawBytes, gzipBytes: result.gzipBytes, brotliBytes: result.brotliBytes }
  return {
    file,
    kind: collectedChunk.kind,
    name: collectedChunk.name,
    isEntry: collectedChunk.isEntry,
    isDynamicEntry: collectedChunk.isDynamicEntry,
    entryModule: collectedChunk.entryModule ? toId(collectedChunk.entryModule) : null,
    imports: collectedChunk.imports.map(toFile),
    dynamicImports: collectedChunk.dynamicImports.map(toFile),
    css: (collectedChunk.css ?? []).map(toFile),
    assets: (collectedChunk.assets ?? []).map(toFile),
    modules,
    glue,
    attribution: method,
  }
}

export async function buildReport(collected: CollectedBuild, options: BuildReportOptions): Promise<Report> {
  let phaseStartMs = performance.now()
  const endPhase = (phase: string): void => {
    if (!options.onPhase)
      return
    const nowMs = performance.now()
    options.onPhase(phase, nowMs - phaseStartMs)
    phaseStartMs = nowMs
  }
  const root = path.resolve(collected.root)
  // Ids are normalised many times each (modules, edges, chunk members): once per raw id.
  const normalizedIds = new Map<string, string>()
  const toId = (id: string): string => {
    let normalized = normalizedIds.get(id)
    if (normalized === undefined) {
      normalized = normalizeModuleId(id, root)
      normalizedIds.set(id, normalized)
    }
    return normalized
  }
  const toFile = (fileName: string): string => normalizeOutputPath(fileName, root)

  const rawIds = collectRawModuleIds(collected)
  const { facts, packages } = gatherModuleFacts(rawIds, root)
  // Sorted now (canonical, kept by sortReport): `whileMeasuring` can serialize them ahead.
  const modules = sortModules(buildModules(rawIds, collected, facts, toId))
  endPhase('modules')

  const requests: MeasureRequest[] = []
  const methods: (Chunk['attribution'] | null)[] = []
  for (const file of collected.files) {
    const { bytes, text } = readFileBytes(file)
    const request: MeasureRequest = { file: toFile(file.fileName), bytes, contentHash: file.contentHash }
    methods.push(null)
    if (file.chunk) {
      const attribution = attributeChunkBytes({
        fileName: path.resolve(root, file.fileName),
        bytes,
        text: text ?? textDecoder.decode(bytes),
        modules: file.chunk.modules,
        map: file.chunk.map,
        ranges: file.chunk.ranges,
        fallbackWeights: file.chunk.modules.map(module => facts.get(module.id)?.originalBytes ?? null),
      })
      request.segments = attribution.segments
      methods[methods.length - 1] = attribution.method
    }
    requests.push(request)
  }
  endPhase('attribute')
  const skipped = collected.files.map(file => !isCompressedOutput(file))
  const measuring = options.measurer.measure(requests.filter((_, index) => !skipped[index]))
  const [measuredResults] = await Promise.all([measuring, options.whileMeasuring?.(modules)])
  let measuredIndex = 0
  const results: MeasureResult[] = requests.map((request, index) => skipped[index]
    ? { file: request.file, rawBytes: collected.files[index]!.sizeBytes ?? request.bytes.length, gzipBytes: null, brotliBytes: null }
    : measuredResults[measuredIndex++]!)
  endPhase('measure')

  const outputs: Output[] = []
  const chunks: Chunk[] = []
  collected.files.forEach((collectedFile, index) => {
    const result = results[index]!
    const file = requests[index]!.file
    outputs.push({ file, kind: classifyOutputKind(file), rawBytes: result.rawBytes, gzipBytes: result.gzipBytes, brotliBytes: result.brotliBytes })
    if (collectedFile.chunk)
      chunks.push(buildChunk(file, collectedFile.chunk, result, methods[index]!, toId, toFile))
  })

  const pages: PageInput[] = (collected.htmlPages ?? []).map(page => ({
    name: page.name ?? toFile(page.fileName),
    file: toFile(page.fileName),
    scripts: page.scripts.map(toFile),
    styles: page.styles.map(toFile),
  }))

  const report: Report = {
    schemaVersion: SCHEMA_VERSION,
    generator: { name: 'weighbridge', version: options.generatorVersion },
    bundler: { name: collected.bundler, version: collected.bundlerVersion ?? null },
    compression: options.compression,
    outputs,
    chunks,
    modules,
    packages,
    entries: computeEntries(chunks, outputs, pages),
    findings: [],
    budgets: [],
    diff: null,
    runtime: null,
  }
  if (options.generatedAt !== undefined)
    report.generatedAt = options.generatedAt
  const sorted = sortReport(report)
  endPhase('assemble')
  return sorted
}
