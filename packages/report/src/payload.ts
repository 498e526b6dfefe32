/**
 * The compact form of a `Report` embedded in the HTML file, and its exact inverse.
 *
 * A 20,000-module report is ~10 MB as plain JSON; most of it is repeated paths and object keys.
 * Here every string (ids, files, names, export names) lives once in a sorted, front-coded table
 * (`[sharedPrefixLength, suffix, ...]`), records are arrays, and trailing default values are
 * dropped. `decodePayload(encodePayload(report))` deep-equals `report`.
 *
 * Browser-safe: no node imports (the client bundle uses the decoder).
 */
import type {
  AttributionMethod, BudgetResult, Chunk, ChunkModule, Entry, Finding, ImportKind, Module, Output,
  OutputKind, Package, Report, ReportDiff, RuntimeSnapshot, Sizes,
} from '@weighbridge/core'

export const PAYLOAD_VERSION = 1

type Ref = number
type Cell = number | string | null | boolean | Cell[] | { [key: string]: unknown }

export interface Payload {
  /** Payload format version (independent from the report's `schemaVersion`). */
  v: typeof PAYLOAD_VERSION
  /** Front-coded sorted string table. */
  s: (number | string)[]
  /** Report header: schemaVersion, generator, bundler, compression, generatedAt, unknown keys. */
  h: Record<string, unknown>
  /** Outputs, flat: file, kind, raw, gzip, brotli. */
  o: (number | null)[]
  c: Cell[][]
  m: Cell[][]
  p: Cell[][]
  e: Entry[]
  f: Finding[]
  b: BudgetResult[]
  d: ReportDiff | null
  r: RuntimeSnapshot | null
}

const OUTPUT_KINDS: OutputKind[] = ['js', 'css', 'html', 'map', 'image', 'font', 'wasm', 'other']
const IMPORT_KINDS: ImportKind[] = ['static', 'dynamic', 'require', 'css']
const ATTRIBUTIONS: AttributionMethod[] = ['exact', 'sourcemap', 'estimated', 'bundler']
const FORMATS = [null, 'esm', 'cjs'] as const
const KNOWN_KEYS = new Set([
  'outputs', 'chunks', 'modules', 'packages', 'entries', 'findings', 'budgets', 'diff', 'runtime',
])

function codeOf<T>(list: readonly T[], value: T, what: string): number {
  const index = list.indexOf(value)
  if (index < 0) throw new Error(`Cannot encode the report: unknown ${what} ${JSON.stringify(value)}`)
  return index
}

function encodeTriState(value: boolean | null): number {
  return value === null ? 2 : value ? 1 : 0
}

function decodeTriState(value: unknown): boolean | null {
  return value === 2 || value === undefined ? null : value === 1
}

/** Drops trailing cells equal to their default so that common records stay short. */
function trimDefaults(record: Cell[], defaults: Cell[]): Cell[] {
  let end = record.length
  while (end > 0 && isDefault(record[end - 1]!, defaults[end - 1])) end--
  return record.slice(0, end)
}

function isDefault(value: Cell, fallback: Cell | undefined): boolean {
  if (fallback === undefined) return false
  if (Array.isArray(value) && Array.isArray(fallback)) return value.length === 0 && fallback.length === 0
  return value === fallback
}

/** Common prefix length that never ends between the halves of a surrogate pair. */
function sharedPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length)
  let length = 0
  while (length < max && a.charCodeAt(length) === b.charCodeAt(length)) length++
  if (length > 0 && length < b.length) {
    const last = b.charCodeAt(length - 1)
    if (last >= 0xD800 && last <= 0xDBFF) length--
  }
  return length
}

class StringTable {
  private readonly strings = new Set<string>()
  private refs = new Map<string, Ref>()

  add(value: string | null | undefined): void {
    if (typeof value === 'string') this.strings.add(value)
  }

