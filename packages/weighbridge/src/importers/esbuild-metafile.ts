/**
 * esbuild metafile → `CollectedBuild`, for the esbuild adapter (`onEnd`) and the CLI.
 *
 * The metafile gives exact bytes per input in each output (`bytesInOutput`), so module figures are
 * the bundler's own (`outputBytes`). Paths in it are relative to `absWorkingDir`.
 */
import path from 'node:path'
import type { CollectedBuild, CollectedChunk, CollectedFile, CollectedModule } from '@weighbridge/core'
import { InputError } from './input-error'
import { readSourceMapOf } from './source-map'

export interface MetafileImport {
  path: string
  kind: string
  external?: boolean
  original?: string
}

export interface MetafileInput {
  bytes: number
  imports: MetafileImport[]
  format?: 'esm' | 'cjs'
}

export interface MetafileOutput {
  bytes: number
  inputs: Record<string, { bytesInOutput: number }>
  imports: MetafileImport[]
  exports?: string[]
  entryPoint?: string
  cssBundle?: string
}

export interface Metafile {
  inputs: Record<string, MetafileInput>
  outputs: Record<string, MetafileOutput>
}

export interface MetafileSource {
  metafile: Metafile
  /** Label for messages (the metafile path, or `esbuild build`). */
  label: string
  /** esbuild's `absWorkingDir`: every metafile path is relative to it. */
  workingDir: string
  /** Absolute project root for the report (usually the working dir). */
  root: string
  /** Contents of an output by its absolute path; null when missing. */
  readFile: (absolutePath: string) => Uint8Array | null
  /** Absolute paths of the build's declared entry points, when known (the plugin knows them). */
  entryPoints?: string[]
  bundlerVersion?: string
}

const JS_FILE = /\.(?:m|c)?js$/
const CSS_FILE = /\.css$/

/** Throws `InputError` unless `value` has the shape of an esbuild metafile. */
export function assertMetafile(value: unknown, label: string): asserts value is Metafile {
  const problem = describeMetafileProblem(value)
  if (problem)
    throw new InputError(label, `${label}: not an esbuild metafile (${problem}). Write it with \`metafile: true\` and \`fs.writeFileSync('meta.json', JSON.stringify(result.metafile))\`.`)
}

function describeMetafileProblem(value: unknown): string | null {
  if (!isObject(value))
    return 'expected a JSON object with "inputs" and "outputs"'
  if (!isObject(value.inputs) || !isObject(value.outputs))
    return 'expected "inputs" and "outputs" objects'
  for (const [name, input] of Object.entries(value.inputs)) {
    if (!isObject(input) || typeof input.bytes !== 'number' || !Array.isArray(input.imports))
      return `input "${name}" lacks "bytes" or "imports"`
    for (const imported of input.imports) {
      if (!isObject(imported) || typeof imported.path !== 'string' || typeof imported.kind !== 'string')
        return `input "${name}" has an import without "path" and "kind"`
    }
  }
  for (const [name, output] of Object.entries(value.outputs)) {
    if (!isObject(output) || typeof output.bytes !== 'number' || !isObject(output.inputs) || !Array.isArray(output.imports))
      return `output "${name}" lacks "bytes", "inputs" or "imports"`
    for (const [inputName, input] of Object.entries(output.inputs)) {
      if (!isObject(input) || typeof input.bytesInOutput !== 'number')
        return `output "${name}" has input "${inputName}" without "bytesInOutput"`
    }
    for (const imported of output.imports) {
      if (!isObject(imported) || typeof imported.path !== 'string' || typeof imported.kind !== 'string')
        return `output "${name}" has an import without "path" and "kind"`
    }
  }
  return null
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
}

