/**
 * Static leak patterns (WB-LK001…004) of the app's own modules, read after the build from the
 * original files: no bundler hook, so the build is exactly what it is without Weighbridge, and the
 * lines are the ones the user wrote (no source map needed).
 *
 * For each module of the report that is app code (no package, no query, not virtual, a script
 * extension, a real file under the project root): read the file, and only when a cheap pre-check
 * says a pattern is possible, parse it with oxc-parser (TypeScript / JSX by extension, types then
 * dropped so the scan sees what a bundler's post transform saw) and run `scanLeakPatterns`. Parsing
 * is the cost (oxc-parser's JSON transfer on Node 20: about 2 s for the 12 MB of a 5,000-module
 * app), so the pre-check is narrow: the API names of WB-LK001…003, or for WB-LK004 a `new Map` /
 * `new Set` / `[]` outside every `{…}` (a module-level declaration; locals in functions, the usual
 * `const parts: string[] = []`, do not count).
 *
 * Results are cached by the sha1 of the file's bytes (and its id, which the messages name): in
 * memory for the scanner's lifetime (one per plugin instance: watch rebuilds) and on disk in the
 * plugin's cache folder as one JSON file (`static-leaks.json`), written temp-then-rename, holding
 * the entries of the last build only; a file that does not validate is ignored.
 */
