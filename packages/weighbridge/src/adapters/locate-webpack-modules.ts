/**
 * Where each module's code sits in an emitted (usually minified) webpack 5 / Rspack JS file, without
 * a source map: the file is parsed (oxc-parser, the parser core uses; with its JSON transfer on
 * Node 20 it measured 1.3x faster than acorn on bundles) and the module factories are found the way
 * webpack-bundle-analyzer finds them, in the object (or array) keyed by module id that the
 * bootstrap declares (`var t={120(t,e,r){...},85(...){...}}`) or that a chunk pushes
 * (`(self.webpackChunk=...).push([[606],{606(t,a,e){...}}])`). A factory's range is the function
 * (its parameters and body, not the id key): the analyzer's "parsed size", exactly.
 *
 * webpack 5 also inlines entry modules into the bootstrap, after the runtime, where they have no
 * factory: `...,r.p=t})(),(()=>{"use strict";var t=r(616)...})()})()`. The code after the last
 * runtime part (a statement that assigns to a property of `__webpack_require__`) is returned as
 * `inlinedTail`; the caller gives it to the entry modules that have no factory.
 *
 * Parsing is most of the cost (oxc-parser's JSON transfer of the AST, on Node 20), and most of a
 * chunk file is function bodies none of the above looks into: the factories', and those nested in
 * the bootstrap's statements after the modules object (the inlined entries). So the file is first
 * scanned (`scan-webpack-factories.ts`, tokens only), those bodies are blanked (replaced by spaces:
 * same positions), and the rest is parsed and read as above. The result is the one the whole file
 * gives: the walk never enters a factory; a blanked bootstrap body holds no assignment to a member
 * of the require function and no possible factory key (the scan checks), so the runtime parts and
 * the modules object are the same; and the walk must pick the very factories the scan found and a
 * require function the scan knew (else, or when the reduced text does not parse, the whole file is
 * parsed). Only a file whose blanked bodies do not parse could differ: it gets ranges instead of none.
 *
 * Positions are UTF-16 code unit indices of `code` (what oxc-parser reports, like acorn).
 */
import { parseSync } from 'oxc-parser'
import { blankBodies, scanModuleFactories } from './scan-webpack-factories'

export type TextRange = [start: number, end: number]

export interface LocatedWebpackModules {
  /** Module id (as a string) → the range of its factory function. */
  factories: Map<string, TextRange>
  /** Code of the bootstrap after its last runtime part, where webpack inlines entry modules; null when there is none. */
  inlinedTail: TextRange | null
}

/** An ESTree node, read structurally. */
interface AnyNode {
  type: string
  start: number
  end: number
  [key: string]: unknown
}

type Candidate = { node: AnyNode, factories: Map<string, TextRange> }

export interface LocateOptions {
  /** false: parse the whole file, without the scan that blanks the factory bodies first (the reference the scan is tested against). */
  scan?: boolean
  /** Tells how the file was read (tests, the timing log). */
  onRead?: (how: 'scanned' | 'parsed') => void
}

/** Parses `code` and locates the factories of `expectedIds`; null when the file cannot be parsed or holds none of them. */
export function locateWebpackModules(code: string, expectedIds: Iterable<string>, options: LocateOptions = {}): LocatedWebpackModules | null {
  const expected = new Set(expectedIds)
  const scanned = options.scan === false ? null : scanModuleFactories(code, expected)
  if (scanned) {
    const { text, blanked } = blankBodies(code, [...scanned.factories.map(factory => factory.body), ...scanned.tailBodies])
    const program = blanked > 0 ? parseBundle(text) : null
    const found = program && locateInProgram(program, expected)
    // The walk picked the scanned factories, and the require function is one the scan kept out of the blanked bodies.
    if (found && scanned.factories.every(factory => sameRange(found.located.factories.get(factory.id), factory.range))
      && (scanned.tailBodies.length === 0 || found.requireName === null || scanned.requireNames.includes(found.requireName))) {
      options.onRead?.('scanned')
      return found.located
    }
  }
  options.onRead?.('parsed')
  const program = parseBundle(code)
  return program ? locateInProgram(program, expected)?.located ?? null : null
}