/** Converts a metafile (and the output files) to a `CollectedBuild`. */
export function collectMetafile(source: MetafileSource): CollectedBuild {
  const { metafile, workingDir, label } = source
  assertMetafile(metafile, label)
  const abs = (p: string): string => inputId(p, workingDir)

  const dynamicTargets = new Set<string>()
  const modules = new Map<string, CollectedModule>()
  for (const [name, input] of Object.entries(metafile.inputs)) {
    const id = abs(name)
    const m: CollectedModule = { id, importedIds: [], dynamicallyImportedIds: [], requiredIds: [] }
    if (input.format)
      m.format = input.format
    for (const imported of input.imports) {
      if (imported.external)
        continue
      const target = abs(imported.path)
      if (imported.kind === 'dynamic-import') {
        dynamicTargets.add(target)
        m.dynamicallyImportedIds!.push(target)
      }
      else if (imported.kind === 'require-call') {
        m.requiredIds!.push(target)
      }
      else if (imported.kind !== 'require-resolve' && imported.kind !== 'entry-point') {
        m.importedIds!.push(target)
      }
    }
    modules.set(id, m)
  }
  const declaredEntries = source.entryPoints ? new Set(source.entryPoints) : null

  const files: CollectedFile[] = []
  const outputNames = Object.keys(metafile.outputs)
  const mapsByOutput = new Map<string, string>()
  for (const name of outputNames) {
    if (name.endsWith('.map'))
      mapsByOutput.set(name.slice(0, -4), name)
  }
  const read = (name: string): Uint8Array => {
    const contents = source.readFile(path.resolve(workingDir, name))
    if (!contents)
      throw new InputError(label, `${label}: lists the output ${name}, but ${path.resolve(workingDir, name)} does not exist. Run the CLI from the build's working directory (or pass --root), or rebuild.`)
    return contents
  }

  for (const name of outputNames.sort()) {
    const output = metafile.outputs[name]!
    const fileName = path.resolve(workingDir, name)
    const isJs = JS_FILE.test(name)
    const isCss = CSS_FILE.test(name)
    if (!isJs && !isCss) {
      files.push({ fileName, contents: read(name) })
      continue
    }
    const entryId = output.entryPoint ? abs(output.entryPoint) : undefined
    const isDynamicEntry = entryId !== undefined && (declaredEntries ? !declaredEntries.has(entryId) : dynamicTargets.has(entryId))
    const chunk: CollectedChunk = {
      name: path.basename(name).replace(/\.[^.]+$/, ''),
      kind: isJs ? 'js' : 'css',
      isEntry: isJs && entryId !== undefined && !isDynamicEntry,
      isDynamicEntry: isJs && isDynamicEntry,
      ...(entryId && isJs ? { entryModule: entryId } : {}),
      imports: output.imports.filter(i => i.kind === 'import-statement' && !i.external && JS_FILE.test(i.path)).map(i => path.resolve(workingDir, i.path)).sort(),
      dynamicImports: output.imports.filter(i => i.kind === 'dynamic-import' && !i.external && JS_FILE.test(i.path)).map(i => path.resolve(workingDir, i.path)).sort(),
      css: output.cssBundle ? [path.resolve(workingDir, output.cssBundle)] : [],
      assets: output.imports.filter(i => i.kind === 'file-loader' || (i.kind === 'url-token' && !i.external)).map(i => path.resolve(workingDir, i.path)).sort(),
      modules: Object.entries(output.inputs).map(([input, { bytesInOutput }]) => ({ id: abs(input), outputBytes: bytesInOutput })),
    }
    const entryInfo = entryId ? modules.get(entryId) : undefined
    if (entryInfo && output.exports && !entryInfo.exports)
      entryInfo.exports = [...output.exports].sort()
    if (entryInfo && chunk.isEntry)
      entryInfo.isEntry = true
    const contents = read(name)
    const mapName = mapsByOutput.get(name)
    if (mapName) {
      const mapFile = path.resolve(workingDir, mapName)
      const decoder = new TextDecoder('utf-8', { ignoreBOM: true })
      // Checked against the file; the module bytes are esbuild's own (`bytesInOutput`), not the map's.
      // Spread: the mappings string, not the getter holding the map file's bytes.
      chunk.map = { ...readSourceMapOf(read(mapName), mapFile, decoder.decode(contents), contents.length, fileName, source.root).map }
    }
    files.push({ fileName, contents, chunk })
  }

  return {
    bundler: 'esbuild',
    ...(source.bundlerVersion ? { bundlerVersion: source.bundlerVersion } : {}),
    root: source.root,
    files,
    modules: [...modules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  }
}

/** esbuild names inputs relative to the working dir; namespaced ones (`ns:path`) stay virtual. */
function inputId(name: string, workingDir: string): string {
  const namespace = /^([a-z][\w-]*):(?!\/\/)/i.exec(name)
  if (namespace && namespace[1] !== 'file' && name.length > 2 && !/^[a-z]:[\\/]/i.test(name))
    return `\0${name}`
  return path.resolve(workingDir, name.replace(/^file:/, ''))
}