  addAll(values: readonly string[] | null | undefined): void {
    if (values) for (const value of values) this.strings.add(value)
  }

  /** Sorts the table and returns it front-coded. */
  seal(): (number | string)[] {
    const sorted = [...this.strings].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    const coded: (number | string)[] = []
    let previous = ''
    sorted.forEach((value, index) => {
      this.refs.set(value, index)
      const shared = sharedPrefixLength(previous, value)
      coded.push(shared, value.slice(shared))
      previous = value
    })
    return coded
  }

  ref(value: string): Ref {
    const ref = this.refs.get(value)
    if (ref === undefined) throw new Error(`Cannot encode the report: string ${JSON.stringify(value)} missing from the table`)
    return ref
  }

  refOrNone(value: string | null | undefined): Ref {
    return value === null || value === undefined ? -1 : this.ref(value)
  }

  refs_(values: readonly string[]): Ref[] {
    return values.map(value => this.ref(value))
  }
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, index) => value === b[index])
}

/** The importer lists a decoder derives from the modules' `imports`: sorted, unique. */
function deriveImporters(modules: readonly Module[]): Map<string, { importers: string[], dynamicImporters: string[] }> {
  const derived = new Map<string, { importers: string[], dynamicImporters: string[] }>()
  for (const module of modules) derived.set(module.id, { importers: [], dynamicImporters: [] })
  // Reports list modules sorted by id, so importers arrive sorted; sort only when they did not.
  let sorted = true
  for (const module of modules) {
    for (const edge of module.imports) {
      const target = derived.get(edge.id)
      if (!target) continue
      const list = edge.kind === 'static' || edge.kind === 'require' ? target.importers : edge.kind === 'dynamic' ? target.dynamicImporters : null
      if (!list) continue
      const last = list[list.length - 1]
      if (last === module.id) continue
      if (last !== undefined && last > module.id) sorted = false
      list.push(module.id)
    }
  }
  if (!sorted) {
    const sortUnique = (values: string[]): string[] => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
    for (const lists of derived.values()) {
      lists.importers = sortUnique(lists.importers)
      lists.dynamicImporters = sortUnique(lists.dynamicImporters)
    }
  }
  return derived
}

const MODULE_DEFAULTS: Cell[] = [null, -1, null, 0, null, 2, 0, [], 0, 0]
const CHUNK_DEFAULTS: Cell[] = [null, 0, null, 0, -1, [], [], [], [], null, 0, []]
const PACKAGE_DEFAULTS: Cell[] = [null, null, -1, null, 0]

