/**
 * The Rollup-family adapter (Rollup 4, Rolldown, Vite 8): reads the finished bundle in
 * `generateBundle` (order 'post') and the module graph through `this.getModuleInfo`, collects one
 * `CollectedBuild` per build (all outputs), and hands it to `finishBuild()` once, in `closeBundle`.
 *
 * Source maps: the plugin does not ask for them by default. Minified output is attributed by aligning
 * each module's pre-minify `code` with the chunk (`aligned`, see core's align-minified.ts): forcing
 * maps made a plain Vite 8 build 1.7-1.9x slower and used 36-42 % more memory. The user's own maps
 * are used when they turned them on. With `attribution: 'sourcemap'` the plugin sets
 * `sourcemap: 'hidden'` (the code does not change, there is no `//# sourceMappingURL`) so minified
 * output is attributed through the map, and removes those `.map` files from the bundle before they
 * are written.
 */
import type { BundlerName, CollectedBuild, CollectedChunk, CollectedFile, CollectedHtmlPage, CollectedModule, CollectedSourceMap } from '@weighbridge/core'
import type { PluginSession } from '../session'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { isStyleModuleId, prefetchCollectedFile } from '@weighbridge/core'
import { finishBuild, resolveProjectRoot } from '../pipeline'
import { readPageReferences } from './html-page'

export type RollupFamilyKey = 'rollup' | 'rolldown' | 'vite'

const INSPECT = Symbol.for('nodejs.util.inspect.custom')

/**
 * The error that fails a Rollup / Rolldown / Vite build for a user mistake (a broken budget, a bad
 * baseline): the CLIs print it without a stack trace. Rollup's CLI prints `error.stack` (dimmed)
 * when there is one: it is empty. Vite's CLI prints `error during build:` and `util.inspect(error)`,
 * which would list the stack and the `code` / `plugin` / `hook` fields the bundler adds: the custom
 * inspection answers with the message alone (as Vite prefixed it: `[weighbridge] ...`). The error is
 * still thrown through the bundler, so `vite build` and `rollup -c` exit non-zero and `build()` rejects.
 */
export function createUserError(message: string): Error {
  const error = new Error(message)
  error.stack = ''
  Object.defineProperty(error, INSPECT, { value(this: Error) { return this.message }, enumerable: false })
  return error
}

// The parts of the three bundlers' plugin APIs this adapter reads (structural, so one code path
// serves Rollup's, Rolldown's and Vite's types).
interface RenderedModuleLike {
  code?: string | null
  renderedLength?: number
  renderedExports?: string[]
}

interface SourceMapLike {
  version?: number
  file?: string
  sources: (string | null)[]
  sourceRoot?: string
  mappings: string
  names?: string[]
}

interface OutputChunkLike {
  type: 'chunk'
  fileName: string
  name: string
  code: string
  isEntry: boolean
  isDynamicEntry: boolean
  facadeModuleId: string | null
  imports: string[]
  dynamicImports: string[]
  modules: Record<string, RenderedModuleLike>
  map?: SourceMapLike | null
  sourcemapFileName?: string | null
  viteMetadata?: { importedCss: Set<string>, importedAssets: Set<string> }
}

interface OutputAssetLike {
  type: 'asset'
  fileName: string
  source: string | Uint8Array
}

type BundleLike = Record<string, OutputChunkLike | OutputAssetLike>

interface ModuleInfoLike {
  id: string
  importedIds?: readonly string[]
  dynamicallyImportedIds?: readonly string[]
  importers?: readonly string[]
  dynamicImporters?: readonly string[]
  exports?: string[] | null
  isEntry?: boolean
  isExternal?: boolean
  moduleSideEffects?: boolean | 'no-treeshake' | null
  inputFormat?: 'es' | 'cjs' | 'unknown'
  meta?: Record<string, any>
}

interface PluginContextLike {
  meta: { rollupVersion?: string, rolldownVersion?: string, viteVersion?: string, watchMode?: boolean }
  environment?: { name: string }
  getModuleIds: () => Iterable<string>
  getModuleInfo: (id: string) => ModuleInfoLike | null
  error: (error: string | Error) => never
  warn: (message: string) => void
}

