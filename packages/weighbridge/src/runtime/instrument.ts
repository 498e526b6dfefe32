/**
 * The build-time half of the runtime hooks: tags each call site of the APIs whose registrations can
 * outlive a view, and marks module evaluation start and end. Insert-only edits with magic-string, so
 * the source map stays exact and stack traces / debuggers still point at the user's code:
 *
 *   el.addEventListener('x', f, o)   →  __wb$.u(el.addEventListener('x', f, __wb$.t(7, o)))
 *   setInterval(tick, 100)           →  __wb$.u(setInterval(tick, __wb$.t(8, 100)))
 *   new ResizeObserver(cb)           →  __wb$.n(9, new ResizeObserver(cb))
 *   el.removeEventListener('x', f)   →  __wb$.x(10, el.removeEventListener('x', f))
 *
 * `t` hands the site id to the runtime's wrapper of the native API right before the call (the last
 * argument is evaluated last) and returns its argument unchanged; `u` returns the call's result. The
 * callee expression is untouched, so even a TypeError names the same expression as without hooks.
 * The header (import + site table + start mark) goes on line 1 without a newline and the end mark on
 * a new last line: no original line moves.
 */
import type { EstreeNode } from '@weighbridge/core'
import { getCalleeName, getCalleeNameStart, getConstructedName, visitEstree } from '@weighbridge/core'
import { getSiteApiCode } from '@weighbridge/runtime'
import MagicString from 'magic-string'

/** The import specifier of the runtime module instrumented code imports. */
export const RUNTIME_MODULE_ID = 'virtual:weighbridge/runtime'
/**
 * The same module under a name webpack and Rspack resolve through plugins: they read `name:` prefixes
 * as URI schemes and never ask the resolver. npm names cannot start with `_`, so it matches no package.
 */
export const WEBPACK_RUNTIME_MODULE_ID = '__weighbridge_runtime__'
/** The local name of the hooks in an instrumented module. */
export const HOOKS_NAME = '__wb$'

const ACQUIRE = new Set(['addEventListener', 'setInterval', 'setTimeout', 'requestAnimationFrame', 'observe'])
const RELEASE = new Set(['removeEventListener', 'clearInterval', 'clearTimeout', 'cancelAnimationFrame', 'disconnect', 'unobserve'])
const OBSERVERS = new Set(['ResizeObserver', 'MutationObserver', 'IntersectionObserver'])
const GLOBAL_FUNCTIONS = new Set(['setInterval', 'setTimeout', 'requestAnimationFrame', 'clearInterval', 'clearTimeout', 'cancelAnimationFrame'])

export interface TaggedSite {
  id: number
  api: string
  line: number
  column: number
}

export interface InstrumentOptions {
  /** Module id (root-relative, POSIX) written into the site table. */
  file: string
  /** Maps an offset of `code` to the original 1-based line and column. */
  locate: (offset: number) => { line: number, column: number }
  /** Returns the stable small id of a site (same file, position and api → same id). */
  assignSiteId: (file: string, line: number, column: number, api: string) => number
  /** The specifier of the hooks module to import. @default RUNTIME_MODULE_ID */
  runtimeModuleId?: string
}

export interface InstrumentResult {
  code: string
  map: ReturnType<MagicString['generateMap']>
  sites: TaggedSite[]
}

/**
 * The node to wrap for a call's result: the call itself, or the whole optional chain when the call
 * ends it; null when the call sits inside a longer optional chain (wrapping it would break the
 * short-circuit).
 */
function findWrapTarget(node: EstreeNode, ancestors: readonly EstreeNode[]): EstreeNode | null {
  const parent = ancestors[ancestors.length - 1]
  if (parent?.type === 'ChainExpression') return parent
  if (ancestors.some(ancestor => ancestor.type === 'ChainExpression')) {
    // Inside a chain but not at its end: only safe when no ancestor up to the chain continues it.
    return null
  }
  return node
}

export function instrumentModule(code: string, program: EstreeNode, options: InstrumentOptions): InstrumentResult {
  const s = new MagicString(code)
  const sites: TaggedSite[] = []
  const open = (at: number, text: string): void => void s.appendLeft(at, text)
  const close = (at: number): void => void s.prependLeft(at, ')')

  const tagSite = (api: string, at: number): number => {
    const { line, column } = options.locate(at)
    const id = options.assignSiteId(options.file, line, column, api)
    sites.push({ id, api, line, column })
    return id
  }

  visitEstree(program, (node, ancestors) => {
    if (node.type === 'NewExpression') {
      const name = getConstructedName(node)
      if (!name || !OBSERVERS.has(name)) return
      const id = tagSite(`new ${name}`, node.start)
      open(node.start, `${HOOKS_NAME}.n(${id},`)
      close(node.end)
      return
    }
    if (node.type !== 'CallExpression') return
    const callee = node.callee as EstreeNode
    const name = getCalleeName(callee)
    if (!name || (!ACQUIRE.has(name) && !RELEASE.has(name))) return
    if (callee.type === 'Identifier' && !GLOBAL_FUNCTIONS.has(name)) return
    if (callee.type !== 'Identifier' && callee.type !== 'MemberExpression') return
    const wrap = findWrapTarget(node, ancestors)
    const at = getCalleeNameStart(callee)
    if (RELEASE.has(name)) {
      if (!wrap) return
      const id = tagSite(name, at)
      open(wrap.start, `${HOOKS_NAME}.x(${id},`)
      close(wrap.end)
      return
    }
    const args = node.arguments as EstreeNode[]
    const last = args[args.length - 1]
    if (!last) return
    const id = tagSite(name, at)
    const value = last.type === 'SpreadElement' ? last.argument as EstreeNode : last
    if (wrap) open(wrap.start, `${HOOKS_NAME}.u(`)
    open(value.start, `${HOOKS_NAME}.t(${id},`)
    close(value.end)
    if (wrap) close(wrap.end)
  })

  const table: number[] = []
  for (const site of sites) table.push(site.id, site.line, site.column, getSiteApiCode(site.api))
  const file = JSON.stringify(options.file)
  const header = `import{h as ${HOOKS_NAME}}from${JSON.stringify(options.runtimeModuleId ?? RUNTIME_MODULE_ID)};${HOOKS_NAME}.r(${file},[${table.join(',')}]);${HOOKS_NAME}.s(${file});`
  const headerAt = code.startsWith('#!') ? Math.max(0, code.indexOf('\n')) : 0
  if (headerAt > 0) s.appendLeft(headerAt, `\n${header}`)
  else s.prepend(header)
  s.append(`\n;${HOOKS_NAME}.e(${file});`)
  return { code: s.toString(), map: s.generateMap({ hires: 'boundary', includeContent: true, source: options.file }), sites }
}
