/**
 * Static leak patterns, read from one module's ESTree program at build time (no browser):
 *
 * - WB-LK001 `addEventListener` with no matching `removeEventListener` in the module (or a removal
 *   that can never match because both handlers are inline functions). `{ once: true }` and
 *   `{ signal }` listeners release themselves and are not reported.
 * - WB-LK002 `setInterval` whose handle is thrown away: nothing can ever clear it.
 * - WB-LK003 `new ResizeObserver / MutationObserver / IntersectionObserver` in a module that never
 *   calls `disconnect()` or `unobserve()`.
 * - WB-LK004 a module-level `Map` / `Set` / array that is only added to from functions (set / add /
 *   push) and never deleted from, cleared, spliced, truncated or reassigned.
 *
 * Pure: the caller parses (with its bundler's `parse`) and maps offsets back to the original source.
 */
import type { EstreeNode } from './estree'
import { getCalleeName, getCalleeNameStart, getConstructedName, visitEstree } from './estree'

export type LeakRuleCode = 'WB-LK001' | 'WB-LK002' | 'WB-LK003' | 'WB-LK004'

export interface LeakPattern {
  rule: LeakRuleCode
  /** Module id (root-relative, POSIX). */
  file: string
  /** 1-based, in the original source when the caller could map it. */
  line: number
  column: number
  title: string
  message: string
  fix: string
  snippet: string | null
  confidence: 'high' | 'medium' | 'low'
}

export interface ScanLeakOptions {
  file: string
  /** The code the program was parsed from (for expression text). */
  code: string
  /** Maps an offset of `code` to the original 1-based line and column. */
  locate: (offset: number) => { line: number, column: number }
}

const GLOBAL_TARGETS = new Set(['window', 'document', 'globalThis', 'self', 'document.body', 'document.documentElement', 'window.document', 'visualViewport', 'window.visualViewport'])
const OBSERVERS = new Set(['ResizeObserver', 'MutationObserver', 'IntersectionObserver'])
const GROW_METHODS = new Set(['set', 'add', 'push', 'unshift'])
const SHRINK_METHODS = new Set(['delete', 'clear', 'pop', 'shift', 'splice'])
const READ_METHODS = new Set(['get', 'has', 'forEach', 'keys', 'values', 'entries', 'at', 'includes', 'indexOf', 'find', 'findIndex', 'some', 'every', 'map', 'filter', 'reduce', 'slice', 'join', 'size', 'length'])

