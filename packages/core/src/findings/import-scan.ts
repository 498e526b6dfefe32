/**
 * Reads the import statements of a source file with es-module-lexer: specifier, line and column,
 * and the bindings (default, namespace, named). JSX/TSX sources the lexer cannot read whole are
 * read up to the last top-level statement it can (imports sit at the top), so their static imports
 * are still found.
 */
import { init, parse } from 'es-module-lexer'

export interface ImportBinding {
  imported: string
  local: string
}

export interface ImportStatement {
  specifier: string
  kind: 'static' | 'dynamic' | 'reexport'
  /** 1-based line and column of the statement's start. */
  line: number
  column: number
  /** The statement as written (for static imports), or the `import(...)` call text. */
  text: string
  defaultName: string | null
  namespaceName: string | null
  named: ImportBinding[]
  typeOnly: boolean
}

/** Loads the lexer's WebAssembly; call (and await) once before `scanImports`. */
export function initImportScanner(): Promise<void> {
  return init()
}

type LexedImports = ReturnType<typeof parse>[0]

function lexImports(source: string): LexedImports {
  try {
    return parse(source)[0]
  }
  catch (error) {
    // JSX (and other syntax the lexer does not know): retry on ever shorter prefixes that end
    // before a top-level statement (a line starting in column 0 with something other than a
    // closing bracket), so the import header is read.
    const idx = (error as { idx?: number }).idx
    let end = typeof idx === 'number' && idx > 0 ? Math.min(idx, source.length) : source.length
    for (let attempt = 0; attempt < 400; attempt++) {
      let cut = end
      do cut = source.lastIndexOf('\n', cut - 1)
      while (cut > 0 && /[\s)}\]>]/.test(source[cut + 1] ?? ' '))
      if (cut <= 0) return []
      end = cut
      try {
        return parse(source.slice(0, cut))[0]
      }
      catch {}
    }
    return []
  }
}