function sameRange(a: TextRange | undefined, b: TextRange): boolean {
  return a !== undefined && a[0] === b[0] && a[1] === b[1]
}

/** The located factories, and the require function's name the inlined tail was found with. */
function locateInProgram(program: AnyNode, expected: Set<string>): { located: LocatedWebpackModules, requireName: string | null } | null {
  let best: Candidate | null = null
  /** Object and array literals declared directly in a function body or the program → that body. */
  const declaringBodies = new Map<AnyNode, AnyNode[]>()
  visitNodes(program, (node) => {
    const statements = readBodyStatements(node)
    if (statements)
      recordDeclaredLiterals(statements, declaringBodies)
    const factories = node.type === 'ObjectExpression'
      ? readObjectFactories(node, expected)
      : node.type === 'ArrayExpression' || node.type === 'CallExpression' ? readArrayFactories(node, expected) : null
    if (!factories || factories.size === 0)
      return false
    if (!best || factories.size > best.factories.size)
      best = { node, factories }
    // The factories hold the modules' code: no other modules object is in there.
    return 'skip'
  })
  const found = best as Candidate | null
  if (found) {
    const body = declaringBodies.get(found.node)
    const { tail, requireName } = body ? findInlinedTail(body, found.node) : { tail: null, requireName: null }
    return { located: { factories: found.factories, inlinedTail: tail }, requireName }
  }
  // Every module of the chunk inlined: the bootstrap's modules object is empty (`var t={}`).
  for (const [literal, body] of declaringBodies) {
    if (literal.type !== 'ObjectExpression' || (literal.properties as unknown[]).length > 0)
      continue
    const { tail, requireName } = findInlinedTail(body, literal)
    if (tail)
      return { located: { factories: new Map(), inlinedTail: tail }, requireName }
  }
  return null
}

function recordDeclaredLiterals(statements: AnyNode[], declaringBodies: Map<AnyNode, AnyNode[]>): void {
  for (const statement of statements) {
    if (statement.type !== 'VariableDeclaration')
      continue
    for (const declarator of statement.declarations as AnyNode[]) {
      const init = declarator.init as AnyNode | null
      if (init && (init.type === 'ObjectExpression' || init.type === 'ArrayExpression' || init.type === 'CallExpression'))
        declaringBodies.set(init, statements)
    }
  }
}

/** The file's ESTree program (script or ES module output); null when it does not parse. */
function parseBundle(code: string): AnyNode | null {
  const result = parseSync('bundle.js', code, { sourceType: 'unambiguous', preserveParens: false })
  return result.errors.length > 0 ? null : result.program as unknown as AnyNode
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
}

/** Visits every node (iteratively: minified bundles nest deeply) until `visit` returns true; 'skip' leaves a node's children out. */
function visitNodes(root: AnyNode, visit: (node: AnyNode) => boolean | 'skip' | void): void {
  const stack: AnyNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    const answer = visit(node)
    if (answer === true)
      return
    if (answer === 'skip')
      continue
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range')
        continue
      const value = node[key]
      if (Array.isArray(value)) {
        for (let index = value.length - 1; index >= 0; index--) {
          if (isNode(value[index]))
            stack.push(value[index] as AnyNode)
        }
      }
      else if (isNode(value)) {
        stack.push(value)
      }
    }
  }
}

function isFactory(node: unknown): boolean {
  return isNode(node) && (node.type === 'FunctionExpression' || node.type === 'ArrowFunctionExpression')
}

/** `{120(t,e,r){...}, "./src/a.js": function(){...}}`: keys that are expected module ids. */
function readObjectFactories(node: AnyNode, expected: Set<string>): Map<string, TextRange> | null {
  const factories = new Map<string, TextRange>()
  for (const property of node.properties as AnyNode[]) {
    if (property.type !== 'Property' || property.computed || !isFactory(property.value))
      continue
    const key = property.key as AnyNode
    const id = key.type === 'Identifier' ? key.name : key.type === 'Literal' ? String(key.value) : null
    if (typeof id === 'string' && expected.has(id))
      factories.set(id, [(property.value as AnyNode).start, (property.value as AnyNode).end])
  }
  return factories
}

