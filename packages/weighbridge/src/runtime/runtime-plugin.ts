/**
 * The runtime half of the plugin (a second unplugin plugin next to the analysis one):
 *
 * - static leak patterns: every app module (not node_modules) is scanned at build time, in every
 *   build, and the patterns become findings WB-LK001…WB-LK004 (`takeLeakFindings`);
 * - with `runtime` on and a development build / dev server (or `runtime.production`): tags call
 *   sites (`instrumentModule`), serves the runtime's virtual modules, and injects the bootstrap:
 *   Vite through the HTML (`transformIndexHtml`, a module script before every other), Rollup /
 *   Rolldown by importing the runtime first in each entry module, webpack / Rspack as the first
 *   import of each entry (`entry.<name>.import`), esbuild through `inject`;
 * - Vite dev server: the `/__weighbridge/runtime` endpoint and leak messages in the terminal.
 */
import type { EstreeNode, Finding, LeakPattern } from '@weighbridge/core'
import type { UnpluginContextMeta, UnpluginOptions } from 'unplugin'
import type { Logger } from '../logger'
import type { ResolvedOptions } from '../options'
import type { ResolvedRuntimeOptions } from './runtime-options'
import os from 'node:os'
import path from 'node:path'
import { parseSync as parseWithOxc } from 'oxc-parser'
import MagicString from 'magic-string'
import { createLeakFindings, normalizeModuleId, scanLeakPatterns } from '@weighbridge/core'
import { createRuntimeEndpoint } from './dev-endpoint'
import { HOOKS_NAME, instrumentModule, RUNTIME_MODULE_ID, WEBPACK_RUNTIME_MODULE_ID } from './instrument'
import { createOriginalLocator } from './original-position'
import { createRuntimeModuleCode, loadRuntimeSource, RUNTIME_CORE_MODULE_ID, RUNTIME_ENDPOINT_PATH, WEBPACK_RUNTIME_CORE_MODULE_ID, writeRuntimeInjectFile } from './runtime-code'
import { resolveRuntimeOptions } from './runtime-options'

