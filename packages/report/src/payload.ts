/**
 * The compact form of a `Report` embedded in the HTML file, and its exact inverse.
 *
 * A 20,000-module report of a real Vite build (3,882 chunks) is 32 MB as report.json; most of it is
 * repeated paths, object keys and digits. Here (see packed-stream.ts for the two streams):
 * - every path and export name lives once, in one of four sorted, front-coded tables (files,
 *   modules, packages, export names); records refer to them by index, and lists of indexes (a
 *   chunk's modules, an entry's lazy files, a module's exports) are stored as gaps or runs;
 * - records are integer codes without keys; small flags share one code; brotli sizes are stored
 *   as their difference from gzip, import edges as the gap to the previous target;
 * - what a reader can recompute exactly is left out: importer lists (from the imports), chunk
 *   names that prefix their file name, a chunk's glue (its file's sizes minus its modules'), a
 *   load's sizes (the sum of its files), rendered exports equal to or a subset of the declared
 *   exports (a bit mask). Each is checked when encoding, and stored when it would not come back
 *   identical.
 * For that real build this embeds 1.73 MB (the first format, with one string table and
 * JSON records, took 4.25 MB).
 * `decodePayload(encodePayload(report))` deep-equals `report`. Findings, budgets, diff and runtime
 * are small and stay plain JSON.
 *
 * Browser-safe: no node imports (the client bundle uses the decoder).
 */
import type {
  AttributionMethod, BudgetResult, Chunk, ChunkModule, Entry, Finding, ImportKind, LoadSizes, Module,
  Output, OutputKind, Package, Report, ReportDiff, RuntimeSnapshot, Sizes,
} from '@weighbridge/core'
import { PackedReader, PackedWriter, zigzag, unzigzag } from './packed-stream'

export const PAYLOAD_VERSION = 2

export interface Payload {
  /** Payload format version (independent from the report's `schemaVersion`). */
  v: typeof PAYLOAD_VERSION
  /** Report header: schemaVersion, generator, bundler, compression, generatedAt, unknown keys. */
  h: Record<string, unknown>
  /** Packed integers: tables, outputs, modules, packages, chunks, entries, in this order. */
  n: string
  /** The suffixes of the front-coded strings, concatenated. */
  t: string
  /** Numbers no integer code fits (negative, fractional), in order of use. */
  x: unknown[]
  f: Finding[]
  b: BudgetResult[]
  d: ReportDiff | null
  r: RuntimeSnapshot | null
}

const OUTPUT_KINDS: OutputKind[] = ['js', 'css', 'html', 'map', 'image', 'font', 'wasm', 'other']
const IMPORT_KINDS: ImportKind[] = ['static', 'dynamic', 'require', 'css']
const DYNAMIC = 1
const ATTRIBUTIONS: AttributionMethod[] = ['exact', 'sourcemap', 'estimated', 'bundler', 'aligned']
/** Chunk flags: the attribution method's code, then the other flags times this. */
const ATTRIBUTION_CODES = 8
const FORMATS = [null, 'esm', 'cjs'] as const
const ENTRY_KINDS: Entry['kind'][] = ['chunk', 'html']
const KNOWN_KEYS = new Set([
  'outputs', 'chunks', 'modules', 'packages', 'entries', 'findings', 'budgets', 'diff', 'runtime',
])
/** Rendered exports are stored as a bit mask over the declared ones up to this many declared exports. */
const MAX_MASK_EXPORTS = 48

/** renderedExports codes; a code >= RENDERED_MASK is RENDERED_MASK + a bit mask over the declared exports. */
const RENDERED_NULL = 0
const RENDERED_ALL_DECLARED = 1
const RENDERED_LISTED = 2
const RENDERED_MASK = 3

function codeOf<T>(list: readonly T[], value: T, what: string): number {
  const index = list.indexOf(value)
  if (index < 0) throw new Error(`Cannot encode the report: unknown ${what} ${JSON.stringify(value)}`)
  return index
}

function encodeTriState(value: boolean | null): number {
  return value === null ? 2 : value ? 1 : 0
}