import type { EstreeNode, LeakPattern } from '@weighbridge/core'
import { createHash } from 'node:crypto'
import type { Stats } from 'node:fs'
import { readFileSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { createOffsetLocator, scanLeakPatterns } from '@weighbridge/core'
import { parseSync } from 'oxc-parser'
import { generatorVersion } from '../version'
import { writeFileAtomic } from '../write-file-atomic'

/** The module as the report lists it (`Module` of the report model). */
export interface ScannedModuleLike {
  id: string
  package: string | null
}

export interface StaticLeakScanResult {
  patterns: LeakPattern[]
  /** App modules read. */
  files: number
  /** Of those, files the pre-check let through (parsed, or found in the cache). */
  candidates: number
  /** Files parsed in this scan (cache misses). */
  parsed: number
}

export interface StaticLeakScanner {
  /**
   * The leak patterns of the app modules among `modules` (ids relative to `root`). `cacheDir`:
   * absolute folder of the disk cache, or null for memory only.
   */
  scan: (modules: readonly ScannedModuleLike[], root: string, cacheDir: string | null) => Promise<StaticLeakScanResult>
}

export const STATIC_LEAK_CACHE_FILE = 'static-leaks.json'
/** Changes with the scan's code: a cache written by another version is not read. */
const CACHE_FORMAT = `1:${generatorVersion}`
const SCRIPT_FILE = /\.[cm]?[jt]sx?$/
const NODE_MODULES = /(?:^|[\\/])node_modules[\\/]/

/** The names WB-LK001 (addEventListener), WB-LK002 (setInterval) and WB-LK003 (the three observers) report. */
const CALL_NAMES = ['addEventListener', 'setInterval', 'Observer']
/**
 * What a WB-LK004 cache is made of: `new Map` / `new Set` (`new globalThis.Map`, `new (Map)` too), or an empty
 * array literal (not a type: `string[]` follows a name, `)`, `]` or `>`).
 */
const CACHE_HINT = /\bnew[\s(]+[^(;]*?\b(?:Map|Set)\b|(?<![\w$)\]>]\s*)\[\s*\]/
const DECLARATION = /\b(?:const|let|var)\b/

/**
 * Whether `code` may hold a leak pattern; false only when the scan would surely find none. Reads
 * ASCII only: a file's bytes read as latin1 (faster to make than UTF-8 text) give the same answer.
 */
export function mayHoldLeakPattern(code: string): boolean {
  // `includes` (a plain substring search) is several times faster than one regular expression with alternatives.
  if (CALL_NAMES.some(name => code.includes(name)))
    return true
  if (!CACHE_HINT.test(code) || !DECLARATION.test(code))
    return false
  const moduleLevel = moduleLevelText(code)
  return moduleLevel === null || (CACHE_HINT.test(moduleLevel) && DECLARATION.test(moduleLevel))
}

const NEXT_SPECIAL = /[{}'"`/]/g
const TEMPLATE_PART = /\\[\s\S]|`|\$\{/g
const SINGLE_QUOTED = /\\[\s\S]|'|\n/g
const DOUBLE_QUOTED = /\\[\s\S]|"|\n/g
const REGEX_BODY = /\\.|\[|\]|\/|\n/g
const WORD_BEFORE = /[\w$]+$/
/** Words after which `/` starts a regular expression, not a division. */
const KEYWORDS_BEFORE_EXPRESSION = new Set(['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await'])

/**
 * The code outside every `{…}` (and outside strings, comments, template literals and regular
 * expressions): where module-level declarations are. Null when the braces do not balance (JSX text
 * or a regular expression the cheap lexer misread): the caller then parses the file.
 *
 * A lone quote running into the end of its line is JSX text (`<p>Don't</p>`), not a string; `/`
 * after `<` closes a JSX tag.
 */
export function moduleLevelText(code: string): string | null {
  const pieces: string[] = []
  let depth = 0
  /** Depths at which an open `${` of a template literal returns to the template's text. */
  const templates: number[] = []
  let copyFrom = 0
  let at = code.startsWith('#!') ? code.indexOf('\n') + 1 || code.length : 0
  if (at > 0)
    copyFrom = at
  /** Leaves [start, end) out of the module-level text. */
  const skip = (start: number, end: number): void => {
    if (depth === 0) {
      pieces.push(code.slice(copyFrom, start), ' ')
      copyFrom = end
    }
  }
  /** Continues a template literal's text at `from`; returns where the scan goes on, or -1 when unterminated. */
  const continueTemplate = (from: number, start: number): number => {
    TEMPLATE_PART.lastIndex = from
    for (let match = TEMPLATE_PART.exec(code); match; match = TEMPLATE_PART.exec(code)) {
      if (match[0] === '`') {
        skip(start, match.index + 1)
        return match.index + 1
      }
      if (match[0] === '${') {
        skip(start, match.index + 2)
        depth++
        templates.push(depth)
        return match.index + 2
      }
    }
    return -1
  }
  for (;;) {
    NEXT_SPECIAL.lastIndex = at
    const match = NEXT_SPECIAL.exec(code)
    if (!match)
      break
    const start = match.index
    const char = match[0]
    at = start + 1
    if (char === '{') {
      if (depth === 0)
        pieces.push(code.slice(copyFrom, start + 1))
      depth++
    }
    else if (char === '}') {
      if (depth === templates.at(-1)) {
        templates.pop()
        depth--
        if (depth === 0)
          copyFrom = start
        at = continueTemplate(start + 1, start)
        if (at === -1)
          return null
        continue
      }
      depth--
      if (depth < 0)
        return null
      if (depth === 0)
        copyFrom = start
    }
    else if (char === '`') {
      at = continueTemplate(start + 1, start)
      if (at === -1)
        return null
    }
    else if (char === '\'' || char === '"') {
      const quoted = char === '\'' ? SINGLE_QUOTED : DOUBLE_QUOTED
      quoted.lastIndex = start + 1
      let end = -1
      for (let found = quoted.exec(code); found; found = quoted.exec(code)) {
        if (found[0] === char) {
          end = found.index + 1
          break
        }
        if (found[0] === '\n')
          break
      }
      // Unterminated on its line: JSX text, the quote is plain text.
      if (end !== -1) {
        skip(start, end)
        at = end
      }
    }
    else {
      const next = code.charCodeAt(start + 1)
      if (next === 47 /* / */) {
        const newline = code.indexOf('\n', start)
        at = newline === -1 ? code.length : newline
        skip(start, at)
      }
      else if (next === 42 /* * */) {
        const close = code.indexOf('*/', start + 2)
        if (close === -1)
          return null
        at = close + 2
        skip(start, at)
      }
      else if (startsRegularExpression(code, start)) {
        const end = findRegularExpressionEnd(code, start + 1)
        // Not closed on its line: a division after all.
        if (end !== -1) {
          skip(start, end)
          at = end
        }
      }
    }
  }
  if (depth !== 0)
    return null
  pieces.push(code.slice(copyFrom))
  return pieces.join('')
}

/** Whether the `/` at `at` starts a regular expression: after an operator, punctuation or a keyword, not after a value. */
function startsRegularExpression(code: string, at: number): boolean {
  let before = at - 1
  while (before >= 0 && /\s/.test(code[before]!))
    before--
  if (before < 0)
    return true
  const char = code[before]!
  if (char === ')' || char === ']' || char === '<' || char === '"' || char === '\'' || char === '`')
    return false
  if (/[\w$]/.test(char)) {
    const word = WORD_BEFORE.exec(code.slice(Math.max(0, before - 15), before + 1))?.[0] ?? ''
    return KEYWORDS_BEFORE_EXPRESSION.has(word)
  }
  return true
}

/** The end (after the closing `/`) of a regular expression whose body starts at `from`; -1 when the line ends first. */
function findRegularExpressionEnd(code: string, from: number): number {
  let inClass = false
  REGEX_BODY.lastIndex = from
  for (let match = REGEX_BODY.exec(code); match; match = REGEX_BODY.exec(code)) {
    const token = match[0]
    if (token === '\n')
      return -1
    if (token === '[')
      inClass = true
    else if (token === ']')
      inClass = false
    else if (token === '/' && !inClass)
      return match.index + 1
  }
  return -1
}

/** Expressions TypeScript wraps around a value (`x!`, `x as T`, `<T>x`, `x satisfies T`, `f<T>`). */
const TS_EXPRESSION_WRAPPERS = new Set(['TSNonNullExpression', 'TSAsExpression', 'TSSatisfiesExpression', 'TSTypeAssertion', 'TSInstantiationExpression'])
/** Statements and members that are types only. */
const TS_TYPE_ONLY = new Set(['TSTypeAliasDeclaration', 'TSInterfaceDeclaration', 'TSDeclareFunction', 'TSIndexSignature', 'TSImportEqualsDeclaration'])
const TS_TYPE_KEYS = new Set(['typeAnnotation', 'typeArguments', 'typeParameters', 'returnType', 'superTypeArguments', 'implements'])

function isNode(value: unknown): value is EstreeNode {
  return typeof value === 'object' && value !== null && typeof (value as EstreeNode).type === 'string'
}

function isTypeOnly(node: EstreeNode): boolean {
  return TS_TYPE_ONLY.has(node.type) || node.declare === true
    || (node.type === 'ExportNamedDeclaration' && (node.exportKind === 'type' || (isNode(node.declaration) && isTypeOnly(node.declaration))))
}

function unwrapTypeScript(node: EstreeNode): EstreeNode {
  let current = node
  while (TS_EXPRESSION_WRAPPERS.has(current.type) && isNode(current.expression))
    current = current.expression
  return current
}

/**
 * Drops TypeScript from an oxc ESTree in place (type annotations, type-only statements, `as` / `!`
 * wrappers): the program a bundler's post transform saw, so `typeof cache` in a type or `cache!.set()`
 * reads as it did there.
 */
export function stripTypeScript(root: EstreeNode): void {
  const stack: EstreeNode[] = [root]
  while (stack.length > 0) {
    const node = stack.pop()!
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'range')
        continue
      if (TS_TYPE_KEYS.has(key)) {
        node[key] = null
        continue
      }
      const value = node[key]
      if (Array.isArray(value)) {
        const kept: unknown[] = []
        for (const item of value) {
          if (!isNode(item)) {
            kept.push(item)
            continue
          }
          if (isTypeOnly(item))
            continue
          const unwrapped = unwrapTypeScript(item)
          kept.push(unwrapped)
          stack.push(unwrapped)
        }
        node[key] = kept
      }
      else if (isNode(value)) {
        if (isTypeOnly(value)) {
          node[key] = null
          continue
        }
        const unwrapped = unwrapTypeScript(value)
        node[key] = unwrapped
        stack.push(unwrapped)
      }
    }
  }
}

