/**
 * webpack / Rspack stats JSON → `CollectedBuild`. One converter for both paths: the plugin calls it
 * with `compilation.getStats().toJson(STATS_OPTIONS)` and the emitted assets in memory, the CLI with
 * a saved `stats.json` and the files on disk.
 *
 * What stats tell us: chunks and their files, modules per chunk (concatenated modules broken back
 * into their parts through `modules[]`), module edges (`reasons`), entrypoints. What they do not:
 * per-module bytes of the minified output. Those come from the emitted source maps when the build
 * has them (webpack `devtool: 'source-map' | 'hidden-source-map'`); forcing maps is not an option,
 * since it changes the minifier's output (verified: terser and SWC mangle differently with maps).
 * Without maps, module figures are the bundler's pre-minification sizes (`renderedLength`), which the
 * core scales as an estimate.
 */
import path from 'node:path'
import type { CollectedBuild, CollectedChunk, CollectedChunkModule, CollectedFile, CollectedModule } from '@weighbridge/core'
import { InputError } from './input-error'
import { findSourceMappingUrl, readSourceMapOf, toModuleRanges } from './source-map'

type Id = string | number

export interface WebpackStatsReason {
  type?: string | null
  moduleIdentifier?: string | null
  resolvedModuleIdentifier?: string | null
  userRequest?: string | null
}

export interface WebpackStatsModule {
  type?: string
  moduleType?: string
  identifier?: string
  name?: string
  nameForCondition?: string | null
  size?: number
  id?: Id | null
  chunks?: Id[]
  reasons?: WebpackStatsReason[]
  modules?: WebpackStatsModule[]
  providedExports?: string[] | null
  orphan?: boolean
}

export interface WebpackStatsChunk {
  id: Id | null
  names?: string[]
  files?: string[]
  auxiliaryFiles?: string[]
  initial?: boolean
  entry?: boolean
  parents?: Id[]
  children?: Id[]
  siblings?: Id[]
  modules?: WebpackStatsModule[]
}

export interface WebpackStatsAsset {
  name: string
  size?: number
  type?: string
  info?: { related?: Record<string, string | string[]> }
  related?: WebpackStatsAsset[]
}

export interface WebpackStatsEntrypoint {
  name?: string
  chunks?: Id[]
}

export interface WebpackStats {
  version?: string
  rspackVersion?: string
  outputPath?: string
  assets?: WebpackStatsAsset[]
  chunks?: WebpackStatsChunk[]
  modules?: WebpackStatsModule[]
  entrypoints?: Record<string, WebpackStatsEntrypoint>
  children?: WebpackStats[]
}

/** The stats options the plugin asks for, and the ones the CLI's error message tells users to set. */
export const STATS_OPTIONS = {
  all: false,
  version: true,
  outputPath: true,
  assets: true,
  cachedAssets: true,
  relatedAssets: true,
  chunks: true,
  chunkModules: true,
  chunkRelations: true,
  modules: true,
  nestedModules: true,
  // Off, webpack hides modules that only other modules depend on (a concatenated entry's parts)
  // and, in watch rebuilds, cached ones, behind group entries without ids.
  dependentModules: true,
  cachedModules: true,
  // Rspack files a concatenated module's parts as orphans: without this they are one nameless group.
  orphanModules: true,
  runtimeModules: false,
  reasons: true,
  ids: true,
  entrypoints: true,
  providedExports: true,
  modulesSpace: Number.POSITIVE_INFINITY,
  chunkModulesSpace: Number.POSITIVE_INFINITY,
  nestedModulesSpace: Number.POSITIVE_INFINITY,
  assetsSpace: Number.POSITIVE_INFINITY,
  reasonsSpace: Number.POSITIVE_INFINITY,
  groupModulesByType: false,
  groupModulesByCacheStatus: false,
  groupModulesByLayer: false,
  groupModulesByAttributes: false,
  groupModulesByPath: false,
  groupModulesByExtension: false,
  groupAssetsByChunk: false,
  groupAssetsByEmitStatus: false,
  groupAssetsByInfo: false,
  groupAssetsByPath: false,
  groupAssetsByExtension: false,
  groupReasonsByOrigin: false,
} as const