interface OutputOptionsLike {
  dir?: string
  file?: string
  sourcemap?: boolean | 'inline' | 'hidden' | null
}

interface BuildState {
  root: string
  bundlerVersion: string | undefined
  files: CollectedFile[]
  modules: CollectedModule[] | null
  htmlPages: CollectedHtmlPage[]
  /** Time spent in `generateBundle` reading the bundle and the module graph (for the timing log). */
  collectMs: number
}

const DEFAULT_STATE_KEY = 'default'

/** Where an output goes (bundlers resolve relative output paths against the working directory). */
function describeOutputTarget(options: OutputOptionsLike): string {
  return options.file ? path.resolve(options.file) : path.resolve(options.dir ?? '.')
}

function readBundlerVersion(context: PluginContextLike, key: RollupFamilyKey): string | undefined {
  if (key === 'vite')
    return context.meta.viteVersion
  return key === 'rolldown' ? context.meta.rolldownVersion : context.meta.rollupVersion
}

function readModuleFormat(info: ModuleInfoLike, key: RollupFamilyKey): CollectedModule['format'] {
  if (info.isExternal)
    return undefined
  if (info.inputFormat !== undefined)
    return info.inputFormat === 'es' ? 'esm' : info.inputFormat === 'cjs' ? 'cjs' : undefined
  if (key !== 'rollup')
    return undefined
  // Rollup parses ES modules only; @rollup/plugin-commonjs marks what it converted.
  return info.meta?.commonjs?.isCommonJS ? 'cjs' : 'esm'
}

function readRequiredIds(info: ModuleInfoLike): string[] | undefined {
  const requires: unknown = info.meta?.commonjs?.requires
  if (!Array.isArray(requires))
    return undefined
  return requires.flatMap((item: { resolved?: { id?: unknown } | null }) =>
    typeof item?.resolved?.id === 'string' ? [item.resolved.id] : [])
}

function collectModules(context: PluginContextLike, key: RollupFamilyKey): CollectedModule[] {
  const modules: CollectedModule[] = []
  for (const id of context.getModuleIds()) {
    const info = context.getModuleInfo(id)
    if (!info)
      continue
    const sideEffects = info.moduleSideEffects
    modules.push({
      id,
      importedIds: [...info.importedIds ?? []],
      dynamicallyImportedIds: [...info.dynamicallyImportedIds ?? []],
      requiredIds: readRequiredIds(info),
      importers: [...info.importers ?? []],
      dynamicImporters: [...info.dynamicImporters ?? []],
      exports: Array.isArray(info.exports) ? [...info.exports] : undefined,
      format: readModuleFormat(info, key),
      sideEffects: sideEffects === null || sideEffects === undefined ? undefined : sideEffects !== false,
      isEntry: info.isEntry,
    })
  }
  return modules
}

function copySourceMap(map: SourceMapLike | null | undefined): CollectedSourceMap | null {
  if (!map || typeof map.mappings !== 'string')
    return null
  // sourcesContent is left behind: attribution needs positions only.
  return { version: map.version, file: map.file, sources: [...map.sources], sourceRoot: map.sourceRoot, mappings: map.mappings, names: [] }
}

/** Vite: the CSS file of a JS chunk carries the chunk's style modules (when the chunk has one CSS file). */
function collectViteCssChunks(chunks: OutputChunkLike[], outDir: string): Map<string, CollectedChunk> {
  const cssChunks = new Map<string, CollectedChunk>()
  for (const chunk of chunks) {
    const importedCss = [...chunk.viteMetadata?.importedCss ?? []]
    const styleModules = Object.keys(chunk.modules).filter(isStyleModuleId)
    if (importedCss.length !== 1 || styleModules.length === 0)
      continue
    const cssFile = importedCss[0]!
    const existing = cssChunks.get(cssFile)
    if (existing) {
      const known = new Set(existing.modules.map(module => module.id))
      existing.modules.push(...styleModules.filter(id => !known.has(id)).map(id => ({ id })))
      continue
    }
    cssChunks.set(cssFile, {
      name: chunk.name,
      kind: 'css',
      isEntry: false,
      isDynamicEntry: false,
      imports: [],
      dynamicImports: [],
      assets: [...chunk.viteMetadata?.importedAssets ?? []].map(file => path.resolve(outDir, file)),
      modules: styleModules.map(id => ({ id })),
    })
  }
  return cssChunks
}