/** The program of an original source file, types dropped; null when it does not parse. */
function parseSource(fileName: string, code: string): EstreeNode | null {
  const attempt = (name: string): EstreeNode | null => {
    try {
      const result = parseSync(name, code, { sourceType: 'unambiguous', preserveParens: false })
      return result.errors.length > 0 ? null : result.program as unknown as EstreeNode
    }
    catch {
      return null
    }
  }
  // JSX in a .js file (Create React App and others allow it): read again as .jsx.
  const program = attempt(fileName) ?? (/\.[cm]?js$/.test(fileName) ? attempt(`${fileName}x`) : null)
  if (program)
    stripTypeScript(program)
  return program
}

/** Leak patterns of one file's source, located at its own lines. */
export function scanSourceForLeaks(file: string, code: string): LeakPattern[] {
  const program = parseSource(file, code)
  return program ? scanLeakPatterns(program, { file, code, locate: createOffsetLocator(code) }) : []
}

const RULES = new Set(['WB-LK001', 'WB-LK002', 'WB-LK003', 'WB-LK004'])
const CONFIDENCES = new Set(['high', 'medium', 'low'])

function isLeakPattern(value: unknown, file: string): value is LeakPattern {
  const pattern = value as LeakPattern
  return typeof value === 'object' && value !== null && RULES.has(pattern.rule) && pattern.file === file
    && Number.isInteger(pattern.line) && pattern.line > 0 && Number.isInteger(pattern.column) && pattern.column > 0
    && typeof pattern.title === 'string' && typeof pattern.message === 'string' && typeof pattern.fix === 'string'
    && (pattern.snippet === null || typeof pattern.snippet === 'string') && CONFIDENCES.has(pattern.confidence)
}