/** `[f0, f1, , f3]` or `Array(5).concat([f5, f6])`: indexes (plus the offset) are the ids. */
function readArrayFactories(node: AnyNode, expected: Set<string>): Map<string, TextRange> | null {
  let elements: unknown[]
  let offset = 0
  if (node.type === 'ArrayExpression') {
    elements = node.elements as unknown[]
  }
  else {
    const callee = node.callee as AnyNode
    const args = node.arguments as AnyNode[]
    if (callee.type !== 'MemberExpression' || (callee.property as AnyNode).name !== 'concat' || args.length !== 1 || args[0]!.type !== 'ArrayExpression')
      return null
    const object = callee.object as AnyNode
    const first = (object.arguments as AnyNode[] | undefined)?.[0]
    if (object.type !== 'CallExpression' || (object.callee as AnyNode).name !== 'Array' || !first || first.type !== 'Literal' || typeof first.value !== 'number')
      return null
    elements = args[0]!.elements as unknown[]
    offset = first.value
  }
  if (!elements.some(isFactory) || !elements.every(element => element === null || isFactory(element)))
    return null
  const factories = new Map<string, TextRange>()
  elements.forEach((element, index) => {
    const id = String(index + offset)
    if (isNode(element) && expected.has(id))
      factories.set(id, [element.start, element.end])
  })
  return factories
}

/** The statements of a function body, or of the program (ES module output has its bootstrap at the top level). */
function readBodyStatements(node: AnyNode): AnyNode[] | null {
  if (node.type === 'Program')
    return node.body as AnyNode[]
  if (node.type !== 'FunctionExpression' && node.type !== 'ArrowFunctionExpression' && node.type !== 'FunctionDeclaration')
    return null
  const block = node.body as AnyNode
  return block.type === 'BlockStatement' ? block.body as AnyNode[] : null
}

/**
 * The bootstrap is the function (or, for ES module output, the program) whose body declares the
 * modules object (`statements`). Its body is runtime (the module cache, `__webpack_require__`, runtime parts assigning `__webpack_require__.x`), then
 * whatever webpack inlined or the startup call. Returns the range after the last runtime part.
 */
function findInlinedTail(statements: AnyNode[], modulesNode: AnyNode): { tail: TextRange | null, requireName: string | null } {
  const modulesName = findDeclaredName(statements, modulesNode)
  const requireName = modulesName === null ? null : findRequireName(statements, modulesName)
  if (requireName === null)
    return { tail: null, requireName }
  // Statements, with comma sequences split into their parts (terser joins statements with commas).
  const parts = statements.flatMap(statement => statement.type === 'ExpressionStatement' && (statement.expression as AnyNode).type === 'SequenceExpression'
    ? (statement.expression as AnyNode).expressions as AnyNode[]
    : [statement])
  let lastRuntime = -1
  for (let index = parts.length - 1; index >= 0; index--) {
    if (isRuntimePart(parts[index]!, modulesNode, requireName)) {
      lastRuntime = index
      break
    }
  }
  const tail = parts.slice(lastRuntime + 1).filter(part => !(part.type === 'ExpressionStatement' && typeof part.directive === 'string'))
  if (lastRuntime === -1 || tail.length === 0)
    return { tail: null, requireName }
  return { tail: [tail[0]!.start, tail.at(-1)!.end], requireName }
}

function findDeclaredName(statements: AnyNode[], init: AnyNode): string | null {
  for (const statement of statements) {
    if (statement.type !== 'VariableDeclaration')
      continue
    for (const declarator of statement.declarations as AnyNode[]) {
      if (declarator.init === init && (declarator.id as AnyNode).type === 'Identifier')
        return (declarator.id as AnyNode).name as string
    }
  }
  return null
}