const RESOLVED_RUNTIME = `\0${RUNTIME_MODULE_ID}`
const RESOLVED_RUNTIME_CORE = `\0${RUNTIME_CORE_MODULE_ID}`
const SCRIPT_FILE = /\.(?:[cm]?[jt]sx?)$/
/** Cheap pre-check before parsing for the static scan. */
const LEAK_HINT = /addEventListener|setInterval|Observer\b|new (?:Map|Set)\b|=\s*\[\s*\]/
const INSTRUMENT_HINT = /addEventListener|removeEventListener|setInterval|setTimeout|clearInterval|clearTimeout|AnimationFrame|Observer\b|observe\(|disconnect\(/

interface RuntimeState {
  patterns: Map<string, LeakPattern[]>
}

const states = new WeakMap<ResolvedOptions, RuntimeState>()

function useState(resolved: ResolvedOptions): RuntimeState {
  let state = states.get(resolved)
  if (!state) states.set(resolved, state = { patterns: new Map() })
  return state
}

/** The static leak findings of the modules transformed so far by the plugin instance of `resolved`. */
export function takeLeakFindings(resolved: ResolvedOptions): Finding[] {
  const state = states.get(resolved)
  if (!state) return []
  return createLeakFindings([...state.patterns.values()].flat())
}

interface TransformContextLike {
  parse: (code: string, options?: unknown) => unknown
  getCombinedSourcemap?: () => { mappings: string } | null
  environment?: { config?: { consumer?: string } }
  meta?: { watchMode?: boolean }
  getModuleInfo?: (id: string) => { isEntry?: boolean } | null
}

/**
 * The ESTree of `code`: the bundler's parser where it has one (Rollup, Rolldown, Vite), else
 * oxc-parser (unplugin 3 gives webpack, Rspack and esbuild no parser of its own, and esbuild hands
 * plugins raw TypeScript / JSX, which oxc reads by the file's extension); null when it does not parse.
 */
function parseProgram(context: TransformContextLike, code: string, file: string): EstreeNode | null {
  try {
    if (typeof context.parse === 'function') return context.parse(code) as EstreeNode
  }
  catch {}
  try {
    const result = parseWithOxc(file, code, { sourceType: 'module' })
    return result.errors.length > 0 ? null : result.program as unknown as EstreeNode
  }
  catch {
    return null
  }
}

function cleanId(id: string): string {
  const query = id.indexOf('?')
  return query === -1 ? id : id.slice(0, query)
}

export function createRuntimePlugin(resolved: ResolvedOptions, logger: Logger, meta: UnpluginContextMeta): UnpluginOptions {
  const runtime: ResolvedRuntimeOptions = resolveRuntimeOptions(resolved.runtime)
  const state = useState(resolved)
  let root = path.resolve(resolved.root ?? process.cwd())
  /** Development build or dev server; decided per bundler when the build starts. */
  let development = process.env.NODE_ENV !== 'production'
  let devServer = false
  const siteIds = new Map<string, number>()
  const assignSiteId = (file: string, line: number, column: number, api: string): number => {
    const key = `${file}:${line}:${column}:${api}`
    let id = siteIds.get(key)
    if (id === undefined) siteIds.set(key, id = siteIds.size + 1)
    return id
  }
  const active = (): boolean => runtime.enabled && (development || runtime.production)
  const webpackLike = meta.framework === 'webpack' || meta.framework === 'rspack'
  const runtimeModuleId = webpackLike ? WEBPACK_RUNTIME_MODULE_ID : RUNTIME_MODULE_ID
  const coreModuleId = webpackLike ? WEBPACK_RUNTIME_CORE_MODULE_ID : RUNTIME_CORE_MODULE_ID

  const plugin: UnpluginOptions = {
    name: 'weighbridge:runtime',
    enforce: 'post',
    buildStart() {
      state.patterns.clear()
      if (meta.framework === 'rollup' || meta.framework === 'rolldown') {
        const watchMode = (this as unknown as TransformContextLike).meta?.watchMode
        development = watchMode === true || process.env.NODE_ENV !== 'production'
      }
    },
    resolveId(id) {
      if (id === runtimeModuleId) return RESOLVED_RUNTIME
      if (id === coreModuleId) return RESOLVED_RUNTIME_CORE
      return null
    },
    loadInclude: id => id === RESOLVED_RUNTIME || id === RESOLVED_RUNTIME_CORE,
    async load(id) {
      if (id === RESOLVED_RUNTIME_CORE) return loadRuntimeSource()
      if (id === RESOLVED_RUNTIME) {
        return createRuntimeModuleCode({
          sampleRate: runtime.sampleRate,
          endpoint: devServer && runtime.endpoint ? RUNTIME_ENDPOINT_PATH : null,
        }, coreModuleId)
      }
      return null
    },
    transformInclude(id) {
      return !id.startsWith('\0') && !id.includes('?') && !id.includes('/node_modules/') && SCRIPT_FILE.test(cleanId(id))
    },
    transform(code, id) {
      const context = this as unknown as TransformContextLike
      if (context.environment?.config?.consumer === 'server') return null
      const instrument = active() && INSTRUMENT_HINT.test(code) && !code.includes(`${HOOKS_NAME}.r(`)
      const scan = LEAK_HINT.test(code)
      const isEntry = active() && meta.framework !== 'vite' && context.getModuleInfo?.(id)?.isEntry === true
      if (!instrument && !scan && !isEntry) return null
      const file = normalizeModuleId(id, root)
      const program = parseProgram(context, code, cleanId(id))
      // Not plain JavaScript at this stage (TypeScript before its loader, or not ours): left alone.
      if (!program) return null
      let map: { mappings: string } | null = null
      try {
        map = context.getCombinedSourcemap?.() ?? null
      }
      catch {}
      const locate = createOriginalLocator(code, map)
      if (scan) {
        const patterns = scanLeakPatterns(program, { file, code, locate })
        if (patterns.length > 0) state.patterns.set(file, patterns)
        else state.patterns.delete(file)
      }
      if (!active()) return null
      if (!instrument) {
        if (!isEntry) return null
        const s = new MagicString(code)
        const importRuntime = `import ${JSON.stringify(RUNTIME_MODULE_ID)};`
        if (code.startsWith('#!')) s.appendLeft(Math.max(0, code.indexOf('\n')), `\n${importRuntime}`)
        else s.prepend(importRuntime)
        return { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file, includeContent: true }) }
      }
      const result = instrumentModule(code, program, { file, locate, assignSiteId, runtimeModuleId })
      return { code: result.code, map: result.map }
    },
    vite: {
      configResolved(config) {
        root = path.resolve(resolved.root ?? config.root)
        devServer = config.command === 'serve'
        // A development build is `--mode development` (not `!isProduction`: that only mirrors NODE_ENV).
        development = devServer || config.mode === 'development'
      },
      configureServer(server) {
        if (!active() || !runtime.endpoint) return
        const endpoint = createRuntimeEndpoint(path.join(root, '.weighbridge', 'runtime.json'), logger)
        server.middlewares.use(endpoint.handle)
      },
      transformIndexHtml: {
        order: 'pre',
        handler() {
          if (!active()) return
          return [{ tag: 'script', attrs: { type: 'module', src: devServer ? `/@id/${RUNTIME_MODULE_ID}` : RUNTIME_MODULE_ID }, injectTo: 'head-prepend' }]
        },
      },
    },
    webpack(compiler) {
      root = path.resolve(compiler.options.context ?? process.cwd(), resolved.root ?? '.')
      // webpack's default mode (unset) is 'production'.
      development = (compiler.options.mode ?? 'production') !== 'production'
      if (active()) prependRuntimeToEntries(compiler.options as WebpackLikeOptions, runtimeModuleId)
    },
    rspack(compiler) {
      root = path.resolve(compiler.options.context ?? process.cwd(), resolved.root ?? '.')
      development = (compiler.options.mode ?? 'production') !== 'production'
      if (active()) prependRuntimeToEntries(compiler.options as WebpackLikeOptions, runtimeModuleId)
    },
    esbuild: {
      async setup(rawBuild) {
        const build = rawBuild as unknown as EsbuildBuildLike
        const options = build.initialOptions
        root = path.resolve(options.absWorkingDir ?? process.cwd(), resolved.root ?? '.')
        development = isEsbuildDevelopment(options)
        if (!active()) return
        const dir = resolved.cache === false ? path.join(os.tmpdir(), `weighbridge-${process.pid}`) : path.resolve(root, resolved.cache)
        const injectFile = await writeRuntimeInjectFile(dir)
        // Injected files are evaluated before the entry modules: the wrappers are in place first.
        options.inject = [injectFile, ...(options.inject ?? []).filter(file => file !== injectFile)]
      },
    },
  }
  return plugin
}

