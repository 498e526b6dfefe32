/**
 * A token scan of a webpack / Rspack chunk file that finds the module factories without building an
 * AST: the object (or array) keyed by module id whose values are functions, the ranges of those
 * functions and of their bodies, and the function bodies nested in the bootstrap's statements after
 * it (the inlined entry modules' code). `locateWebpackModules` blanks those bodies before it parses
 * (78-99 % of the example app's chunk files), so that oxc-parser and the JSON transfer of its AST
 * handle the bootstrap's skeleton only, and checks the scan against the parse (any disagreement: the
 * whole file is parsed).
 *
 * The tokenizer knows strings, template literals (nested `${}`), comments, numbers, identifiers and
 * punctuators, and tells a regular expression from a division by the token before the slash, the
 * usual way (after `)` only when the parenthesis closed `if (...)`, `while (...)`, `for (...)` or
 * `with (...)`; after `}` always: no minifier writes a division right after a block or a literal).
 * Anything it cannot read (an unterminated literal, unbalanced brackets) gives null.
 *
 * Positions are UTF-16 code unit indices of the text, as the parser reports them.
 */

const KIND_IDENT = 1
const KIND_NUMBER = 2
const KIND_STRING = 3
const KIND_TEMPLATE = 4
const KIND_REGEX = 5
const KIND_PUNCT = 6

/** Punctuator codes: the character code for single characters; these for the few longer ones we look at. */
const PUNCT_ARROW = 0x10000
const PUNCT_OTHER = 0x10001

const OPEN_PAREN = 0x28
const CLOSE_PAREN = 0x29
const OPEN_BRACKET = 0x5B
const CLOSE_BRACKET = 0x5D
const OPEN_BRACE = 0x7B
const CLOSE_BRACE = 0x7D
const COMMA = 0x2C
const COLON = 0x3A
const DOT = 0x2E
const SLASH = 0x2F
const BACKSLASH = 0x5C
const BACKTICK = 0x60

