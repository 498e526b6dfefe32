/**
 * The runtime half of the plugin (a second unplugin plugin next to the analysis one), with `runtime`
 * on and a development build / dev server (or `runtime.production`): tags call sites
 * (`instrumentModule`), serves the runtime's virtual modules, and injects the bootstrap: Vite through
 * the HTML (`transformIndexHtml`, a module script before every other), Rollup / Rolldown by importing
 * the runtime first in each entry module, webpack / Rspack as the first import of each entry
 * (`entry.<name>.import`), esbuild through `inject`; on the Vite dev server, the
 * `/__weighbridge/runtime` endpoint and leak messages in the terminal.
 *
 * A build that ships no runtime gets no hook at all (a measuring tool must not change what it
 * measures: a webpack loader alone changes module ids, hence chunk ids and file names). That is
 * decided as early as each bundler allows: `runtime` off, or a webpack / Rspack production build,
 * leaves the plugin empty; Vite leaves it out through `apply`; esbuild drops its hooks in `config`,
 * before unplugin registers them; Rollup / Rolldown learn the mode in `buildStart` only, so their
 * transform stays, behind a hook filter that the bundler applies natively. The static leak
 * patterns (WB-LK001…004) do not come from here: `static-leak-scan.ts` reads the original files
 * after the build, in every build.
 */
import type { UnpluginContextMeta, UnpluginOptions } from 'unplugin'
import type { Logger } from '../logger'
import type { ResolvedOptions } from '../options'
import type { EstreeNode } from '@weighbridge/core'
import type { ResolvedRuntimeOptions } from './runtime-options'
import os from 'node:os'
import path from 'node:path'
import { parseSync as parseWithOxc } from 'oxc-parser'
import MagicString from 'magic-string'
import { normalizeModuleId } from '@weighbridge/core'
import { createRuntimeEndpoint } from './dev-endpoint'
import { HOOKS_NAME, instrumentModule, RUNTIME_MODULE_ID, WEBPACK_RUNTIME_MODULE_ID } from './instrument'
import { createOriginalLocator } from './original-position'
import { createRuntimeModuleCode, loadRuntimeSource, RUNTIME_CORE_MODULE_ID, RUNTIME_ENDPOINT_PATH, WEBPACK_RUNTIME_CORE_MODULE_ID, writeRuntimeInjectFile } from './runtime-code'
import { resolveRuntimeOptions } from './runtime-options'