interface EntryDescriptionLike {
  import?: string[]
}

interface WebpackLikeOptions {
  entry: Record<string, EntryDescriptionLike> | (() => Promise<Record<string, EntryDescriptionLike>>)
}

/**
 * webpack / Rspack: the runtime becomes the first import of every entry, so it is evaluated before
 * any module of the entry. The plugin runs after the options are normalised (`entry` is an object of
 * `{ import: [...] }` or a function returning one) and before the entry plugins read them.
 */
function prependRuntimeToEntries(options: WebpackLikeOptions, runtimeModuleId: string): void {
  const prepend = (entries: Record<string, EntryDescriptionLike>): Record<string, EntryDescriptionLike> => {
    for (const description of Object.values(entries)) {
      // No `entry` option: the bundler's default (`./src`) is filled in after the plugins ran.
      if (description.import === undefined) description.import = [runtimeModuleId, './src']
      else if (Array.isArray(description.import) && description.import[0] !== runtimeModuleId) description.import.unshift(runtimeModuleId)
    }
    return entries
  }
  const entry = options.entry
  if (typeof entry === 'function') options.entry = async () => prepend(await entry())
  else if (entry && typeof entry === 'object') prepend(entry)
}

interface EsbuildBuildLike {
  initialOptions: {
    absWorkingDir?: string
    inject?: string[]
    minify?: boolean
    define?: Record<string, string>
  }
}

/**
 * esbuild has no mode: a build is a production one when it defines `process.env.NODE_ENV` as
 * "production", minifies, or runs with NODE_ENV=production; otherwise it is a development build.
 */
function isEsbuildDevelopment(options: EsbuildBuildLike['initialOptions']): boolean {
  const defined = options.define?.['process.env.NODE_ENV']
  if (defined !== undefined) return defined.replace(/['"]/g, '') !== 'production'
  return options.minify !== true && process.env.NODE_ENV !== 'production'
}