export const STATS_HINT = 'stats: { all: false, assets: true, chunks: true, chunkModules: true, modules: true, nestedModules: true, dependentModules: true, orphanModules: true, reasons: true, ids: true, entrypoints: true }'

export interface WebpackStatsSource {
  stats: WebpackStats
  /** Label for messages (the stats file, or `webpack compilation`). */
  label: string
  /** Absolute project root (webpack's `context`): relative module names resolve against it. */
  root: string
  /** Absolute folder of the emitted files. */
  outputPath: string
  /** Contents of an emitted file by its name relative to `outputPath`; null when missing. */
  readFile: (name: string) => Uint8Array | null
}

const JS_FILE = /\.(?:m|c)?js$/
const textDecoder = new TextDecoder('utf-8', { ignoreBOM: true })
const CSS_FILE = /\.css$/
const MAP_FILE = /\.map$/

/** Converts stats to a `CollectedBuild`. Throws `InputError` when the stats lack what we need. */
export function collectWebpackStats(source: WebpackStatsSource): CollectedBuild {
  const stats = pickCompilation(source.stats, source.label)
  const { root, outputPath, label } = source
  const statsChunks = stats.chunks ?? []

  const resourceOf = (m: WebpackStatsModule): string => resolveModuleResource(m, root)
  // identifier → resource (concatenated modules map to their root module's resource)
  const resourceByIdentifier = new Map<string, string>()
  const collectedModules = new Map<string, CollectedModule>()
  const getModule = (id: string): CollectedModule => {
    let m = collectedModules.get(id)
    if (!m) {
      m = { id, importedIds: [], dynamicallyImportedIds: [], requiredIds: [] }
      collectedModules.set(id, m)
    }
    return m
  }

  const chunkModules = new Map<Id, WebpackStatsModule[]>()
  // Orphans (in no chunk: a concatenated module's parts, build-time modules) are read as parts only.
  const topModules = (stats.modules ?? []).filter(m => isRealModule(m) && m.orphan !== true)
  const hasChunkModules = statsChunks.some(c => Array.isArray(c.modules))
  if (hasChunkModules) {
    // Rspack also lists a part under the chunk of its concatenated module (as an orphan): once is enough.
    for (const chunk of statsChunks)
      chunkModules.set(chunk.id ?? '', (chunk.modules ?? []).filter(m => isRealModule(m) && m.orphan !== true))
  }
  else {
    for (const m of topModules) {
      for (const chunkId of m.chunks ?? []) {
        const list = chunkModules.get(chunkId) ?? []
        list.push(m)
        chunkModules.set(chunkId, list)
      }
    }
  }
  const allModules = topModules.length > 0 ? topModules : [...chunkModules.values()].flat()
  if (statsChunks.length === 0 || allModules.length === 0)
    throw new InputError(label, `${label}: the stats have no ${statsChunks.length === 0 ? 'chunks' : 'modules'}, so bytes cannot be attributed. Generate them with ${STATS_HINT} (or \`webpack --json\` with the default preset).`)

  // Register every module (and the parts of concatenated ones) with its edges.
  const seenIdentifiers = new Set<string>()
  const registerModule = (m: WebpackStatsModule): void => {
    const key = m.identifier ?? m.name ?? ''
    if (seenIdentifiers.has(key))
      return
    seenIdentifiers.add(key)
    const resource = resourceOf(m)
    resourceByIdentifier.set(key, resource)
    const collected = getModule(resource)
    if (m.moduleType === 'javascript/esm')
      collected.format = 'esm'
    else if (m.moduleType === 'javascript/dynamic')
      collected.format = 'cjs'
    if (Array.isArray(m.providedExports) && !m.modules)
      collected.exports = [...new Set([...(collected.exports ?? []), ...m.providedExports])].sort()
    for (const inner of innerModulesOf(m))
      registerModule(inner)
  }
  for (const m of allModules)
    registerModule(m)

  for (const m of allModules.flatMap(m => [m, ...innerModulesOf(m)])) {
    const resource = resourceOf(m)
    for (const reason of m.reasons ?? []) {
      const type = reason.type ?? ''
      if (type === 'entry') {
        getModule(resource).isEntry = true
        continue
      }
      const importerKey = reason.moduleIdentifier ?? reason.resolvedModuleIdentifier
      if (!importerKey)
        continue
      const importer = resourceByIdentifier.get(importerKey)
      if (!importer || importer === resource)
        continue
      const from = getModule(importer)
      const kind = classifyReason(type)
      if (kind === null)
        continue
      const list = kind === 'dynamic' ? from.dynamicallyImportedIds! : kind === 'require' ? from.requiredIds! : from.importedIds!
      if (!list.includes(resource))
        list.push(resource)
    }
  }

  // Assets: every emitted file, with contents.
  const assetNames = new Set<string>()
  const relatedMaps = new Map<string, string>()
  const addAsset = (asset: WebpackStatsAsset): void => {
    assetNames.add(asset.name)
    const related = asset.info?.related?.sourceMap
    const mapName = Array.isArray(related) ? related[0] : related
    if (mapName)
      relatedMaps.set(asset.name, mapName)
    for (const child of asset.related ?? [])
      addAsset(child)
  }
  for (const asset of stats.assets ?? [])
    addAsset(asset)
  for (const chunk of statsChunks) {
    for (const file of [...(chunk.files ?? []), ...(chunk.auxiliaryFiles ?? [])])
      assetNames.add(file)
  }

  const contentsByName = new Map<string, Uint8Array>()
  /** Sizes of the source maps read for attribution: reported raw only, so their bytes are not kept. */
  const mapSizes = new Map<string, number>()
  const readAsset = (name: string, keep = true): Uint8Array => {
    const cached = contentsByName.get(name)
    if (cached)
      return cached
    const contents = source.readFile(name)
    if (!contents)
      throw new InputError(label, `${label}: lists the output file ${name}, but it is not in ${outputPath}. Pass the build's output folder with --dist, or analyze the files that belong to these stats.`)
    if (keep)
      contentsByName.set(name, contents)
    return contents
  }

  const chunkById = new Map<Id, WebpackStatsChunk>()
  for (const chunk of statsChunks)
    chunkById.set(chunk.id ?? '', chunk)
  const filesOf = (ids: Id[] | undefined, test: RegExp): string[] => (ids ?? []).flatMap(id => (chunkById.get(id)?.files ?? []).filter(f => test.test(f)))
  const abs = (name: string): string => path.resolve(outputPath, name)

  // Entrypoints: the chunk carrying the entry module is the entry chunk; the other chunks of the
  // entrypoint (runtime, split vendors) are its static imports.
  const entryChunkOf = new Map<Id, { name: string, others: Id[] }>()
  for (const [name, entrypoint] of Object.entries(stats.entrypoints ?? {})) {
    const ids = entrypoint.chunks ?? []
    const main = ids.find(id => chunkById.get(id)?.names?.includes(name)) ?? ids.at(-1)
    if (main === undefined)
      continue
    entryChunkOf.set(main, { name, others: ids.filter(id => id !== main) })
  }

  const files: CollectedFile[] = []
  const chunkFileNames = new Set<string>()
  for (const chunk of statsChunks) {
    const chunkId = chunk.id ?? ''
    const modules = chunkModules.get(chunkId) ?? []
    const entry = entryChunkOf.get(chunkId)
    const jsFiles = (chunk.files ?? []).filter(f => JS_FILE.test(f))
    const cssFiles = (chunk.files ?? []).filter(f => CSS_FILE.test(f))
    const siblings = [...(chunk.siblings ?? []), ...(entry?.others ?? [])]
    const children = [...new Set([...(chunk.children ?? []), ...(entry?.others ?? []).flatMap(id => chunkById.get(id)?.children ?? [])])]
    const assets = (chunk.auxiliaryFiles ?? []).filter(f => !MAP_FILE.test(f)).map(abs)
    const chunkName = chunk.names?.[0] ?? String(chunkId)
    const entryModule = findEntryModule(modules, entry ? 'entry' : chunk.initial ? null : 'import()', resourceOf)

    jsFiles.forEach((file, index) => {
      const chunkModulesList = index === 0 ? modules.filter(m => !isCssModule(m)) : []
      const collectedChunk: CollectedChunk = {
        name: chunkName,
        kind: 'js',
        isEntry: entry !== undefined,
        isDynamicEntry: chunk.initial === false,
        ...(entryModule ? { entryModule } : {}),
        imports: filesOf([...new Set(siblings)], JS_FILE).filter(f => f !== file).map(abs).sort(),
        dynamicImports: filesOf(children, JS_FILE).map(abs).sort(),
        css: [...cssFiles, ...filesOf(siblings, CSS_FILE)].map(abs).sort(),
        assets,
        modules: toChunkModules(chunkModulesList, resourceOf),
      }
      files.push(makeChunkFile(file, collectedChunk))
    })
    cssFiles.forEach((file, index) => {
      const collectedChunk: CollectedChunk = {
        name: chunkName,
        kind: 'css',
        isEntry: false,
        isDynamicEntry: false,
        imports: [],
        dynamicImports: [],
        assets: [],
        modules: toChunkModules(index === 0 ? modules.filter(isCssModule) : [], resourceOf),
      }
      files.push(makeChunkFile(file, collectedChunk))
    })
  }

  function makeChunkFile(name: string, chunk: CollectedChunk): CollectedFile {
    chunkFileNames.add(name)
    const contents = readAsset(name)
    const mapName = relatedMaps.get(name) ?? findMapName(name, contents)
    if (mapName && (assetNames.has(mapName) || source.readFile(mapName))) {
      const mapBytes = readAsset(mapName, false)
      mapSizes.set(mapName, mapBytes.length)
      const { map, sources, scan } = readSourceMapOf(mapBytes, mapName, textDecoder.decode(contents), contents.length, name, root, abs(mapName))
      // Sources the mappings use are modules of the chunk (the parts of concatenated modules too).
      const indexById = new Map(chunk.modules.map((m, index) => [m.id, index]))
      const moduleOfSource = new Int32Array(sources.length).fill(-1)
      sources.forEach((id, index) => {
        if (id === null || scan.usedSources[index] !== 1)
          return
        let moduleIndex = indexById.get(id)
        if (moduleIndex === undefined) {
          moduleIndex = chunk.modules.length
          indexById.set(id, moduleIndex)
          chunk.modules.push({ id })
          getModule(id)
        }
        moduleOfSource[index] = moduleIndex
      })
      // The map's byte ranges (the core gives modules with code but no mapping the unmapped gaps
      // around them); the map itself is kept only when it places nothing, for the core's fallbacks.
      const segments = toModuleRanges(scan, moduleOfSource)
      if (segments.length > 0)
        chunk.ranges = { method: 'sourcemap', segments }
      else
        chunk.map = { ...map } // the mappings string, not the getter holding the map file's bytes
    }
    return { fileName: abs(name), contents, chunk }
  }

  for (const name of [...assetNames].sort()) {
    if (!chunkFileNames.has(name))
      files.push(mapSizes.has(name) ? { fileName: abs(name), contents: new Uint8Array(0), sizeBytes: mapSizes.get(name)! } : { fileName: abs(name), contents: readAsset(name) })
  }

  return {
    bundler: stats.rspackVersion ? 'rspack' : 'webpack',
    ...(stats.rspackVersion ?? stats.version ? { bundlerVersion: stats.rspackVersion ?? stats.version } : {}),
    root,
    files: files.sort((a, b) => compare(a.fileName, b.fileName)),
    modules: [...collectedModules.values()].sort((a, b) => compare(a.id, b.id)),
  }
}

