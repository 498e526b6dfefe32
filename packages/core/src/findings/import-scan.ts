/**
 * Reads the import statements of a source file: specifier, line and column, and the bindings
 * (default, namespace, named). es-module-lexer reads plain JS and TS (fast, no AST); files it cannot
 * read — JSX / TSX, or any syntax it does not know — are parsed with oxc-parser, a full JS / TS /
 * JSX parser, whose module record gives the same facts (so imports after JSX are found too). Vue and
 * Svelte files are read through their `<script>` blocks.
 */
import { init, parse } from 'es-module-lexer'
import type { ParserOptions, ParseResult } from 'oxc-parser'

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

type ParseSync = (filename: string, sourceText: string, options?: ParserOptions | null) => Pick<ParseResult, 'module' | 'errors'>
let parseWithOxc: ParseSync | null = null
let scannerReady: Promise<void> | null = null

/**
 * Loads the lexer's WebAssembly and the parser (its native binding is loaded here, not when
 * `@weighbridge/core` is imported); call (and await) once before `scanImports`.
 */
export function initImportScanner(): Promise<void> {
  scannerReady ??= Promise.all([
    init(),
    import('oxc-parser').then((oxc) => { parseWithOxc = oxc.parseSync }, () => {}),
  ]).then(() => {})
  return scannerReady
}

type LexedImports = ReturnType<typeof parse>[0]

/** `.vue` / `.svelte`: everything outside `<script>` blocks blanked (newlines kept, so lines and columns stay). */
function keepScriptBlocks(source: string): string {
  let kept = ''
  let last = 0
  const blank = (text: string): string => text.replace(/[^\n]/g, ' ')
  for (const match of source.matchAll(/(<script\b[^>]*>)([\s\S]*?)<\/script\s*>/gi)) {
    const bodyStart = match.index + match[1]!.length
    kept += blank(source.slice(last, bodyStart)) + match[2]!
    last = bodyStart + match[2]!.length
  }
  return kept + blank(source.slice(last))
}