function decodeTriState(value: number): boolean | null {
  return value === 2 ? null : value === 1
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}

function sameSizes(a: Sizes, b: Sizes): boolean {
  return Object.is(a.rawBytes, b.rawBytes) && Object.is(a.gzipBytes, b.gzipBytes) && Object.is(a.brotliBytes, b.brotliBytes)
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1)
}

/** A chunk's glue as its file's sizes minus its modules' (exact when the report adds up). */
function deriveGlue(output: Sizes, parts: readonly ChunkModule[]): Sizes {
  let rawBytes = output.rawBytes
  let gzipBytes = output.gzipBytes
  let brotliBytes = output.brotliBytes
  for (const part of parts) {
    rawBytes -= part.rawBytes
    if (gzipBytes !== null) gzipBytes -= part.gzipBytes ?? 0
    if (brotliBytes !== null) brotliBytes -= part.brotliBytes ?? 0
  }
  return { rawBytes, gzipBytes, brotliBytes }
}

/** A load's sizes as the sum of its files' (as core's compute-loads sums them). */
function deriveLoadSizes(files: readonly string[], outputByFile: ReadonlyMap<string, Output>): Sizes {
  let rawBytes = 0
  let gzipBytes: number | null = 0
  let brotliBytes: number | null = 0
  for (const file of files) {
    const output = outputByFile.get(file)
    if (!output) continue
    rawBytes += output.rawBytes
    gzipBytes = gzipBytes === null || output.gzipBytes === null ? null : gzipBytes + output.gzipBytes
    brotliBytes = brotliBytes === null || output.brotliBytes === null ? null : brotliBytes + output.brotliBytes
  }
  return { rawBytes, gzipBytes, brotliBytes }
}

/** `rendered` as a bit mask over `declared` when it is a subsequence of it; null otherwise. */
function subsetMask(rendered: readonly string[], declared: readonly string[]): number | null {
  if (declared.length > MAX_MASK_EXPORTS) return null
  let mask = 0
  let next = 0
  for (let index = 0; index < declared.length && next < rendered.length; index++) {
    if (declared[index] === rendered[next]) {
      mask += 2 ** index
      next++
    }
  }
  return next === rendered.length ? mask : null
}

/**
 * The importer lists a decoder derives from the modules' imports, by module-table index: for each
 * listed module, the listed modules importing it with import() and those importing it any other
 * way (static, require, css: as core's build-report lists them), sorted, unique. `owners[i]` is the table index of the i-th module, `imports[i]` its edges as
 * flat (target index, import kind code) pairs. Encoder and decoder share it, so what the encoder
 * leaves out comes back identical.
 */
function deriveImporters(tableSize: number, owners: readonly number[], imports: readonly (readonly number[])[]): { importers: number[][], dynamicImporters: number[][] } {
  const importers: number[][] = new Array(tableSize)
  const dynamicImporters: number[][] = new Array(tableSize)
  for (const own of owners) {
    importers[own] = []
    dynamicImporters[own] = []
  }
  // Reports list modules sorted by id, so importers arrive sorted; sort only when they did not.
  let sorted = true
  owners.forEach((own, position) => {
    const flat = imports[position]!
    for (let index = 0; index < flat.length; index += 2) {
      const target = flat[index]!
      const kind = flat[index + 1]!
      const list = kind === DYNAMIC ? dynamicImporters[target] : importers[target]
      if (!list) continue
      const last = list[list.length - 1]
      if (last === own) continue
      if (last !== undefined && last > own) sorted = false
      list.push(own)
    }
  })
  if (!sorted) {
    const sortUnique = (values: number[]): number[] => [...new Set(values)].sort((a, b) => a - b)
    for (const own of owners) {
      importers[own] = sortUnique(importers[own]!)
      dynamicImporters[own] = sortUnique(dynamicImporters[own]!)
    }
  }
  return { importers, dynamicImporters }
}

function sameIndexes(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}

/** A sorted table of distinct strings and the index of each. */
class StringTable {
  private readonly collected = new Set<string>()
  readonly indexOf = new Map<string, number>()
  values: string[] = []