/** A multi-compiler stats object holds one compilation per child: use the first with modules. */
function pickCompilation(stats: WebpackStats, label: string): WebpackStats {
  if (!stats || typeof stats !== 'object' || Array.isArray(stats))
    throw new InputError(label, `${label}: not a webpack or Rspack stats object (expected a JSON object with "chunks" and "modules").`)
  if (!stats.chunks && Array.isArray(stats.children) && stats.children.length > 0) {
    const child = stats.children.find(c => c && Array.isArray(c.chunks))
    if (child)
      return { ...child, version: child.version ?? stats.version, rspackVersion: child.rspackVersion ?? stats.rspackVersion }
  }
  if (!Array.isArray(stats.chunks) && !Array.isArray(stats.modules))
    throw new InputError(label, `${label}: the stats have no "chunks" or "modules" (a \`stats: 'normal'\` or 'minimal' preset leaves module info out). Generate them with ${STATS_HINT}.`)
  return stats
}

export function isRealModule(m: WebpackStatsModule): boolean {
  return m !== null && typeof m === 'object' && (m.type === undefined || m.type === 'module') && (typeof m.identifier === 'string' || typeof m.name === 'string') && m.moduleType !== 'runtime'
}

/** The parts of a concatenated module (group entries without an id, e.g. 'dependent modules', left out). */
export function innerModulesOf(m: WebpackStatsModule): WebpackStatsModule[] {
  return Array.isArray(m.modules) ? m.modules.filter(isRealModule) : []
}