function isFunctionNode(node: EstreeNode | undefined): boolean {
  return !!node && (node.type === 'ArrowFunctionExpression' || node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration')
}

function getObjectProperty(object: EstreeNode, name: string): EstreeNode | null | undefined {
  if (object.type !== 'ObjectExpression') return undefined
  for (const property of object.properties as EstreeNode[]) {
    if (property.type === 'SpreadElement') return undefined
    const key = property.key as EstreeNode
    const keyName = key.type === 'Identifier' && !property.computed ? key.name : key.type === 'Literal' ? key.value : null
    if (keyName === name) return property.value as EstreeNode
  }
  return null
}

interface ListenerCall {
  node: EstreeNode
  target: string
  type: string
  handler: EstreeNode | undefined
  /** `{ once: true }`, `{ signal }` or options the scan cannot read. */
  selfReleasing: boolean
}

export function scanLeakPatterns(program: EstreeNode, options: ScanLeakOptions): LeakPattern[] {
  const { code, file, locate } = options
  const text = (node: EstreeNode): string => code.slice(node.start, node.end)
  const patterns: LeakPattern[] = []
  const adds: ListenerCall[] = []
  const removes: ListenerCall[] = []
  const observers: EstreeNode[] = []
  let releasesObservers = false

  const report = (rule: LeakRuleCode, at: number, fields: Omit<LeakPattern, 'rule' | 'file' | 'line' | 'column'>): void => {
    const { line, column } = locate(at)
    patterns.push({ rule, file, line, column, ...fields })
  }

  visitEstree(program, (node, ancestors) => {
    if (node.type === 'NewExpression') {
      const name = getConstructedName(node)
      if (name && OBSERVERS.has(name)) observers.push(node)
      return
    }
    if (node.type !== 'CallExpression') return
    const callee = node.callee as EstreeNode
    const name = getCalleeName(callee)
    const args = node.arguments as EstreeNode[]
    if (name === 'disconnect' || name === 'unobserve') releasesObservers = true
    if ((name === 'addEventListener' || name === 'removeEventListener') && callee.type === 'MemberExpression' && args.length >= 2) {
      const typeNode = args[0]!
      const optionsNode = args[2]
      let selfReleasing = false
      if (optionsNode) {
        const once = getObjectProperty(optionsNode, 'once')
        const signal = getObjectProperty(optionsNode, 'signal')
        selfReleasing = once === undefined || signal === undefined // unreadable options: do not guess
          || (!!once && !(once.type === 'Literal' && once.value === false))
          || !!signal
      }
      const call: ListenerCall = {
        node,
        target: text(callee.object as EstreeNode),
        type: typeNode.type === 'Literal' ? String(typeNode.value) : text(typeNode),
        handler: args[1],
        selfReleasing,
      }
      ;(name === 'addEventListener' ? adds : removes).push(call)
      return
    }
    if (name === 'setInterval' && (callee.type === 'Identifier' || GLOBAL_TARGETS.has(text(callee.object as EstreeNode)))) {
      const parent = ancestors[ancestors.length - 1]
      const discarded = parent?.type === 'ExpressionStatement'
        || (parent?.type === 'UnaryExpression' && parent.operator === 'void')
        || (parent?.type === 'SequenceExpression' && (parent.expressions as EstreeNode[]).at(-1) !== node)
      if (discarded) {
        report('WB-LK002', getCalleeNameStart(callee), {
          title: 'Interval whose handle is discarded',
          message: `${file}: setInterval's return value is thrown away, so nothing can ever clear this interval; it runs (and keeps its closure alive) until the page unloads`,
          fix: 'Keep the handle and clear it when the view that started it goes away.',
          snippet: 'const timer = setInterval(tick, 1000)\n// on teardown:\nclearInterval(timer)',
          confidence: 'high',
        })
      }
    }
  })

  for (const add of adds) {
    if (add.selfReleasing) continue
    const sameType = removes.filter(remove => remove.type === add.type)
    const inline = isFunctionNode(add.handler)
    const global = GLOBAL_TARGETS.has(add.target)
    const at = getCalleeNameStart(add.node.callee as EstreeNode)
    const typeLabel = JSON.stringify(add.type)
    if (sameType.length === 0) {
      report('WB-LK001', at, {
        title: 'Event listener that is never removed',
        message: `${file}: ${add.target}.addEventListener(${typeLabel}) has no removeEventListener(${typeLabel}) in this module; ${global ? `${add.target} lives as long as the page, so every call adds a listener that is never freed` : 'if the target outlives the view, each call leaves a listener behind'}`,
        fix: 'Remove the listener when the view goes away, or let it remove itself with an AbortSignal or { once: true }.',
        snippet: `const controller = new AbortController()\n${add.target}.addEventListener(${typeLabel}, handler, { signal: controller.signal })\n// on teardown:\ncontroller.abort()`,
        confidence: global ? 'high' : 'low',
      })
    }
    else if (inline && sameType.every(remove => isFunctionNode(remove.handler))) {
      report('WB-LK001', at, {
        title: 'Event listener removal that can never match',
        message: `${file}: ${add.target}.addEventListener(${typeLabel}) gets an inline function, and removeEventListener(${typeLabel}) is given another inline function, which never matches: the listener is never removed`,
        fix: 'Keep the handler in a variable and pass the same function to both calls.',
        snippet: `const onEvent = (event) => { /* ... */ }\n${add.target}.addEventListener(${typeLabel}, onEvent)\n${add.target}.removeEventListener(${typeLabel}, onEvent)`,
        confidence: 'high',
      })
    }
  }

  if (!releasesObservers) {
    for (const node of observers) {
      const name = getConstructedName(node)!
      report('WB-LK003', node.start, {
        title: 'Observer that is never disconnected',
        message: `${file}: new ${name}() is created but this module never calls disconnect() or unobserve(); the observer stays alive (with its callback's closure) as long as any observed element does`,
        fix: 'Call observer.disconnect() when the view that created it goes away.',
        snippet: `const observer = new ${name}(callback)\nobserver.observe(element)\n// on teardown:\nobserver.disconnect()`,
        confidence: 'medium',
      })
    }
  }

  patterns.push(...scanGrowingCaches(program, options))
  return patterns.sort((a, b) => a.line - b.line || a.column - b.column || (a.rule < b.rule ? -1 : 1))
}

interface CacheCandidate {
  name: string
  kind: 'Map' | 'Set' | 'array'
  declarator: EstreeNode
  growsInFunction: boolean
  shrinks: boolean
  escapes: boolean
}

function scanGrowingCaches(program: EstreeNode, { file, locate }: ScanLeakOptions): LeakPattern[] {
  const candidates = new Map<string, CacheCandidate>()
  for (const statement of program.body as EstreeNode[]) {
    const declaration = statement.type === 'ExportNamedDeclaration' ? null : statement
    if (!declaration || declaration.type !== 'VariableDeclaration') continue
    for (const declarator of declaration.declarations as EstreeNode[]) {
      const id = declarator.id as EstreeNode
      const init = declarator.init as EstreeNode | null
      if (id.type !== 'Identifier' || !init) continue
      const constructed = getConstructedName(init)
      const kind = constructed === 'Map' || constructed === 'Set' ? constructed
        : init.type === 'ArrayExpression' && (init.elements as unknown[]).length === 0 ? 'array' : null
      if (kind) candidates.set(id.name as string, { name: id.name as string, kind, declarator, growsInFunction: false, shrinks: false, escapes: false })
    }
  }
  if (candidates.size === 0) return []

  visitEstree(program, (node, ancestors) => {
    if (node.type !== 'Identifier') return
    const candidate = candidates.get(node.name as string)
    if (!candidate) return
    const parent = ancestors[ancestors.length - 1]
    if (!parent || parent === candidate.declarator) return
    if (parent.type === 'MemberExpression' && parent.object === node) {
      const property = parent.property as EstreeNode
      const method = !parent.computed && property.type === 'Identifier' ? property.name as string : null
      const grandparent = ancestors[ancestors.length - 2]
      if (method === 'length' && grandparent?.type === 'AssignmentExpression' && grandparent.left === parent) candidate.shrinks = true
      else if (method && GROW_METHODS.has(method)) {
        if (ancestors.some(ancestor => isFunctionNode(ancestor))) candidate.growsInFunction = true
      }
      else if (method && SHRINK_METHODS.has(method)) candidate.shrinks = true
      else if (parent.computed && grandparent?.type === 'AssignmentExpression' && grandparent.left === parent) {
        if (ancestors.some(ancestor => isFunctionNode(ancestor))) candidate.growsInFunction = true
      }
      else if (!method || !READ_METHODS.has(method)) candidate.escapes = true
      return
    }
    if (parent.type === 'AssignmentExpression' && parent.left === node) {
      candidate.shrinks = true
      return
    }
    if ((parent.type === 'Property' && parent.key === node && !parent.computed) || (parent.type === 'MemberExpression' && parent.property === node && !parent.computed)) return
    if (parent.type === 'ForOfStatement' || parent.type === 'SpreadElement' || parent.type === 'BinaryExpression') return
    // Passed, returned, exported or aliased: someone else may clear it.
    candidate.escapes = true
  })

  const patterns: LeakPattern[] = []
  for (const candidate of candidates.values()) {
    if (!candidate.growsInFunction || candidate.shrinks || candidate.escapes) continue
    const { line, column } = locate((candidate.declarator.id as EstreeNode).start)
    const adds = candidate.kind === 'Map' ? 'set()' : candidate.kind === 'Set' ? 'add()' : 'push()'
    const label = candidate.kind === 'array' ? 'array' : candidate.kind
    patterns.push({
      rule: 'WB-LK004',
      file,
      line,
      column,
      title: 'Module-level cache that only grows',
      message: `${file}: the module-level ${label} \`${candidate.name}\` is filled with ${adds} from functions but never deleted from, cleared or reset; it grows for the life of the page`,
      fix: candidate.kind === 'array'
        ? 'Bound it (drop old entries with splice/shift) or reset it when the data is no longer needed.'
        : `Bound it (delete old entries, an LRU), clear it when the data is no longer needed, or use a ${candidate.kind === 'Map' ? 'WeakMap' : 'WeakSet'} keyed by the objects it describes.`,
      snippet: candidate.kind === 'Map' ? `const ${candidate.name} = new WeakMap() // entries go away with their keys` : null,
      confidence: 'medium',
    })
  }
  return patterns
}