  add(value: string | null | undefined): void {
    if (typeof value === 'string') this.collected.add(value)
  }

  addAll(values: readonly string[]): void {
    for (const value of values) this.collected.add(value)
  }

  seal(): void {
    this.values = [...this.collected].sort(compareStrings)
    this.values.forEach((value, index) => this.indexOf.set(value, index))
  }

  ref(value: string): number {
    return this.indexOf.get(value)!
  }

  refs(values: readonly string[]): number[] {
    return values.map(value => this.indexOf.get(value)!)
  }
}

function writeSizes(writer: PackedWriter, sizes: Sizes): void {
  writer.value(sizes.rawBytes)
  writer.value(sizes.gzipBytes)
  writer.valueNear(sizes.brotliBytes, sizes.gzipBytes)
}

function readSizes(reader: PackedReader): Sizes {
  const rawBytes = reader.value() as number
  const gzipBytes = reader.value()
  return { rawBytes, gzipBytes, brotliBytes: reader.valueNear(gzipBytes) }
}

export function encodePayload(report: Report): Payload {
  const files = new StringTable()
  const moduleIds = new StringTable()
  const packageIds = new StringTable()
  const exportNames = new StringTable()
  for (const output of report.outputs) files.add(output.file)
  for (const chunk of report.chunks) {
    files.add(chunk.file)
    files.addAll(chunk.imports)
    files.addAll(chunk.dynamicImports)
    files.addAll(chunk.css)
    files.addAll(chunk.assets)
    moduleIds.add(chunk.entryModule)
    for (const part of chunk.modules) {
      moduleIds.add(part.id)
      if (part.renderedExports) exportNames.addAll(part.renderedExports)
    }
  }
  for (const entry of report.entries) {
    files.add(entry.file)
    files.addAll(entry.chunks)
    files.addAll(entry.initialLoad.files)
    files.addAll(entry.lazyLoad.files)
  }
  for (const module of report.modules) {
    moduleIds.add(module.id)
    for (const edge of module.imports) moduleIds.add(edge.id)
    moduleIds.addAll(module.importers)
    moduleIds.addAll(module.dynamicImporters)
    packageIds.add(module.package)
    if (module.exports) exportNames.addAll(module.exports)
  }
  for (const pkg of report.packages) packageIds.add(pkg.id)
  files.seal()
  moduleIds.seal()
  packageIds.seal()
  exportNames.seal()

  const writer = new PackedWriter()
  writer.strings(files.values)
  writer.strings(moduleIds.values)
  writer.strings(packageIds.values)
  writer.strings(exportNames.values)

  writer.indexList(files.refs(report.outputs.map(output => output.file)))
  for (const output of report.outputs) {
    writer.uint(codeOf(OUTPUT_KINDS, output.kind, 'output kind'))
    writeSizes(writer, output)
  }

  const owners = moduleIds.refs(report.modules.map(module => module.id))
  const flatImports = report.modules.map((module) => {
    const flat: number[] = []
    for (const edge of module.imports) flat.push(moduleIds.ref(edge.id), codeOf(IMPORT_KINDS, edge.kind, 'import kind'))
    return flat
  })
  const derived = deriveImporters(moduleIds.values.length, owners, flatImports)
  const exportsByModule: (string[] | null | undefined)[] = []
  writer.indexList(owners)
  report.modules.forEach((module, position) => {
    const own = owners[position]!
    exportsByModule[own] = module.exports
    const importers = moduleIds.refs(module.importers)
    const dynamicImporters = moduleIds.refs(module.dynamicImporters)
    const listsImporters = !sameIndexes(importers, derived.importers[own]!)
    const listsDynamicImporters = !sameIndexes(dynamicImporters, derived.dynamicImporters[own]!)
    writer.uint(codeOf(FORMATS, module.format, 'module format') + 3 * encodeTriState(module.sideEffects)
      + 9 * (module.isEntry ? 1 : 0) + 18 * (listsImporters ? 1 : 0) + 36 * (listsDynamicImporters ? 1 : 0))
    writer.uint(module.package === null ? 0 : packageIds.ref(module.package) + 1)
    writer.value(module.originalBytes)
    writer.nullableIndexList(module.exports && exportNames.refs(module.exports))
    const flat = flatImports[position]!
    writer.uint(flat.length / 2)
    let previous = own
    for (let index = 0; index < flat.length; index += 2) {
      writer.uint(zigzag(flat[index]! - previous - 1) * 4 + flat[index + 1]!)
      previous = flat[index]!
    }
    if (listsImporters) writer.indexList(importers)
    if (listsDynamicImporters) writer.indexList(dynamicImporters)
  })

  writer.indexList(packageIds.refs(report.packages.map(pkg => pkg.id)))
  for (const pkg of report.packages) {
    const sideEffects = pkg.sideEffects === null ? 0 : Array.isArray(pkg.sideEffects) ? 3 : pkg.sideEffects ? 2 : 1
    writer.uint((pkg.hasEsmBuild ? 1 : 0) + 2 * sideEffects + 8 * (pkg.version === null ? 0 : 1))
    writer.string(pkg.name)
    if (pkg.version !== null) writer.string(pkg.version)
    if (Array.isArray(pkg.sideEffects)) writer.strings(pkg.sideEffects)
  }

  const outputByFile = new Map(report.outputs.map(output => [output.file, output]))
  writer.indexList(files.refs(report.chunks.map(chunk => chunk.file)))
  for (const chunk of report.chunks) {
    const output = outputByFile.get(chunk.file)
    const glueDerived = output !== undefined && sameSizes(deriveGlue(output, chunk.modules), chunk.glue)
    writer.uint(codeOf(ATTRIBUTIONS, chunk.attribution, 'attribution method') + ATTRIBUTION_CODES * ((chunk.kind === 'css' ? 1 : 0)
      + 2 * (chunk.isEntry ? 1 : 0) + 4 * (chunk.isDynamicEntry ? 1 : 0) + 8 * (glueDerived ? 1 : 0)))
    if (baseName(chunk.file).startsWith(chunk.name)) {
      writer.uint(chunk.name.length + 1)
    }
    else {
      writer.uint(0)
      writer.string(chunk.name)
    }
    writer.uint(chunk.entryModule === null ? 0 : moduleIds.ref(chunk.entryModule) + 1)
    writer.indexList(files.refs(chunk.imports))
    writer.indexList(files.refs(chunk.dynamicImports))
    writer.indexList(files.refs(chunk.css))
    writer.indexList(files.refs(chunk.assets))
    if (!glueDerived) writeSizes(writer, chunk.glue)
    writer.uint(chunk.modules.length)
    let previous = -1
    for (const part of chunk.modules) {
      const index = moduleIds.ref(part.id)
      writer.uint(zigzag(index - previous - 1))
      previous = index
      writeSizes(writer, part)
      writer.value(part.renderedBytes)
      const rendered = part.renderedExports
      const declared = exportsByModule[index]
      const mask = rendered && declared ? subsetMask(rendered, declared) : null
      if (rendered === null) {
        writer.uint(RENDERED_NULL)
      }
      else if (declared && sameList(rendered, declared)) {
        writer.uint(RENDERED_ALL_DECLARED)
      }
      else if (mask !== null) {
        writer.uint(RENDERED_MASK + mask)
      }
      else {
        writer.uint(RENDERED_LISTED)
        writer.indexList(exportNames.refs(rendered))
      }
    }
  }

  writer.uint(report.entries.length)
  for (const entry of report.entries) {
    const initialDerived = sameSizes(deriveLoadSizes(entry.initialLoad.files, outputByFile), entry.initialLoad)
    const lazyDerived = sameSizes(deriveLoadSizes(entry.lazyLoad.files, outputByFile), entry.lazyLoad)
    writer.uint(codeOf(ENTRY_KINDS, entry.kind, 'entry kind') + 2 * (initialDerived ? 1 : 0) + 4 * (lazyDerived ? 1 : 0))
    writer.string(entry.name)
    writer.uint(files.ref(entry.file))
    writer.indexList(files.refs(entry.chunks))
    writer.indexList(files.refs(entry.initialLoad.files))
    if (!initialDerived) writeSizes(writer, entry.initialLoad)
    writer.indexList(files.refs(entry.lazyLoad.files))
    if (!lazyDerived) writeSizes(writer, entry.lazyLoad)
  }

  const header: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(report)) {
    if (!KNOWN_KEYS.has(key)) header[key] = value
  }
  const { numbers, text, exotic } = writer.finish()
  return {
    v: PAYLOAD_VERSION,
    h: header,
    n: numbers,
    t: text,
    x: exotic,
    f: report.findings,
    b: report.budgets,
    d: report.diff,
    r: report.runtime,
  }
}