/** `function r(n){...; return t[n](o, o.exports, r), o.exports}`: the function that calls into the modules object. */
function findRequireName(statements: AnyNode[], modulesName: string): string | null {
  for (const statement of statements) {
    const candidates: [AnyNode, AnyNode][] = statement.type === 'FunctionDeclaration'
      ? [[statement.id as AnyNode, statement]]
      : statement.type === 'VariableDeclaration'
        ? (statement.declarations as AnyNode[]).filter(declarator => isFactory(declarator.init)).map(declarator => [declarator.id as AnyNode, declarator.init as AnyNode])
        : []
    for (const [id, fn] of candidates) {
      if (id?.type === 'Identifier' && readsModulesObject(fn, modulesName))
        return id.name as string
    }
  }
  return null
}

function readsModulesObject(fn: AnyNode, modulesName: string): boolean {
  let found = false
  visitNodes(fn.body as AnyNode, (node) => {
    found = node.type === 'MemberExpression' && node.computed === true && (node.object as AnyNode).type === 'Identifier' && (node.object as AnyNode).name === modulesName
    return found
  })
  return found
}

/** Part of the runtime: the modules object's declaration, `__webpack_require__` itself, or code assigning `__webpack_require__.x`. */
function isRuntimePart(part: AnyNode, modulesNode: AnyNode, requireName: string): boolean {
  if (part.type === 'FunctionDeclaration' && (part.id as AnyNode | null)?.name === requireName)
    return true
  let runtime = false
  visitNodes(part, (node) => {
    if (node !== part && declaresName(node, requireName))
      return 'skip' // a local `r` shadows __webpack_require__ (minifiers reuse short names)
    runtime = node === modulesNode || (node.type === 'AssignmentExpression' && (node.left as AnyNode).type === 'MemberExpression' && rootIdentifier(node.left as AnyNode) === requireName)
    return runtime
  })
  return runtime
}

function bindsName(pattern: AnyNode | null | undefined, name: string): boolean {
  if (!pattern)
    return false
  switch (pattern.type) {
    case 'Identifier': return pattern.name === name
    case 'AssignmentPattern': return bindsName(pattern.left as AnyNode, name)
    case 'RestElement': return bindsName(pattern.argument as AnyNode, name)
    case 'ArrayPattern': return (pattern.elements as (AnyNode | null)[]).some(element => bindsName(element, name))
    case 'ObjectPattern': return (pattern.properties as AnyNode[]).some(property => bindsName(property.type === 'RestElement' ? property : property.value as AnyNode, name))
    case 'VariableDeclaration': return (pattern.declarations as AnyNode[]).some(declarator => bindsName(declarator.id as AnyNode, name))
    case 'FunctionDeclaration':
    case 'ClassDeclaration': return (pattern.id as AnyNode | null)?.name === name
    default: return false
  }
}

/** Whether the scope a node opens binds `name` (parameters, its own name, declarations directly in it). */
function declaresName(node: AnyNode, name: string): boolean {
  switch (node.type) {
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionDeclaration': {
      if ((node.id as AnyNode | null)?.name === name || (node.params as AnyNode[]).some(param => bindsName(param, name)))
        return true
      const body = node.body as AnyNode
      return body.type === 'BlockStatement' && (body.body as AnyNode[]).some(statement => bindsName(statement, name))
    }
    case 'BlockStatement':
    case 'StaticBlock': return (node.body as AnyNode[]).some(statement => bindsName(statement, name))
    case 'ForStatement': return bindsName(node.init as AnyNode | null, name)
    case 'ForInStatement':
    case 'ForOfStatement': return bindsName(node.left as AnyNode, name)
    case 'CatchClause': return bindsName(node.param as AnyNode | null, name)
    default: return false
  }
}

function rootIdentifier(node: AnyNode): string | null {
  let current = node
  while (current.type === 'MemberExpression')
    current = current.object as AnyNode
  return current.type === 'Identifier' ? current.name as string : null
}