export function isCssModule(m: WebpackStatsModule): boolean {
  return (m.moduleType ?? '').startsWith('css')
}

/** A module's absolute resource path, or `\0<identifier>` for modules without a file (externals, runtime). */
export function resolveModuleResource(m: WebpackStatsModule, root: string): string {
  if (m.nameForCondition && path.isAbsolute(m.nameForCondition))
    return stripQuery(m.nameForCondition)
  const name = (m.name ?? '').replace(/ \+ \d+ modules?$/, '')
  const lastLoader = name.lastIndexOf('!')
  const request = stripQuery(lastLoader === -1 ? name : name.slice(lastLoader + 1))
  if (request.startsWith('./') || request.startsWith('../'))
    return path.resolve(root, request)
  if (path.isAbsolute(request))
    return request
  return `\0${m.name ?? m.identifier}`
}

function stripQuery(request: string): string {
  const question = request.indexOf('?')
  return question > 0 ? request.slice(0, question) : request
}

function classifyReason(type: string): 'static' | 'dynamic' | 'require' | null {
  if (type.startsWith('import()') || type === 'import() eager' || type === 'import() weak')
    return 'dynamic'
  if (type.startsWith('cjs self') || type === 'module decorator' || type === 'entry')
    return null
  if (type.startsWith('cjs') || type.startsWith('require') || type.startsWith('amd'))
    return 'require'
  return 'static'
}