/** Identifiers after which a slash starts a regular expression (`of` only inside `for (...)`). */
const REGEX_KEYWORDS = new Set(['return', 'typeof', 'instanceof', 'in', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends'])
const CONTROL_KEYWORDS = new Set(['if', 'while', 'for', 'with'])
/** Bodies shorter than this are left as they are: blanking them saves nothing worth a copy. */
const MIN_BLANKED_BODY = 64

/** Token columns (typed arrays: a 600 kB chunk has 200,000 tokens; `count` of them are used). */
interface Tokens {
  count: number
  kind: Uint8Array
  start: Int32Array
  end: Int32Array
  /** Punctuator code (`KIND_PUNCT`), else 0. */
  punct: Int32Array
  /** For an opening bracket, the index of its closing token (and the other way round); else -1. */
  match: Int32Array
}

/** One factory found by the scan. */
export interface ScannedFactory {
  /** Module id (the key, or the index in an array of factories). */
  id: string
  /** The function: its parameters and body (what the parser reports as the function's range). */
  range: [start: number, end: number]
  /** The text between the body's braces. */
  body: [start: number, end: number]
}

/** What the scan found in a chunk file. */
export interface ScannedChunk {
  /** The factories of the modules object. */
  factories: ScannedFactory[]
  /**
   * Function bodies in the bootstrap after the modules object (the runtime's helpers, the inlined
   * entry modules) that the walk has no need to look into: none assigns to a member of a name the
   * require function may have (`requireNames`, one of which the walk must find), none holds a key
   * that is an expected id (an object of factories the walk would count). Empty when the modules
   * object is not declared in a function body or at the top level (a chunk that pushes its modules).
   */
  tailBodies: [start: number, end: number][]
  requireNames: string[]
}

/**
 * The factories of the modules object holding the most factories of `expected` ids (the first
 * such object, outside any other's factories, as the AST walk picks it); null when the text cannot
 * be tokenized or no object holds an expected factory.
 */
export function scanModuleFactories(code: string, expected: Set<string>): ScannedChunk | null {
  const tokens = tokenize(code)
  if (!tokens)
    return null
  let best: ScannedFactory[] | null = null
  let bestOpen = -1
  const count = tokens.count
  for (let index = 0; index < count; index++) {
    const punct = tokens.punct[index]
    if (punct !== OPEN_BRACE && punct !== OPEN_BRACKET)
      continue
    const factories = punct === OPEN_BRACE ? readObjectFactories(code, tokens, index, expected) : readArrayFactories(code, tokens, index, expected)
    if (factories.length === 0)
      continue
    if (!best || factories.length > best.length) {
      best = factories
      bestOpen = index
    }
    // The factories hold the modules' code: no other modules object is in there.
    index = tokens.match[index]!
  }
  if (!best)
    return null
  return { factories: best, ...findTailBodies(code, tokens, bestOpen, expected) }
}

/** `code` with `bodies` (the long ones) replaced by spaces: same length, same positions. */
export function blankBodies(code: string, bodies: [number, number][]): { text: string, blanked: number } {
  const long = bodies.filter(([start, end]) => end - start >= MIN_BLANKED_BODY).sort((a, b) => a[0] - b[0])
  const parts: string[] = []
  let cursor = 0
  let blanked = 0
  for (const [start, end] of long) {
    parts.push(code.slice(cursor, start), ' '.repeat(end - start))
    blanked += end - start
    cursor = end
  }
  parts.push(code.slice(cursor))
  return { text: parts.join(''), blanked }
}

const ASSIGNMENT = /^(?:[-+*/%&|^]|\*\*|<<|>>>?|&&|\|\||\?\?)?=(?![=>])/
const IDENTIFIER = /^[A-Z_$][\w$]*$/i

/**
 * The bodies after the modules object `open` in the body declaring it (`var t = {...}`) that can be
 * blanked (see `ScannedChunk.tailBodies`): function and block bodies nested in the bootstrap's
 * statements (not the statements' own functions: the require function is one of those), without an
 * assignment to a member of a possible require name and without a possible factory key, in the body
 * or in the parameters before it.
 */
function findTailBodies(code: string, tokens: Tokens, open: number, expected: Set<string>): { tailBodies: [number, number][], requireNames: string[] } {
  const none = { tailBodies: [], requireNames: [] }
  const { kind, punct, match, start, end } = tokens
  if (open < 2 || kind[open - 2] !== KIND_IDENT || !isPunctChar(code, tokens, open - 1, 0x3D))
    return none
  // The enclosing bracket: a function body's brace, or none (the top level).
  let parent = -1
  for (let index = open - 1; index >= 0; index--) {
    if (isClose(punct[index]!)) {
      index = match[index]!
    }
    else if (isOpen(punct[index]!)) {
      parent = index
      break
    }
  }
  if (parent !== -1 && punct[parent] !== OPEN_BRACE)
    return none
  const bodyStart = parent + 1
  const bodyEnd = parent === -1 ? tokens.count : match[parent]!
  const textOf = (index: number): string => code.slice(start[index], end[index])

  // Names of the body's own functions (`function r(e){`, `r=function(`, `r=(e)=>`, `r=e=>`): the require function is one.
  const requireNames = new Set<string>()
  for (let index = bodyStart; index < bodyEnd; index++) {
    if (isOpen(punct[index]!)) {
      index = match[index]!
      continue
    }
    if (kind[index] !== KIND_IDENT)
      continue
    if (isIdent(code, tokens, index, 'function') && kind[index + 1] === KIND_IDENT) {
      requireNames.add(textOf(index + 1))
    }
    else if (isPunctChar(code, tokens, index + 1, 0x3D) && (isIdent(code, tokens, index + 2, 'function')
      || (punct[index + 2] === OPEN_PAREN && punct[match[index + 2]! + 1] === PUNCT_ARROW)
      || (kind[index + 2] === KIND_IDENT && punct[index + 3] === PUNCT_ARROW))) {
      requireNames.add(textOf(index))
    }
  }

  // Tokens after the modules object that rule out blanking what holds them, as prefix counts.
  const from = match[open]! + 1
  const identifierIds = [...expected].some(id => IDENTIFIER.test(id))
  const blocksBlanking = (index: number): boolean => {
    const tokenKind = kind[index]
    const next = punct[index + 1]
    // A possible factory key (`120:`, `120(`, `"./a.js":`), or a possible array of factories.
    if ((next === COLON || next === OPEN_PAREN) && (tokenKind === KIND_NUMBER || tokenKind === KIND_STRING || (tokenKind === KIND_IDENT && identifierIds))) {
      const key = readKey(code, tokens, index)
      if (key !== null && expected.has(key))
        return true
    }
    if (punct[index] === OPEN_BRACKET && (next === COMMA
      || (next === OPEN_PAREN && punct[match[index + 1]! + 1] === PUNCT_ARROW)
      || isIdent(code, tokens, index + 1, 'function') || isIdent(code, tokens, index + 1, 'async')
      || (kind[index + 1] === KIND_IDENT && punct[index + 2] === PUNCT_ARROW)))
      return true
    // An assignment to a member of a possible require name: `r.p = ...`, `r.f.j = ...`, `r[x] += ...`.
    if (tokenKind !== KIND_IDENT || !requireNames.has(textOf(index)))
      return false
    let cursor = index + 1
    let members = 0
    for (;;) {
      if (punct[cursor] === DOT && kind[cursor + 1] === KIND_IDENT)
        cursor += 2
      else if (punct[cursor] === OPEN_BRACKET && cursor < tokens.count)
        cursor = match[cursor]! + 1
      else break
      members += 1
    }
    return members > 0 && cursor < tokens.count && ASSIGNMENT.test(code.slice(start[cursor], start[cursor]! + 5))
  }
  const blocked = new Int32Array(bodyEnd - from + 1)
  for (let index = from; index < bodyEnd; index++)
    blocked[index - from + 1] = blocked[index - from]! + (blocksBlanking(index) ? 1 : 0)
  const blockedBetween = (first: number, last: number): boolean => blocked[last - from + 1]! - blocked[first - from]! > 0

  const tailBodies: [number, number][] = []
  let depth = 1
  for (let index = from; index < bodyEnd; index++) {
    const tokenPunct = punct[index]!
    if (isClose(tokenPunct)) {
      depth -= 1
      continue
    }
    if (!isOpen(tokenPunct))
      continue
    const close = match[index]!
    if (tokenPunct === OPEN_BRACE && depth >= 2 && start[close]! - end[index]! >= MIN_BLANKED_BODY) {
      // A function's or a statement's body: after `)` (its parameters or condition) or `=>`.
      const before = index - 1
      const params = punct[before] === CLOSE_PAREN
        ? match[before]!
        : punct[before] === PUNCT_ARROW ? (punct[before - 1] === CLOSE_PAREN ? match[before - 1]! : before - 1) : -1
      if (params >= from && !blockedBetween(params, close)) {
        tailBodies.push([end[index]!, start[close]!])
        index = close
        continue
      }
    }
    depth += 1
  }
  return { tailBodies, requireNames: [...requireNames] }
}

function isOpen(punct: number): boolean {
  return punct === OPEN_BRACE || punct === OPEN_BRACKET || punct === OPEN_PAREN
}

function isClose(punct: number): boolean {
  return punct === CLOSE_BRACE || punct === CLOSE_BRACKET || punct === CLOSE_PAREN
}

/** Whether token `index` is the one-character punctuator `char` (those share `PUNCT_OTHER`). */
function isPunctChar(code: string, tokens: Tokens, index: number, char: number): boolean {
  return index >= 0 && index < tokens.count && tokens.punct[index] === PUNCT_OTHER && tokens.end[index]! - tokens.start[index]! === 1 && code.charCodeAt(tokens.start[index]!) === char
}

/** `{120(t,e,r){...}, "./src/a.js": function(e,t){...}, 5: (e,t) => {...}}`: properties whose key is an expected id and whose value is a function with a block body. */
function readObjectFactories(code: string, tokens: Tokens, open: number, expected: Set<string>): ScannedFactory[] {
  const close = tokens.match[open]!
  const factories: ScannedFactory[] = []
  let index = open + 1
  while (index < close) {
    // The shape first (numbers only), the key's text only for a function value.
    const next = index + 1
    const kind = tokens.kind[index]
    const found = kind !== KIND_IDENT && kind !== KIND_NUMBER && kind !== KIND_STRING
      ? null
      : tokens.punct[next] === OPEN_PAREN
        ? readFunctionAt(code, tokens, next, true)
        : tokens.punct[next] === COLON ? readFunctionAt(code, tokens, next + 1, false) : null
    const id = found && (found.after === close || tokens.punct[found.after] === COMMA) ? readKey(code, tokens, index) : null
    if (id !== null && expected.has(id)) {
      factories.push({ id, range: found!.range, body: found!.body })
      index = found!.after + 1
      continue
    }
    // webpack and Rspack write factories only: an object (or block) that does not start with one is
    // none. (Should one be, the walk picks it, and the check against the scan parses the whole file.)
    if (index === open + 1 && !found)
      return factories
    index = skipToNextItem(tokens, index, close) + 1
  }
  return factories
}

/** `[f0, f1, , f3]`, or `Array(5).concat([f5, f6])` (ids from 5): every element a function or a hole. */
function readArrayFactories(code: string, tokens: Tokens, open: number, expected: Set<string>): ScannedFactory[] {
  const close = tokens.match[open]!
  const offset = readConcatOffset(code, tokens, open)
  const factories: ScannedFactory[] = []
  let element = 0
  let index = open + 1
  while (index < close) {
    if (tokens.punct[index] === COMMA) {
      element += 1
      index += 1
      continue
    }
    const found = readFunctionAt(code, tokens, index, false)
    if (!found || (found.after !== close && tokens.punct[found.after] !== COMMA))
      return []
    const id = String(element + offset)
    if (expected.has(id))
      factories.push({ id, range: found.range, body: found.body })
    element += 1
    index = found.after + 1
  }
  return factories
}

/** `Array(5).concat([`: 5; else 0. */
function readConcatOffset(code: string, tokens: Tokens, open: number): number {
  const at = (offset: number): number => open - offset
  if (at(7) < 0 || tokens.punct[at(1)] !== OPEN_PAREN || !isIdent(code, tokens, at(2), 'concat') || tokens.punct[at(3)] !== DOT
    || tokens.punct[at(4)] !== CLOSE_PAREN || tokens.kind[at(5)] !== KIND_NUMBER || tokens.punct[at(6)] !== OPEN_PAREN || !isIdent(code, tokens, at(7), 'Array'))
    return 0
  const text = code.slice(tokens.start[at(5)], tokens.end[at(5)])
  return /^\d+$/.test(text) ? Number(text) : 0
}

function isIdent(code: string, tokens: Tokens, index: number, name: string): boolean {
  return tokens.kind[index] === KIND_IDENT && tokens.end[index]! - tokens.start[index]! === name.length && code.startsWith(name, tokens.start[index])
}

/** A property key as the id it names: `120`, `abc`, `"./src/a.js"` (no escapes); null otherwise. */
function readKey(code: string, tokens: Tokens, index: number): string | null {
  const kind = tokens.kind[index]
  const text = code.slice(tokens.start[index], tokens.end[index])
  if (kind === KIND_IDENT)
    return text
  if (kind === KIND_NUMBER)
    return /^(?:0|[1-9]\d*)$/.test(text) ? text : null
  if (kind === KIND_STRING)
    return text.includes('\\') ? null : text.slice(1, -1)
  return null
}

/**
 * A function with a block body starting at token `index`: `(params){...}` (a method, `method`
 * true), `function name?(params){...}`, `(params) => {...}` or `param => {...}`. `after` is the
 * token after the body's closing brace.
 */
function readFunctionAt(code: string, tokens: Tokens, index: number, method: boolean): { range: [number, number], body: [number, number], after: number } | null {
  let params = index
  if (!method) {
    if (isIdent(code, tokens, index, 'function')) {
      params = tokens.kind[index + 1] === KIND_IDENT ? index + 2 : index + 1
      if (tokens.punct[params] !== OPEN_PAREN)
        return null
    }
    else if (tokens.kind[index] === KIND_IDENT && tokens.punct[index + 1] === PUNCT_ARROW) {
      params = index
    }
    else if (tokens.punct[index] !== OPEN_PAREN) {
      return null
    }
  }
  let next = tokens.punct[params] === OPEN_PAREN ? tokens.match[params]! + 1 : params + 1
  if (!method && !isIdent(code, tokens, index, 'function')) {
    if (tokens.punct[next] !== PUNCT_ARROW)
      return null
    next += 1
  }
  if (tokens.punct[next] !== OPEN_BRACE)
    return null
  const closeBrace = tokens.match[next]!
  return {
    range: [tokens.start[index]!, tokens.end[closeBrace]!],
    body: [tokens.end[next]!, tokens.start[closeBrace]!],
    after: closeBrace + 1,
  }
}

/** The index of the comma ending the item at `index` (brackets skipped), or `close`. */
function skipToNextItem(tokens: Tokens, index: number, close: number): number {
  let cursor = index
  while (cursor < close && tokens.punct[cursor] !== COMMA) {
    const punct = tokens.punct[cursor]
    cursor = punct === OPEN_BRACE || punct === OPEN_BRACKET || punct === OPEN_PAREN ? tokens.match[cursor]! + 1 : cursor + 1
  }
  return cursor
}

function isLineTerminator(char: number): boolean {
  return char === 0x0A || char === 0x0D || char === 0x2028 || char === 0x2029
}

const CHAR_OTHER = 0
const CHAR_SPACE = 1
const CHAR_IDENT = 2
const CHAR_DIGIT = 3
/** Character classes of the UTF-16 code units (one lookup per character instead of a chain of tests). */
const CHAR_CLASS = (() => {
  const table = new Uint8Array(0x10000)
  for (let char = 0x80; char < 0x10000; char++)
    table[char] = CHAR_IDENT
  for (let char = 0; char <= 0x20; char++)
    table[char] = CHAR_SPACE
  for (const char of [0xA0, 0xFEFF, 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000])
    table[char] = CHAR_SPACE
  for (let char = 0x2000; char <= 0x200A; char++)
    table[char] = CHAR_SPACE
  for (let char = 0x61; char <= 0x7A; char++)
    table[char] = table[char - 0x20] = CHAR_IDENT
  for (let char = 0x30; char <= 0x39; char++)
    table[char] = CHAR_DIGIT
  table[0x24] = table[0x5F] = table[BACKSLASH] = table[0x23] = CHAR_IDENT
  return table
})()

/** Identifier characters (after the first): letters, digits, `$`, `_`, escapes, anything past ASCII but spaces. */
function isIdentChar(char: number): boolean {
  const kind = CHAR_CLASS[char]
  return (kind === CHAR_IDENT || kind === CHAR_DIGIT) && char !== 0x23
}

/**
 * Scans template literal characters from `from`: the end of the literal (after the backtick), or
 * minus the position after a `${`; 0 when the text ends first.
 */
function scanTemplate(code: string, from: number): number {
  const length = code.length
  let cursor = from
  while (cursor < length) {
    const char = code.charCodeAt(cursor)
    if (char === BACKSLASH)
      cursor += 2
    else if (char === BACKTICK)
      return cursor + 1
    else if (char === 0x24 && code.charCodeAt(cursor + 1) === OPEN_BRACE)
      return -(cursor + 2)
    else cursor += 1
  }
  return 0
}

/** The end of the string literal starting at `start` (its quote), or -1. */
function skipString(code: string, start: number): number {
  const quote = code.charCodeAt(start)
  const length = code.length
  let position = start + 1
  while (position < length) {
    const inner = code.charCodeAt(position)
    if (inner === BACKSLASH) {
      position += 2
      continue
    }
    if (inner === quote)
      return position + 1
    if (inner === 0x0A || inner === 0x0D)
      return -1
    position += 1
  }
  return -1
}

/** The end of the regular expression literal starting at `start` (its slash, flags included), or -1. */
function skipRegex(code: string, start: number): number {
  const length = code.length
  let position = start + 1
  let inClass = false
  while (position < length) {
    const inner = code.charCodeAt(position)
    if (isLineTerminator(inner))
      return -1
    if (inner === BACKSLASH) {
      position += 2
      continue
    }
    if (inner === OPEN_BRACKET)
      inClass = true
    else if (inner === CLOSE_BRACKET)
      inClass = false
    else if (inner === SLASH && !inClass)
      break
    position += 1
  }
  if (position >= length)
    return -1
  position += 1
  while (position < length && isIdentChar(code.charCodeAt(position)))
    position += 1
  return position
}

/** The end of the number literal starting at `start` (`0x1f`, `1e+5`, `.5`, `1_000n`...). */
function skipNumber(code: string, start: number): number {
  const length = code.length
  const next = code.charCodeAt(start + 1) | 0x20
  const radix = code.charCodeAt(start) === 0x30 && (next === 0x78 || next === 0x62 || next === 0x6F)
  let position = start + (radix ? 2 : 1)
  while (position < length) {
    const inner = code.charCodeAt(position)
    if (!radix && (inner | 0x20) === 0x65 && (code.charCodeAt(position + 1) === 0x2B || code.charCodeAt(position + 1) === 0x2D))
      position += 2
    else if (isIdentChar(inner) || inner === DOT)
      position += 1
    else break
  }
  return position
}

/** The tokens of `code` (comments and whitespace left out), brackets matched; null when it cannot be read. */
function tokenize(code: string): Tokens | null {
  const length = code.length
  // Every token has a character at least: the columns never need to grow.
  const kinds = new Uint8Array(length + 1)
  const starts = new Int32Array(length + 1)
  const ends = new Int32Array(length + 1)
  const puncts = new Int32Array(length + 1)
  const matches = new Int32Array(length + 1).fill(-1)
  let count = 0
  /** Open brackets (token indices); -1 marks a template literal's `${`. */
  const stack: number[] = []
  /** Token indices of `(` right after `if`, `while`, `with` (1) or `for` (2). */
  const controlParens = new Map<number, number>()
  let regexAllowed = true
  let afterDot = false
  let position = 0

  const push = (kind: number, start: number, end: number, punct: number): number => {
    kinds[count] = kind
    starts[count] = start
    ends[count] = end
    puncts[count] = punct
    return count++
  }
  /**
   * Reads template characters from `start` (a backtick, or the `}` closing a `${`) to the next
   * `${` or the closing backtick; false when the template never ends.
   */
  const readTemplatePart = (start: number): boolean => {
    const end = scanTemplate(code, start + 1)
    if (end === 0)
      return false
    position = Math.abs(end)
    if (end < 0)
      stack.push(-1)
    push(KIND_TEMPLATE, start, position, 0)
    regexAllowed = end < 0
    return true
  }
  if (code.startsWith('#!'))
    position = code.indexOf('\n') === -1 ? length : code.indexOf('\n')

  while (position < length) {
    const char = code.charCodeAt(position)
    const charClass = CHAR_CLASS[char]
    if (charClass === CHAR_SPACE) {
      position += 1
      continue
    }
    const start = position
    const wasAfterDot: boolean = afterDot
    afterDot = false
    if (charClass === CHAR_IDENT) {
      position += 1
      while (position < length && isIdentChar(code.charCodeAt(position)))
        position += 1
      push(KIND_IDENT, start, position, 0)
      // Minified names are mostly one letter: no keyword, no string to make.
      const wordLength = position - start
      if (wasAfterDot || wordLength < 2 || wordLength > 10)
        regexAllowed = false
      else if (wordLength === 2 && char === 0x6F && code.charCodeAt(start + 1) === 0x66)
        regexAllowed = stack.length > 0 && controlParens.get(stack[stack.length - 1]!) === 2 // `of`
      else regexAllowed = REGEX_KEYWORDS.has(code.slice(start, position))
      continue
    }
    const next = code.charCodeAt(position + 1)
    if (charClass === CHAR_DIGIT || (char === DOT && CHAR_CLASS[next] === CHAR_DIGIT)) {
      position = skipNumber(code, start)
      push(KIND_NUMBER, start, position, 0)
      regexAllowed = false
      continue
    }
    switch (char) {
      case OPEN_PAREN:
      case OPEN_BRACKET:
      case OPEN_BRACE: {
        const index = push(KIND_PUNCT, start, start + 1, char)
        if (char === OPEN_PAREN && index > 0 && kinds[index - 1] === KIND_IDENT) {
          const wordLength = ends[index - 1]! - starts[index - 1]!
          const word = wordLength >= 2 && wordLength <= 5 ? code.slice(starts[index - 1], ends[index - 1]) : ''
          if (CONTROL_KEYWORDS.has(word) && !(index > 1 && puncts[index - 2] === DOT))
            controlParens.set(index, word === 'for' ? 2 : 1)
        }
        stack.push(index)
        position += 1
        regexAllowed = true
        continue
      }
      case CLOSE_PAREN:
      case CLOSE_BRACKET:
      case CLOSE_BRACE: {
        const open = stack.pop()
        if (open === undefined)
          return null
        if (open === -1) {
          // The end of a template literal's `${...}`: back to its characters.
          if (char !== CLOSE_BRACE || !readTemplatePart(start))
            return null
          continue
        }
        const expectedOpen = char === CLOSE_PAREN ? OPEN_PAREN : char === CLOSE_BRACKET ? OPEN_BRACKET : OPEN_BRACE
        if (puncts[open] !== expectedOpen)
          return null
        const index = push(KIND_PUNCT, start, start + 1, char)
        matches[open] = index
        matches[index] = open
        position += 1
        regexAllowed = char === CLOSE_BRACE || (char === CLOSE_PAREN && controlParens.has(open))
        continue
      }
      case COMMA:
      case COLON:
      case 0x3B:
        push(KIND_PUNCT, start, start + 1, char)
        position += 1
        regexAllowed = true
        continue
      case 0x22:
      case 0x27: {
        position = skipString(code, start)
        if (position === -1)
          return null
        push(KIND_STRING, start, position, 0)
        regexAllowed = false
        continue
      }
      case BACKTICK: {
        if (!readTemplatePart(start))
          return null
        continue
      }
      case SLASH: {
        if (next === SLASH) {
          while (position < length && !isLineTerminator(code.charCodeAt(position)))
            position += 1
          afterDot = wasAfterDot
          continue
        }
        if (next === 0x2A) {
          const end = code.indexOf('*/', position + 2)
          if (end === -1)
            return null
          position = end + 2
          afterDot = wasAfterDot
          continue
        }
        if (!regexAllowed) {
          push(KIND_PUNCT, start, start + 1, PUNCT_OTHER)
          position += 1
          regexAllowed = true
          continue
        }
        position = skipRegex(code, start)
        if (position === -1)
          return null
        push(KIND_REGEX, start, position, 0)
        regexAllowed = false
        continue
      }
      case DOT: {
        const spread = next === DOT && code.charCodeAt(position + 2) === DOT
        push(KIND_PUNCT, start, start + (spread ? 3 : 1), spread ? PUNCT_OTHER : DOT)
        position += spread ? 3 : 1
        afterDot = !spread
        regexAllowed = true
        continue
      }
      case 0x3D:
        if (next === 0x3E) {
          push(KIND_PUNCT, start, start + 2, PUNCT_ARROW)
          position += 2
          regexAllowed = true
          continue
        }
        break
      case 0x2B:
      case 0x2D:
        if (next === char) {
          // `++` / `--`: after a postfix one, a slash divides.
          push(KIND_PUNCT, start, start + 2, PUNCT_OTHER)
          position += 2
          regexAllowed = false
          continue
        }
        break
      case 0x3F:
        if (next === DOT && CHAR_CLASS[code.charCodeAt(position + 2)] !== CHAR_DIGIT) {
          push(KIND_PUNCT, start, start + 2, DOT)
          position += 2
          afterDot = true
          regexAllowed = true
          continue
        }
        break
    }
    if (char >= 0x80)
      return null
    // Any other operator character (one token per character is enough: only its kind matters).
    push(KIND_PUNCT, start, start + 1, PUNCT_OTHER)
    position += 1
    regexAllowed = true
  }
  if (stack.length > 0)
    return null
  return { count, kind: kinds, start: starts, end: ends, punct: puncts, match: matches }
}