function parseBindings(clause: string): Pick<ImportStatement, 'defaultName' | 'namespaceName' | 'named'> {
  let defaultName: string | null = null
  let namespaceName: string | null = null
  const named: ImportBinding[] = []
  let rest = clause.trim()
  const braces = /\{([\s\S]*)\}/.exec(rest)
  if (braces) {
    for (const part of braces[1]!.split(',')) {
      const item = part.trim().replace(/^type\s+/, '')
      if (item === '') continue
      const match = /^(\S+|'[^']*'|"[^"]*")\s+as\s+(\S+)$/.exec(item)
      const imported = (match ? match[1]! : item).replace(/^['"]|['"]$/g, '')
      named.push({ imported, local: match ? match[2]! : item })
    }
    rest = rest.replace(braces[0], '')
  }
  const namespace = /\*\s*as\s+([\w$]+)/.exec(rest)
  if (namespace) {
    namespaceName = namespace[1]!
    rest = rest.replace(namespace[0], '')
  }
  const first = /^([\w$]+)/.exec(rest.replace(/^type\s+(?=[\w$]+\s*(,|$))/, '').trim())
  if (first && first[1] !== 'type') defaultName = first[1]!
  return { defaultName, namespaceName, named }
}

function lineAndColumn(source: string, index: number): { line: number, column: number } {
  let line = 1
  let lineStart = 0
  for (let i = source.indexOf('\n'); i !== -1 && i < index; i = source.indexOf('\n', i + 1)) {
    line++
    lineStart = i + 1
  }
  return { line, column: index - lineStart + 1 }
}

/** Every import/re-export statement and literal `import()` of `source`, in source order. */
export function scanImports(source: string): ImportStatement[] {
  const statements: ImportStatement[] = []
  for (const entry of lexImports(source)) {
    if (entry.type === 'import-meta' || entry.specifier === undefined) continue
    const { line, column } = lineAndColumn(source, entry.importStart)
    const text = source.slice(entry.importStart, entry.importEnd)
    if (entry.type === 'dynamic') {
      statements.push({ specifier: entry.specifier, kind: 'dynamic', line, column, text, defaultName: null, namespaceName: null, named: [], typeOnly: false })
      continue
    }
    const isExport = /^export\b/.test(text)
    const clauseMatch = /^(?:import|export)\s+(?:type\s+)?([\s\S]*?)\s*from\s*['"]/.exec(text)
    const clause = clauseMatch ? clauseMatch[1]! : ''
    const typeOnly = 'typeOnly' in entry ? entry.typeOnly : false
    statements.push({ specifier: entry.specifier, kind: isExport ? 'reexport' : 'static', line, column, text, ...parseBindings(clause), typeOnly })
  }
  return statements
}

/**
 * How a namespace binding is used in `source`: the member names read with `X.name` / `X?.name`,
 * and whether it is also read with computed keys (`X[key]`) or passed around whole (`fn(X)`), in
 * which cases the bundler has to keep every export.
 */
export function scanNamespaceUse(source: string, namespaceName: string, importText: string): { members: string[], wholeUse: boolean, computedAccess: boolean } {
  const body = source
    .replace(importText, '')
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1')
  const escaped = namespaceName.replace(/\$/g, '\\$')
  const members = new Set<string>()
  let computedAccess = false
  let wholeUse = false
  const usage = new RegExp(`(?<![\\w$.])${escaped}(?![\\w$])(\\s*\\??\\.\\s*([\\w$]+)|\\s*\\??\\.?\\s*\\[)?`, 'g')
  for (const match of body.matchAll(usage)) {
    if (match[2]) members.add(match[2])
    else if (match[1]) computedAccess = true
    else wholeUse = true
  }
  return { members: [...members].sort(), wholeUse, computedAccess }
}

export interface ExportMap {
  /** Export name → where it comes from: `null` = declared in the module itself. */
  names: Map<string, { from: string, importName: string | null } | null>
  /** Specifiers of `export * from '...'`. */
  starFrom: string[]
}

/** The exports of an ES module's source; null when the lexer cannot read it. */
export function scanExports(source: string): ExportMap | null {
  let exports: ReturnType<typeof parse>[1]
  try {
    exports = parse(source)[1]
  }
  catch {
    return null
  }
  const names: ExportMap['names'] = new Map()
  const starFrom: string[] = []
  for (const entry of exports) {
    if (entry.type === 'reexport-all') starFrom.push(entry.from)
    else if (entry.type === 'reexport') names.set(entry.name, { from: entry.from, importName: entry.importName })
    else names.set(entry.name, null)
  }
  return { names, starFrom }
}

/**
 * Brace depth at every offset of `source`: 0 is the module's top level, -1 marks comments, strings
 * and template text. Parentheses do not count, so `render(<App />)` stays at depth 0.
 */
function computeBraceDepths(source: string): Int32Array {
  const depths = new Int32Array(source.length + 1)
  let depth = 0
  let i = 0
  const templateDepths: number[] = []
  while (i < source.length) {
    const char = source[i]!
    const next = source[i + 1]
    depths[i] = depth
    if (char === '/' && next === '/') {
      const end = source.indexOf('\n', i)
      const stop = end === -1 ? source.length : end
      for (; i < stop; i++) depths[i] = -1
      continue
    }
    if (char === '/' && next === '*') {
      const end = source.indexOf('*/', i + 2)
      const stop = end === -1 ? source.length : end + 2
      for (; i < stop; i++) depths[i] = -1
      continue
    }
    if (char === '\'' || char === '"' || (char === '`') || (char === '}' && templateDepths.length > 0 && templateDepths[templateDepths.length - 1] === depth)) {
      // A string, or template text (also after a `${...}` closes).
      const quote = char === '}' ? '`' : char
      if (char === '}') templateDepths.pop()
      i++
      while (i < source.length) {
        depths[i] = -1
        depths[i + 1] = -1
        const c = source[i]!
        if (c === '\\') {
          i += 2
          continue
        }
        if (quote === '`' && c === '$' && source[i + 1] === '{') {
          templateDepths.push(depth)
          i += 2
          break
        }
        if (c === quote || (quote !== '`' && c === '\n')) {
          i++
          break
        }
        i++
      }
      continue
    }
    if (char === '{') depth++
    else if (char === '}') depth = Math.max(0, depth - 1)
    i++
  }
  depths[source.length] = depth
  return depths
}

/**
 * Whether every use of the statement's bindings sits inside a function or block (brace depth > 0):
 * then the import is needed only later, and `import()` there takes it off the startup path. False
 * for side-effect imports and bindings used at the module's top level (`createRoot(...)`).
 */
export function isUsedOnlyInFunctions(source: string, statement: ImportStatement): boolean {
  const names = [statement.defaultName, statement.namespaceName, ...statement.named.map(binding => binding.local)].filter((name): name is string => !!name)
  if (names.length === 0) return false
  const depths = computeBraceDepths(source)
  const statementStart = source.indexOf(statement.text)
  const statementEnd = statementStart === -1 ? -1 : statementStart + statement.text.length
  let uses = 0
  for (const name of names) {
    const pattern = new RegExp(`(?<![\\w$.])${name.replace(/\$/g, '\\$')}(?![\\w$])`, 'g')
    for (const match of source.matchAll(pattern)) {
      const index = match.index
      if (index >= statementStart && index < statementEnd) continue
      if (depths[index] === -1) continue // in a comment or string
      uses++
      if (depths[index] === 0) return false
    }
  }
  return uses > 0
}