export function encodePayload(report: Report): Payload {
  const table = new StringTable()
  for (const output of report.outputs) table.add(output.file)
  for (const chunk of report.chunks) {
    table.add(chunk.file)
    table.add(chunk.name)
    table.add(chunk.entryModule)
    table.addAll(chunk.imports)
    table.addAll(chunk.dynamicImports)
    table.addAll(chunk.css)
    table.addAll(chunk.assets)
    for (const part of chunk.modules) {
      table.add(part.id)
      table.addAll(part.renderedExports)
    }
  }
  for (const module of report.modules) {
    table.add(module.id)
    table.add(module.package)
    table.addAll(module.exports)
    for (const edge of module.imports) table.add(edge.id)
    table.addAll(module.importers)
    table.addAll(module.dynamicImporters)
  }
  for (const pkg of report.packages) {
    table.add(pkg.id)
    table.add(pkg.name)
    table.add(pkg.version)
  }
  const strings = table.seal()

  const outputs: (number | null)[] = []
  for (const output of report.outputs) {
    outputs.push(table.ref(output.file), codeOf(OUTPUT_KINDS, output.kind, 'output kind'), output.rawBytes, output.gzipBytes, output.brotliBytes)
  }

  const exportsOf = new Map(report.modules.map(module => [module.id, module.exports]))
  const chunks = report.chunks.map((chunk) => {
    const parts: Cell[] = []
    for (const part of chunk.modules) {
      const declared = exportsOf.get(part.id)
      const renderedExports: Cell = part.renderedExports === null
        ? 0
        : declared && sameList(part.renderedExports, declared) ? 1 : table.refs_(part.renderedExports)
      parts.push(table.ref(part.id), part.rawBytes, part.gzipBytes, part.brotliBytes, part.renderedBytes, renderedExports)
    }
    return trimDefaults([
      table.ref(chunk.file),
      chunk.kind === 'css' ? 1 : 0,
      table.ref(chunk.name),
      (chunk.isEntry ? 1 : 0) | (chunk.isDynamicEntry ? 2 : 0),
      table.refOrNone(chunk.entryModule),
      table.refs_(chunk.imports),
      table.refs_(chunk.dynamicImports),
      table.refs_(chunk.css),
      table.refs_(chunk.assets),
      [chunk.glue.rawBytes, chunk.glue.gzipBytes, chunk.glue.brotliBytes],
      codeOf(ATTRIBUTIONS, chunk.attribution, 'attribution method'),
      parts,
    ], CHUNK_DEFAULTS)
  })

  const derived = deriveImporters(report.modules)
  const modules = report.modules.map((module) => {
    const imports: number[] = []
    for (const edge of module.imports) imports.push(table.ref(edge.id), codeOf(IMPORT_KINDS, edge.kind, 'import kind'))
    const lists = derived.get(module.id)!
    return trimDefaults([
      table.ref(module.id),
      table.refOrNone(module.package),
      module.originalBytes,
      codeOf(FORMATS, module.format, 'module format'),
      module.exports === null ? null : table.refs_(module.exports),
      encodeTriState(module.sideEffects),
      module.isEntry ? 1 : 0,
      imports,
      sameList(module.importers, lists.importers) ? 0 : table.refs_(module.importers),
      sameList(module.dynamicImporters, lists.dynamicImporters) ? 0 : table.refs_(module.dynamicImporters),
    ], MODULE_DEFAULTS)
  })

  const packages = report.packages.map(pkg => trimDefaults([
    table.ref(pkg.id),
    table.ref(pkg.name),
    table.refOrNone(pkg.version),
    pkg.sideEffects,
    pkg.hasEsmBuild ? 1 : 0,
  ], PACKAGE_DEFAULTS))

  const header: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(report)) {
    if (!KNOWN_KEYS.has(key)) header[key] = value
  }

  return {
    v: PAYLOAD_VERSION,
    s: strings,
    h: header,
    o: outputs,
    c: chunks,
    m: modules,
    p: packages,
    e: report.entries,
    f: report.findings,
    b: report.budgets,
    d: report.diff,
    r: report.runtime,
  }
}

function decodeStrings(coded: readonly (number | string)[]): string[] {
  const strings: string[] = []
  let previous = ''
  for (let index = 0; index < coded.length; index += 2) {
    const value = previous.slice(0, coded[index] as number) + (coded[index + 1] as string)
    strings.push(value)
    previous = value
  }
  return strings
}

function decodeSizes(cell: unknown): Sizes {
  const [rawBytes, gzipBytes, brotliBytes] = cell as [number, number | null, number | null]
  return { rawBytes, gzipBytes, brotliBytes }
}