/** The entries of a cache file: key (`<sha1> <file>`) → patterns; empty when the file is missing, of another format or invalid. */
async function readCacheFile(cacheFile: string): Promise<Map<string, LeakPattern[]>> {
  const entries = new Map<string, LeakPattern[]>()
  let value: unknown
  try {
    value = JSON.parse(await readFile(cacheFile, 'utf8'))
  }
  catch {
    return entries
  }
  const data = value as { format?: unknown, entries?: unknown }
  if (typeof value !== 'object' || value === null || data.format !== CACHE_FORMAT || typeof data.entries !== 'object' || data.entries === null || Array.isArray(data.entries))
    return entries
  for (const [key, patterns] of Object.entries(data.entries as Record<string, unknown>)) {
    const file = key.slice(41)
    if (!/^[0-9a-f]{40} ./.test(key) || !Array.isArray(patterns) || !patterns.every(pattern => isLeakPattern(pattern, file)))
      return new Map()
    entries.set(key, patterns)
  }
  return entries
}

function isAppScript(module: ScannedModuleLike): boolean {
  return module.package === null && !module.id.startsWith('virtual:') && !module.id.includes('?') && SCRIPT_FILE.test(module.id) && !NODE_MODULES.test(module.id)
}

/** What the last scan saw of a file: unchanged size and times mean unchanged bytes (no read needed). */
interface FileMemo {
  size: number
  mtimeMs: number
  ctimeMs: number
  ino: number
  /** The cache key of its patterns, or null when the pre-check ruled the file out. */
  key: string | null
}

function sameFile(memo: FileMemo | undefined, stats: Stats): boolean {
  return memo !== undefined && memo.size === stats.size && memo.mtimeMs === stats.mtimeMs && memo.ctimeMs === stats.ctimeMs && memo.ino === stats.ino
}

/**
 * One scanner per plugin instance. Besides the content-hash cache, it remembers each file's size
 * and times from the last scan: a watch rebuild reads only the files that changed.
 */
export function createStaticLeakScanner(): StaticLeakScanner {
  let memory = new Map<string, LeakPattern[]>()
  let memos = new Map<string, FileMemo>()
  /** Cache files already read into `memory`. */
  const loaded = new Set<string>()

  return {
    async scan(modules, root, cacheDir) {
      const cacheFile = cacheDir === null ? null : path.join(cacheDir, STATIC_LEAK_CACHE_FILE)
      if (cacheFile !== null && !loaded.has(cacheFile)) {
        loaded.add(cacheFile)
        for (const [key, patterns] of await readCacheFile(cacheFile)) {
          if (!memory.has(key))
            memory.set(key, patterns)
        }
      }
      const used = new Map<string, LeakPattern[]>()
      const nextMemos = new Map<string, FileMemo>()
      const patterns: LeakPattern[] = []
      let read = 0
      let parsed = 0
      for (const module of modules) {
        if (!isAppScript(module))
          continue
        const absolute = path.resolve(root, module.id)
        const relative = path.relative(root, absolute)
        if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative))
          continue
        // Sync reads: measured 35 ms for 4,749 files, against 270 ms for as many `readFile` promises
        // queued behind the measurer's compression jobs on the thread pool.
        const stats = statSync(absolute, { throwIfNoEntry: false })
        if (!stats?.isFile())
          continue
        read++
        const memo = memos.get(absolute)
        let key: string | null
        if (sameFile(memo, stats) && (memo!.key === null || memory.has(memo!.key))) {
          key = memo!.key
        }
        else {
          let bytes: Buffer
          try {
            bytes = readFileSync(absolute)
          }
          catch {
            continue
          }
          key = mayHoldLeakPattern(bytes.toString('latin1')) ? `${createHash('sha1').update(bytes).digest('hex')} ${module.id}` : null
          if (key !== null && !memory.has(key)) {
            let code = bytes.toString('utf8')
            // A byte order mark is no column of line 1.
            if (code.charCodeAt(0) === 0xFEFF)
              code = code.slice(1)
            memory.set(key, scanSourceForLeaks(module.id, code))
            parsed++
          }
        }
        nextMemos.set(absolute, { size: stats.size, mtimeMs: stats.mtimeMs, ctimeMs: stats.ctimeMs, ino: stats.ino, key })
        if (key !== null) {
          const found = memory.get(key)!
          used.set(key, found)
          patterns.push(...found)
        }
      }
      const changed = used.size !== memory.size || parsed > 0
      memory = used
      memos = nextMemos
      if (cacheFile !== null && changed) {
        const entries = Object.fromEntries([...used].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
        // The cache is an optimisation: a folder that cannot be written costs the next build a parse, nothing more.
        await writeFileAtomic(cacheFile, JSON.stringify({ format: CACHE_FORMAT, entries })).catch(() => {})
      }
      return { patterns, files: read, candidates: used.size, parsed }
    },
  }
}