export function decodePayload(payload: Payload): Report {
  if (payload.v !== PAYLOAD_VERSION) throw new Error(`Unsupported report payload version ${String(payload.v)}; expected ${PAYLOAD_VERSION}`)
  const reader = new PackedReader(payload.n, payload.t, payload.x)
  const files = reader.strings()
  const moduleIds = reader.strings()
  const packageIds = reader.strings()
  const exportNames = reader.strings()

  const outputs: Output[] = reader.indexList().map((fileIndex) => {
    const kind = OUTPUT_KINDS[reader.uint()]!
    const sizes = readSizes(reader)
    return { file: files[fileIndex]!, kind, rawBytes: sizes.rawBytes, gzipBytes: sizes.gzipBytes, brotliBytes: sizes.brotliBytes }
  })

  const exportsByModule: (string[] | null | undefined)[] = []
  const listedImporters: (string[] | null)[] = []
  const listedDynamicImporters: (string[] | null)[] = []
  const owners = reader.indexList()
  const flatImports: number[][] = new Array(owners.length)
  const modules: Module[] = owners.map((own, position) => {
    const flags = reader.uint()
    const packageRef = reader.uint()
    const originalBytes = reader.value()
    const exports = reader.nullableRefList(exportNames)
    exportsByModule[own] = exports
    const importCount = reader.uint()
    const imports: Module['imports'] = new Array(importCount)
    const flat: number[] = new Array(importCount * 2)
    let previous = own
    for (let index = 0; index < importCount; index++) {
      const code = reader.uint()
      const kind = code % 4
      previous = previous + 1 + unzigzag((code - kind) / 4)
      imports[index] = { id: moduleIds[previous]!, kind: IMPORT_KINDS[kind]! }
      flat[index * 2] = previous
      flat[index * 2 + 1] = kind
    }
    flatImports[position] = flat
    listedImporters.push(Math.floor(flags / 18) % 2 === 1 ? reader.refList(moduleIds) : null)
    listedDynamicImporters.push(Math.floor(flags / 36) % 2 === 1 ? reader.refList(moduleIds) : null)
    return {
      id: moduleIds[own]!,
      package: packageRef === 0 ? null : packageIds[packageRef - 1]!,
      originalBytes,
      format: FORMATS[flags % 3]!,
      exports,
      sideEffects: decodeTriState(Math.floor(flags / 3) % 3),
      isEntry: Math.floor(flags / 9) % 2 === 1,
      imports,
      importers: [],
      dynamicImporters: [],
    }
  })
  const derived = deriveImporters(moduleIds.length, owners, flatImports)
  const namesOf = (indexes: number[]): string[] => indexes.map(index => moduleIds[index]!)
  modules.forEach((module, position) => {
    const own = owners[position]!
    module.importers = listedImporters[position] ?? namesOf(derived.importers[own]!)
    module.dynamicImporters = listedDynamicImporters[position] ?? namesOf(derived.dynamicImporters[own]!)
  })

  const packages: Package[] = reader.indexList().map((own) => {
    const flags = reader.uint()
    const name = reader.string()
    const version = flags >= 8 ? reader.string() : null
    const sideEffectsCode = Math.floor(flags / 2) % 4
    return {
      id: packageIds[own]!,
      name,
      version,
      sideEffects: sideEffectsCode === 0 ? null : sideEffectsCode === 3 ? reader.strings() : sideEffectsCode === 2,
      hasEsmBuild: flags % 2 === 1,
    }
  })

  const outputByFile = new Map(outputs.map(output => [output.file, output]))
  const chunks: Chunk[] = reader.indexList().map((fileIndex) => {
    const file = files[fileIndex]!
    const flags = reader.uint()
    const nameCode = reader.uint()
    const name = nameCode === 0 ? reader.string() : baseName(file).slice(0, nameCode - 1)
    const entryModuleRef = reader.uint()
    const imports = reader.refList(files)
    const dynamicImports = reader.refList(files)
    const css = reader.refList(files)
    const assets = reader.refList(files)
    const others = Math.floor(flags / ATTRIBUTION_CODES)
    const glueDerived = Math.floor(others / 8) % 2 === 1
    const glue = glueDerived ? null : readSizes(reader)
    const partCount = reader.uint()
    const parts: ChunkModule[] = new Array(partCount)
    let previous = -1
    for (let position = 0; position < partCount; position++) {
      const index = previous + 1 + unzigzag(reader.uint())
      previous = index
      const sizes = readSizes(reader)
      const renderedBytes = reader.value()
      const code = reader.uint()
      const declared = exportsByModule[index] ?? []
      let renderedExports: string[] | null
      if (code === RENDERED_NULL) {
        renderedExports = null
      }
      else if (code === RENDERED_ALL_DECLARED) {
        renderedExports = [...declared]
      }
      else if (code === RENDERED_LISTED) {
        renderedExports = reader.refList(exportNames)
      }
      else {
        const mask = code - RENDERED_MASK
        renderedExports = []
        for (let bit = 0; bit < declared.length; bit++) {
          if (Math.floor(mask / 2 ** bit) % 2 === 1) renderedExports.push(declared[bit]!)
        }
      }
      parts[position] = { id: moduleIds[index]!, rawBytes: sizes.rawBytes, gzipBytes: sizes.gzipBytes, brotliBytes: sizes.brotliBytes, renderedBytes, renderedExports }
    }
    return {
      file,
      kind: others % 2 === 1 ? 'css' : 'js',
      name,
      isEntry: Math.floor(others / 2) % 2 === 1,
      isDynamicEntry: Math.floor(others / 4) % 2 === 1,
      entryModule: entryModuleRef === 0 ? null : moduleIds[entryModuleRef - 1]!,
      imports,
      dynamicImports,
      css,
      assets,
      modules: parts,
      glue: glue ?? deriveGlue(outputByFile.get(file)!, parts),
      attribution: ATTRIBUTIONS[flags % ATTRIBUTION_CODES]!,
    }
  })

  const entryCount = reader.uint()
  const entries: Entry[] = []
  for (let position = 0; position < entryCount; position++) {
    const flags = reader.uint()
    const name = reader.string()
    const file = files[reader.uint()]!
    const entryChunks = reader.refList(files)
    const readLoad = (derivedSizes: boolean): LoadSizes => {
      const loadFiles = reader.refList(files)
      const sizes = derivedSizes ? deriveLoadSizes(loadFiles, outputByFile) : readSizes(reader)
      return { files: loadFiles, rawBytes: sizes.rawBytes, gzipBytes: sizes.gzipBytes, brotliBytes: sizes.brotliBytes }
    }
    const initialLoad = readLoad(Math.floor(flags / 2) % 2 === 1)
    const lazyLoad = readLoad(Math.floor(flags / 4) % 2 === 1)
    entries.push({ name, kind: ENTRY_KINDS[flags % 2]!, file, chunks: entryChunks, initialLoad, lazyLoad })
  }
  reader.assertEnd()

  return {
    ...(payload.h as Pick<Report, 'schemaVersion' | 'generator' | 'bundler' | 'compression'>),
    outputs,
    chunks,
    modules,
    packages,
    entries,
    findings: payload.f,
    budgets: payload.b,
    diff: payload.d,
    runtime: payload.r,
  }
}

/**
 * JSON that is safe between `<script type="application/json">` tags: `<` can never open a closing
 * tag or comment, and U+2028/U+2029 are escaped for older JS parsers. JSON.parse restores all three.
 */
export function serializeForScriptTag(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}