export interface RollupFamilyHooks {
  apply?: 'build'
  applyToEnvironment?: (environment: { name: string }) => boolean
  config?: (config: { build?: { sourcemap?: unknown } }) => { build: { sourcemap: 'hidden' } } | null
  configResolved?: (config: { root: string, base: string }) => void
  buildStart: (this: PluginContextLike) => void
  outputOptions: (this: unknown, options: OutputOptionsLike) => OutputOptionsLike | null
  generateBundle: { order: 'post', handler: (this: PluginContextLike, options: OutputOptionsLike, bundle: BundleLike) => void }
  closeBundle: (this: PluginContextLike) => Promise<void>
  closeWatcher: () => Promise<void>
}

/** The hooks for one bundler key; merged by unplugin into the plugin for that bundler only. */
export function createRollupFamilyHooks(session: PluginSession, key: RollupFamilyKey): RollupFamilyHooks {
  const { resolved, logger } = session
  const bundler: BundlerName = key
  /** `attribution: 'sourcemap'`: turn hidden source maps on where the user has none. */
  const forceSourcemaps = resolved.attribution === 'sourcemap'
  const states = new Map<string, BuildState>()
  /** Output targets whose source maps the plugin turned on (and whose .map files it must drop). */
  const forcedSourcemapTargets = new Set<string>()
  let viteRoot: string | undefined
  let viteBase = '/'
  /** Vite: the plugin turned `build.sourcemap` on (Vite keeps its maps in sync only when it is on). */
  let viteForcedSourcemap = false

  const stateKey = (context: PluginContextLike): string => context.environment?.name ?? DEFAULT_STATE_KEY
  const projectRoot = (): string => resolveProjectRoot(resolved, viteRoot ?? process.cwd())

  function startState(context: PluginContextLike): BuildState {
    const state: BuildState = { root: projectRoot(), bundlerVersion: readBundlerVersion(context, key), files: [], modules: null, htmlPages: [], collectMs: 0 }
    states.set(stateKey(context), state)
    return state
  }

  function collectOutput(context: PluginContextLike, options: OutputOptionsLike, bundle: BundleLike): void {
    const startMs = performance.now()
    const state = states.get(stateKey(context)) ?? startState(context)
    const outDir = path.resolve(options.dir ?? (options.file ? path.dirname(options.file) : '.'))
    const dropMaps = options.sourcemap === 'hidden' && (viteForcedSourcemap || forcedSourcemapTargets.has(describeOutputTarget(options)))
    const items = Object.values(bundle)
    const chunks = items.filter((item): item is OutputChunkLike => item.type === 'chunk')
    const droppedMaps = new Set(dropMaps ? chunks.flatMap(chunk => chunk.sourcemapFileName ?? `${chunk.fileName}.map`) : [])
    const bundleFiles = new Set(Object.keys(bundle).filter(file => !droppedMaps.has(file)))
    const inBundle = (file: string): boolean => bundleFiles.has(file)
    const toAbsolute = (file: string): string => path.resolve(outDir, file)

    // Compression starts first, with the emitted bytes alone (largest first: the longest jobs), and
    // runs off the main thread while the module graph and the modules' code are read below (~1 s at
    // 20,000 modules), while the bundler writes the files and while the report is assembled;
    // `finishBuild()` takes over the work.
    const emitted = items.filter(item => !droppedMaps.has(item.fileName)).map(item => ({
      item,
      file: { fileName: toAbsolute(item.fileName), contents: item.type === 'asset' ? item.source : item.code } as CollectedFile,
    }))
    const measurer = session.useMeasurer(state.root)
    for (const { file } of emitted.toSorted((a, b) => b.file.contents.length - a.file.contents.length))
      prefetchCollectedFile(measurer, file)

    state.modules ??= collectModules(context, key)
    const cssChunks = key === 'vite' ? collectViteCssChunks(chunks, outDir) : new Map<string, CollectedChunk>()
    for (const { item, file } of emitted) {
      state.files.push(file)
      if (item.type === 'asset') {
        const cssChunk = cssChunks.get(item.fileName)
        if (cssChunk)
          file.chunk = cssChunk
        if (item.fileName.endsWith('.html')) {
          const html = typeof item.source === 'string' ? item.source : new TextDecoder().decode(item.source)
          const references = readPageReferences(html, item.fileName, viteBase, bundleFiles)
          state.htmlPages.push({ fileName: file.fileName, name: item.fileName, scripts: references.scripts.map(toAbsolute), styles: references.styles.map(toAbsolute) })
        }
        continue
      }
      file.chunk = {
        name: item.name,
        kind: 'js',
        isEntry: item.isEntry,
        isDynamicEntry: item.isDynamicEntry,
        entryModule: item.facadeModuleId ?? undefined,
        imports: item.imports.filter(inBundle).map(toAbsolute),
        dynamicImports: item.dynamicImports.filter(inBundle).map(toAbsolute),
        css: [...item.viteMetadata?.importedCss ?? []].map(toAbsolute),
        assets: [...item.viteMetadata?.importedAssets ?? []].map(toAbsolute),
        modules: Object.entries(item.modules).map(([id, module]) => ({
          id,
          code: module.code,
          renderedLength: module.renderedLength,
          renderedExports: module.renderedExports ? [...module.renderedExports] : undefined,
        })),
        map: copySourceMap(item.map),
      }
    }
    for (const file of droppedMaps)
      delete bundle[file]
    state.collectMs += performance.now() - startMs
  }

  async function finishState(context: PluginContextLike, key: string, state: BuildState): Promise<void> {
    states.delete(key)
    const collected: CollectedBuild = {
      bundler,
      bundlerVersion: state.bundlerVersion,
      root: state.root,
      files: state.files,
      modules: state.modules ?? [],
      htmlPages: state.htmlPages,
    }
    const result = await finishBuild(collected, resolved, logger, session.useMeasurer(state.root), { collectMs: state.collectMs })
    for (const warning of result.warnings)
      context.warn(warning)
    if (result.errors.length > 0)
      context.error(createUserError(result.errors.join('\n')))
  }

  const hooks: RollupFamilyHooks = {
    buildStart() {
      startState(this)
    },
    outputOptions(options) {
      if (!forceSourcemaps || options.sourcemap)
        return null
      forcedSourcemapTargets.add(describeOutputTarget(options))
      return { ...options, sourcemap: 'hidden' }
    },
    generateBundle: {
      order: 'post',
      handler(options, bundle) {
        collectOutput(this, options, bundle)
      },
    },
    async closeBundle() {
      const key = stateKey(this)
      const state = states.get(key)
      try {
        if (state && state.files.length > 0)
          await finishState(this, key, state)
        else
          states.delete(key)
      }
      finally {
        if (!this.meta.watchMode && states.size === 0)
          await session.closeMeasurer()
      }
    },
    async closeWatcher() {
      await session.closeMeasurer()
    },
  }
  if (key === 'vite') {
    hooks.apply = 'build'
    // Vite edits chunks after rendering (preload helper, `__vite__mapDeps`) and updates the maps only
    // when `build.sourcemap` is on: turn it on through the config, not just the output options.
    hooks.config = (config) => {
      if (!forceSourcemaps || config.build?.sourcemap)
        return null
      viteForcedSourcemap = true
      return { build: { sourcemap: 'hidden' } }
    }
    hooks.applyToEnvironment = environment => resolved.environments.includes(environment.name)
    hooks.configResolved = (config) => {
      viteRoot = config.root
      viteBase = config.base
    }
  }
  return hooks
}