export function decodePayload(payload: Payload): Report {
  if (payload.v !== PAYLOAD_VERSION) throw new Error(`Unsupported report payload version ${String(payload.v)}; expected ${PAYLOAD_VERSION}`)
  const strings = decodeStrings(payload.s)
  const str = (ref: unknown): string => strings[ref as number]!
  const strOrNull = (ref: unknown): string | null => (ref === undefined || ref === -1 ? null : strings[ref as number]!)
  const strs = (refs: unknown): string[] => ((refs as Ref[] | undefined) ?? []).map(ref => strings[ref]!)

  const outputs: Output[] = []
  for (let index = 0; index < payload.o.length; index += 5) {
    const o = payload.o
    outputs.push({
      file: str(o[index]),
      kind: OUTPUT_KINDS[o[index + 1] as number]!,
      rawBytes: o[index + 2] as number,
      gzipBytes: o[index + 3] ?? null,
      brotliBytes: o[index + 4] ?? null,
    })
  }

  const modules: Module[] = payload.m.map(record => ({
    id: str(record[0]),
    package: strOrNull(record[1]),
    originalBytes: (record[2] as number | null | undefined) ?? null,
    format: FORMATS[(record[3] as number | undefined) ?? 0]!,
    exports: record[4] === undefined || record[4] === null ? null : strs(record[4]),
    sideEffects: decodeTriState(record[5]),
    isEntry: record[6] === 1,
    imports: decodeImports(record[7] as number[] | undefined),
    importers: Array.isArray(record[8]) ? strs(record[8]) : [],
    dynamicImporters: Array.isArray(record[9]) ? strs(record[9]) : [],
  }))
  const needsImporters = payload.m.map(record => !Array.isArray(record[8]))
  const needsDynamicImporters = payload.m.map(record => !Array.isArray(record[9]))
  const derived = deriveImporters(modules)
  modules.forEach((module, index) => {
    const lists = derived.get(module.id)!
    if (needsImporters[index]) module.importers = lists.importers
    if (needsDynamicImporters[index]) module.dynamicImporters = lists.dynamicImporters
  })
  const exportsOf = new Map(modules.map(module => [module.id, module.exports]))

  function decodeImports(flat: number[] | undefined): Module['imports'] {
    const imports: Module['imports'] = []
    if (!flat) return imports
    for (let index = 0; index < flat.length; index += 2) {
      imports.push({ id: strings[flat[index]!]!, kind: IMPORT_KINDS[flat[index + 1]!]! })
    }
    return imports
  }

  const chunks: Chunk[] = payload.c.map((record) => {
    const flat = (record[11] as Cell[] | undefined) ?? []
    const parts: ChunkModule[] = []
    for (let index = 0; index < flat.length; index += 6) {
      const id = str(flat[index])
      const renderedExports = flat[index + 5]
      parts.push({
        id,
        rawBytes: flat[index + 1] as number,
        gzipBytes: (flat[index + 2] as number | null) ?? null,
        brotliBytes: (flat[index + 3] as number | null) ?? null,
        renderedBytes: (flat[index + 4] as number | null) ?? null,
        renderedExports: renderedExports === 0 || renderedExports === undefined
          ? null
          : renderedExports === 1 ? [...(exportsOf.get(id) ?? [])] : strs(renderedExports),
      })
    }
    const flags = (record[3] as number | undefined) ?? 0
    return {
      file: str(record[0]),
      kind: record[1] === 1 ? 'css' : 'js',
      name: str(record[2]),
      isEntry: (flags & 1) !== 0,
      isDynamicEntry: (flags & 2) !== 0,
      entryModule: strOrNull(record[4]),
      imports: strs(record[5]),
      dynamicImports: strs(record[6]),
      css: strs(record[7]),
      assets: strs(record[8]),
      modules: parts,
      glue: decodeSizes(record[9]),
      attribution: ATTRIBUTIONS[(record[10] as number | undefined) ?? 0]!,
    }
  })

  const packages: Package[] = payload.p.map(record => ({
    id: str(record[0]),
    name: str(record[1]),
    version: strOrNull(record[2]),
    sideEffects: (record[3] as Package['sideEffects'] | undefined) ?? null,
    hasEsmBuild: record[4] === 1,
  }))

  return {
    ...(payload.h as Pick<Report, 'schemaVersion' | 'generator' | 'bundler' | 'compression'>),
    outputs,
    chunks,
    modules,
    packages,
    entries: payload.e,
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