/** The oxc language for a file name: JSX allowed in .js files too (common in React apps). */
function readParserLanguage(fileName: string | undefined): NonNullable<ParserOptions['lang']> {
  const extension = /\.([cm]?[jt]sx?|vue|svelte)$/.exec(fileName ?? '')?.[1] ?? 'tsx'
  if (extension.endsWith('tsx') || extension === 'vue' || extension === 'svelte') return 'tsx'
  if (extension.endsWith('ts')) return 'ts'
  return 'jsx'
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

/** Line starts of `source`, for 1-based line and column of an offset (binary search). */
function createLocator(source: string): (index: number) => { line: number, column: number } {
  const starts = [0]
  for (let i = source.indexOf('\n'); i !== -1; i = source.indexOf('\n', i + 1)) starts.push(i + 1)
  return (index) => {
    let low = 0
    let high = starts.length - 1
    while (low < high) {
      const middle = (low + high + 1) >> 1
      if (starts[middle]! <= index) low = middle
      else high = middle - 1
    }
    return { line: low + 1, column: index - starts[low]! + 1 }
  }
}

function scanWithLexer(source: string, imports: LexedImports): ImportStatement[] {
  const statements: ImportStatement[] = []
  const locate = createLocator(source)
  for (const entry of imports) {
    // `import(\`./x/${name}\`)` comes as a glob (`./x/*`): not a specifier to match.
    if (entry.type === 'import-meta' || entry.specifier === undefined || (entry.type === 'dynamic' && entry.glob)) continue
    const { line, column } = locate(entry.importStart)
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
 * The same statements from oxc-parser's module record (import / export entries, `import()` spans);
 * null when the parser is not loaded (see `initImportScanner`). Syntax errors do not stop it: the
 * statements it could read are returned.
 */
export function scanImportsWithParser(source: string, fileName?: string): ImportStatement[] | null {
  if (parseWithOxc === null) return null
  let result: Pick<ParseResult, 'module' | 'errors'>
  try {
    result = parseWithOxc(fileName ?? 'module.tsx', source, { lang: readParserLanguage(fileName), sourceType: 'module' })
  }
  catch {
    return null
  }
  const locate = createLocator(source)
  // As es-module-lexer gives it: the statement without its `;`.
  const statementText = (start: number, end: number): string => source.slice(start, end).replace(/\s*;\s*$/, '')
  const statements: (ImportStatement & { start: number })[] = []
  for (const item of result.module.staticImports) {
    const named: ImportBinding[] = []
    let defaultName: string | null = null
    let namespaceName: string | null = null
    for (const entry of item.entries) {
      if (entry.importName.kind === 'Default') defaultName = entry.localName.value
      else if (entry.importName.kind === 'NamespaceObject') namespaceName = entry.localName.value
      else named.push({ imported: entry.importName.name ?? entry.localName.value, local: entry.localName.value })
    }
    const typeOnly = /^import\s+type\s+(?!from\b)[\w${*]/.test(source.slice(item.start, item.end))
    statements.push({ start: item.start, specifier: item.moduleRequest.value, kind: 'static', ...locate(item.start), text: statementText(item.start, item.end), defaultName, namespaceName, named, typeOnly })
  }
  for (const item of result.module.staticExports) {
    // Only `export ... from '...'`: the module record also lists `import { x } from 'y'` followed
    // by `export { x }` as an indirect export, spanning the import statement.
    if (!source.startsWith('export', item.start)) continue
    const withSource = item.entries.filter(entry => entry.moduleRequest !== null)
    if (withSource.length === 0) continue
    const named: ImportBinding[] = []
    let namespaceName: string | null = null
    for (const entry of withSource) {
      if (entry.importName.kind === 'All') namespaceName = entry.exportName.name
      else if (entry.importName.kind === 'Name') named.push({ imported: entry.importName.name!, local: entry.exportName.name ?? entry.importName.name! })
    }
    const typeOnly = /^export\s+type\b/.test(source.slice(item.start, item.end))
    statements.push({ start: item.start, specifier: withSource[0]!.moduleRequest!.value, kind: 'reexport', ...locate(item.start), text: statementText(item.start, item.end), defaultName: null, namespaceName, named, typeOnly })
  }
  for (const item of result.module.dynamicImports) {
    const argument = source.slice(item.moduleRequest.start, item.moduleRequest.end)
    // Only literal specifiers: 'x', "x", `x` without substitutions.
    const literal = /^(['"`])([^'"`\\]*)\1$/.exec(argument)
    if (!literal || (literal[1] === '`' && literal[2]!.includes('${'))) continue
    statements.push({ start: item.start, specifier: literal[2]!, kind: 'dynamic', ...locate(item.start), text: source.slice(item.start, item.end), defaultName: null, namespaceName: null, named: [], typeOnly: false })
  }
  return statements.sort((a, b) => a.start - b.start).map(({ start: _start, ...statement }) => statement)
}

/** Whether the source has ES module syntax (import / export / import.meta); null when the lexer cannot read it. */
export function hasModuleSyntax(source: string): boolean | null {
  try {
    return parse(source)[3]
  }
  catch {
    return null
  }
}

/**
 * Every import / re-export statement and literal `import()` of `source`, in source order. The file
 * name (a module id is fine) picks the reader: .jsx / .tsx go to the parser, so do files the lexer
 * cannot read; Vue / Svelte files are read through their `<script>` blocks.
 */
export function scanImports(source: string, fileName?: string): ImportStatement[] {
  const name = fileName?.replace(/\?.*$/, '')
  const text = name !== undefined && /\.(?:vue|svelte)$/.test(name) ? keepScriptBlocks(source) : source
  if (name === undefined || !/\.[jt]sx$/.test(name)) {
    let imports: LexedImports | null = null
    try {
      imports = parse(text)[0]
    }
    catch {}
    if (imports !== null) return scanWithLexer(text, imports)
  }
  return scanImportsWithParser(text, name) ?? []
}

/**
 * How a namespace binding is used in `source`: the member names read with `X.name` / `X?.name`,
 * and whether it is also read with computed keys (`X[key]`) or passed around whole (`fn(X)`), in
 * which cases the bundler has to keep every export.
 */
/** What `scanNamespaceUse` finds. */
export interface NamespaceUse {
  members: string[]
  wholeUse: boolean
  computedAccess: boolean
}

export function scanNamespaceUse(source: string, namespaceName: string, importText: string): NamespaceUse {
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