function findEntryModule(modules: WebpackStatsModule[], reasonType: 'entry' | 'import()' | null, resourceOf: (m: WebpackStatsModule) => string): string | undefined {
  if (reasonType === null)
    return undefined
  for (const m of modules) {
    const candidates = [m, ...(m.modules ?? [])]
    for (const candidate of candidates) {
      if ((candidate.reasons ?? []).some(r => (r.type ?? '').startsWith(reasonType)))
        return resourceOf(candidate)
    }
    // A concatenated module's root carries the outside reasons on the wrapper.
    if (m.modules && (m.reasons ?? []).some(r => (r.type ?? '').startsWith(reasonType)))
      return resourceOf(m)
  }
  return undefined
}

function toChunkModules(modules: WebpackStatsModule[], resourceOf: (m: WebpackStatsModule) => string): CollectedChunkModule[] {
  const byId = new Map<string, CollectedChunkModule>()
  for (const m of modules) {
    const inner = innerModulesOf(m)
    const parts = inner.length > 0 ? inner : [m]
    for (const part of parts) {
      const id = resourceOf(part)
      const existing = byId.get(id)
      const size = typeof part.size === 'number' ? part.size : 0
      if (existing)
        existing.renderedLength = (existing.renderedLength ?? 0) + size
      else
        byId.set(id, { id, renderedLength: size })
    }
  }
  return [...byId.values()]
}

function findMapName(name: string, contents: Uint8Array): string | null {
  const url = findSourceMappingUrl(textDecoder.decode(contents.subarray(Math.max(0, contents.length - 4096))))
  if (!url || url.startsWith('data:'))
    return null
  return path.posix.join(path.posix.dirname(name), url)
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}