const PLUGIN_NAME = 'weighbridge:runtime'
const RESOLVED_RUNTIME = `\0${RUNTIME_MODULE_ID}`
const RESOLVED_RUNTIME_CORE = `\0${RUNTIME_CORE_MODULE_ID}`
/** App scripts: a script extension, no query, not virtual, not in node_modules (tested on `/` or `\\` paths). */
const SCRIPT_ID = /\.[cm]?[jt]sx?$/
const NOT_APP_ID = /^\0|\?|[\\/]node_modules[\\/]/
/** The runtime's import specifiers (`virtual:weighbridge/runtime[-core]`, `__weighbridge_runtime[_core]__`) and resolved ids. */
const RUNTIME_SPECIFIER = /^(?:virtual:weighbridge\/runtime|__weighbridge_runtime)/
const RESOLVED_RUNTIME_ID = /^\0virtual:weighbridge\/runtime/
const INSTRUMENT_HINT = /addEventListener|removeEventListener|setInterval|setTimeout|clearInterval|clearTimeout|AnimationFrame|Observer\b|observe\(|disconnect\(/

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

/** The compiler unplugin hands the factory of a webpack / Rspack plugin (before the build starts). */
function webpackLikeCompilerOf(meta: UnpluginContextMeta): { options: { mode?: string } } | null {
  const holder = meta as { webpack?: { compiler?: unknown }, rspack?: { compiler?: unknown } }
  const compiler = meta.framework === 'webpack' ? holder.webpack?.compiler : meta.framework === 'rspack' ? holder.rspack?.compiler : null
  return compiler && typeof compiler === 'object' && 'options' in compiler ? compiler as { options: { mode?: string } } : null
}

export function createRuntimePlugin(resolved: ResolvedOptions, logger: Logger, meta: UnpluginContextMeta): UnpluginOptions {
  const runtime: ResolvedRuntimeOptions = resolveRuntimeOptions(resolved.runtime)
  if (!runtime.enabled) return { name: PLUGIN_NAME }
  // webpack's default mode (unset) is 'production'; the factory runs before the entries are read.
  const webpackCompiler = webpackLikeCompilerOf(meta)
  if (webpackCompiler && !runtime.production && (webpackCompiler.options.mode ?? 'production') === 'production') return { name: PLUGIN_NAME }
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
  const active = (): boolean => development || runtime.production
  const webpackLike = meta.framework === 'webpack' || meta.framework === 'rspack'
  const rollupLike = meta.framework === 'rollup' || meta.framework === 'rolldown'
  const runtimeModuleId = webpackLike ? WEBPACK_RUNTIME_MODULE_ID : RUNTIME_MODULE_ID
  const coreModuleId = webpackLike ? WEBPACK_RUNTIME_CORE_MODULE_ID : RUNTIME_CORE_MODULE_ID

  const hooks: Pick<UnpluginOptions, 'resolveId' | 'load' | 'transform'> = {
    resolveId: {
      filter: { id: RUNTIME_SPECIFIER },
      handler(id) {
        if (id === runtimeModuleId) return RESOLVED_RUNTIME
        if (id === coreModuleId) return RESOLVED_RUNTIME_CORE
        return null
      },
    },
    load: {
      filter: { id: RESOLVED_RUNTIME_ID },
      async handler(id) {
        if (id === RESOLVED_RUNTIME_CORE) return loadRuntimeSource()
        if (id === RESOLVED_RUNTIME) {
          return createRuntimeModuleCode({
            sampleRate: runtime.sampleRate,
            endpoint: devServer && runtime.endpoint ? RUNTIME_ENDPOINT_PATH : null,
          }, coreModuleId)
        }
        return null
      },
    },
    transform: {
      // Applied by the bundler itself where it can (Vite, Rolldown, Rollup >= 4.40): the modules it
      // rules out never reach JavaScript. Rollup / Rolldown entries need the runtime import even
      // without a hint, so their code is not filtered.
      filter: {
        id: { include: SCRIPT_ID, exclude: NOT_APP_ID },
        ...(rollupLike ? {} : { code: INSTRUMENT_HINT }),
      },
      handler(code, id) {
        if (!active()) return null
        const context = this as unknown as TransformContextLike
        if (context.environment?.config?.consumer === 'server') return null
        const instrument = INSTRUMENT_HINT.test(code) && !code.includes(`${HOOKS_NAME}.r(`)
        const isEntry = rollupLike && context.getModuleInfo?.(id)?.isEntry === true
        if (!instrument && !isEntry) return null
        const file = normalizeModuleId(id, root)
        const program = parseProgram(context, code, id)
        // Not plain JavaScript at this stage (TypeScript before its loader, or not ours): left alone.
        if (!program) return null
        if (!instrument) {
          const s = new MagicString(code)
          const importRuntime = `import ${JSON.stringify(RUNTIME_MODULE_ID)};`
          if (code.startsWith('#!')) s.appendLeft(Math.max(0, code.indexOf('\n')), `\n${importRuntime}`)
          else s.prepend(importRuntime)
          return { code: s.toString(), map: s.generateMap({ hires: 'boundary', source: file, includeContent: true }) }
        }
        let map: { mappings: string } | null = null
        try {
          map = context.getCombinedSourcemap?.() ?? null
        }
        catch {}
        const result = instrumentModule(code, program, { file, locate: createOriginalLocator(code, map), assignSiteId, runtimeModuleId })
        return { code: result.code, map: result.map }
      },
    },
  }

  const plugin: UnpluginOptions = {
    name: PLUGIN_NAME,
    enforce: 'post',
    ...hooks,
    buildStart() {
      if (rollupLike) {
        const watchMode = (this as unknown as TransformContextLike).meta?.watchMode
        development = watchMode === true || process.env.NODE_ENV !== 'production'
      }
    },
    vite: {
      // A production build without `runtime.production` leaves the plugin out entirely. A
      // development build is `--mode development` (not `!isProduction`: that only mirrors NODE_ENV).
      apply: (_config, env) => runtime.production || env.command === 'serve' || env.mode === 'development',
      configResolved(config) {
        root = path.resolve(resolved.root ?? config.root)
        devServer = config.command === 'serve'
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
      development = (compiler.options.mode ?? 'production') !== 'production'
      if (active()) prependRuntimeToEntries(compiler.options as WebpackLikeOptions, runtimeModuleId)
    },
    rspack(compiler) {
      root = path.resolve(compiler.options.context ?? process.cwd(), resolved.root ?? '.')
      development = (compiler.options.mode ?? 'production') !== 'production'
      if (active()) prependRuntimeToEntries(compiler.options as WebpackLikeOptions, runtimeModuleId)
    },
    esbuild: {
      // Runs before unplugin registers the hooks of this build: one that ships no runtime gets none
      // (no `onLoad` reading every file). Assigned each time: one plugin object may serve several builds.
      config(options) {
        root = path.resolve(options.absWorkingDir ?? process.cwd(), resolved.root ?? '.')
        development = isEsbuildDevelopment(options)
        Object.assign(plugin, active() ? hooks : { resolveId: undefined, load: undefined, transform: undefined })
      },
      async setup(rawBuild) {
        if (!active()) return
        const options = (rawBuild as unknown as EsbuildBuildLike).initialOptions
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
