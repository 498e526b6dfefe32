/**
 * Attribution of minified output without a source map: the bundler hands us each module's rendered
 * code BEFORE minification (`chunk.modules[id].code`) and the final minified file. The minifier keeps
 * module order, drops whitespace and comments and renames local identifiers, but string contents,
 * property names, object keys, regular expressions and global names survive verbatim. So:
 *
 * 1. One cheap scan per side turns the code into tokens that may survive (identifiers, string and
 *    template contents, regular expressions), hashed; the pre-minify side also counts, per token,
 *    how many bytes the code before it would take once minified (its "weight").
 * 2. Tokens found exactly once in the file and once across all modules are anchors; the longest
 *    increasing subsequence of their file positions drops the false matches (patience diff).
 * 3. Between two anchors of different modules the same is done again on the tokens of that window
 *    only (a token common in the chunk is often unique there), a few levels deep.
 * 4. Each module boundary is placed in the file gap between the last anchor of one module and the
 *    first of the next, splitting the gap by the weights of the code on either side, then moved to
 *    a nearby statement start (after `;`, `}`, a newline, or the `,` of a `var` list), the
 *    boundaries of one gap together. Modules with no anchor share their gap by weight. The leading
 *    imports (and Vite's `__vite__mapDeps`) and the trailing `export{...}` stay glue.
 *
 * Where a source map leaves bytes unmapped inside a module's stretch (the CommonJS wrapper a bundler
 * writes around a module, Vite's preload rewrite of an `import()`, kept legal comments), they go to
 * that module here.
 *
 * Never throws on odd input (a mis-scanned regex or template only costs anchors), and runs in
 * O(n log n) (hashing, a longest increasing subsequence): it runs on every chunk of every build.
 */
import type { ByteSegment } from './measure/types'
import { createByteOffsetConverter } from './utf8-offsets'

/** Growable parallel int arrays: one entry per token. */
class TokenList {
  length = 0
  hashes: Int32Array
  /** File side: start position. Module side: weight before the token. */
  starts: Int32Array
  /** File side: end position. Module side: weight after the token. */
  ends: Int32Array

  constructor(capacity: number) {
    const size = Math.max(16, capacity)
    this.hashes = new Int32Array(size)
    this.starts = new Int32Array(size)
    this.ends = new Int32Array(size)
  }

  /** Makes room for one more token (the scanner writes the arrays directly: it is the hot loop). */
  grow(): void {
    const size = this.hashes.length * 2
    const grow = (from: Int32Array): Int32Array => {
      const to = new Int32Array(size)
      to.set(from)
      return to
    }
    this.hashes = grow(this.hashes)
    this.starts = grow(this.starts)
    this.ends = grow(this.ends)
  }
}

const FNV_OFFSET = 0x811C9DC5
const FNV_PRIME = 0x01000193

/** Finishes an FNV-1a hash of `length` characters (mixes the length in, spreads the bits). */
function finishHash(hash: number, length: number): number {
  hash ^= length
  hash = Math.imul(hash ^ (hash >>> 16), 0x85EBCA6B)
  hash = Math.imul(hash ^ (hash >>> 13), 0xC2B2AE35)
  return hash ^ (hash >>> 16)
}

function hashWord(word: string): number {
  let hash = FNV_OFFSET
  for (let index = 0; index < word.length; index++)
    hash = Math.imul(hash ^ word.charCodeAt(index), FNV_PRIME)
  return finishHash(hash, word.length)
}

/** Words a minifier keeps (keywords, well-known globals): they weigh their full length. */
const KEPT = 1
/** After these words a `/` starts a regular expression, not a division. */
const BEFORE_REGEX = 2
/**
 * Keywords are anchors too, although minifiers rewrite some (`if (a) return b; return c` →
 * `return a?b:c`, `while` → `for`, `new Error()` → `Error()`): measured on real bundles, leaving
 * them out costs more (sparser anchors) than the rare false match they cause.
 */
const KEYWORDS = [
  'break', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'import', 'let', 'null', 'static', 'super', 'switch', 'this', 'true', 'try', 'var', 'while', 'with', 'async', 'get', 'set', 'undefined',
]
const GLOBALS = [
  'Object', 'Array', 'String', 'Number', 'Boolean', 'Symbol', 'Math', 'JSON', 'Date', 'RegExp', 'Error', 'TypeError', 'Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'Reflect', 'Proxy', 'Intl', 'BigInt', 'Function', 'globalThis', 'window', 'document', 'console', 'navigator', 'process', 'arguments', 'NaN', 'Infinity', 'parseInt', 'parseFloat', 'isNaN', 'setTimeout', 'clearTimeout',
]
const REGEX_KEYWORDS = ['return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await']
/** A tiny open addressing set of keyword hashes → flags (typed arrays: one probe per identifier). */
const WORD_SLOTS = 512
const wordKeys = new Int32Array(WORD_SLOTS)
const wordFlags = new Uint8Array(WORD_SLOTS)
for (const [words, flags] of [[KEYWORDS, KEPT], [GLOBALS, KEPT], [REGEX_KEYWORDS, KEPT | BEFORE_REGEX]] as const) {
  for (const word of words) {
    const hash = hashWord(word)
    let slot = hash & (WORD_SLOTS - 1)
    while (wordFlags[slot] !== 0 && wordKeys[slot] !== hash)
      slot = (slot + 1) & (WORD_SLOTS - 1)
    wordKeys[slot] = hash
    wordFlags[slot] = flags
  }
}

function lookUpWord(hash: number): number {
  let slot = hash & (WORD_SLOTS - 1)
  while (wordFlags[slot] !== 0) {
    if (wordKeys[slot] === hash)
      return wordFlags[slot]!
    slot = (slot + 1) & (WORD_SLOTS - 1)
  }
  return 0
}

/** Minified local names are one to three characters long. */
const MANGLED_NAME_WEIGHT = 2

/** Character classes of ASCII: identifier part, identifier start, whitespace. */
const PART = 1
const START = 2
const SPACE = 4
const ASCII_CLASS = new Uint8Array(128)
for (let char = 0; char < 128; char++) {
  if ((char >= 97 && char <= 122) || (char >= 65 && char <= 90) || char === 95 || char === 36)
    ASCII_CLASS[char] = PART | START
  else if (char >= 48 && char <= 57)
    ASCII_CLASS[char] = PART
  else if (char === 32 || (char >= 9 && char <= 13))
    ASCII_CLASS[char] = SPACE
}

function isWhitespace(code: number): boolean {
  return code < 128 ? ASCII_CLASS[code] === SPACE : code === 0xA0 || code === 0xFEFF || code === 0x2028 || code === 0x2029
}

/** Non-ASCII characters count as identifier characters (except Unicode spaces). NaN (past the end) is none. */
function isIdentifierPart(code: number): boolean {
  return code < 128 ? (ASCII_CLASS[code]! & PART) !== 0 : code >= 128 && code !== 0xA0 && code !== 0xFEFF && code !== 0x2028 && code !== 0x2029
}

function isIdentifierStart(code: number): boolean {
  return code < 128 ? (ASCII_CLASS[code]! & START) !== 0 : code >= 128 && code !== 0xA0 && code !== 0xFEFF && code !== 0x2028 && code !== 0x2029
}

/** Whether the comment text [start, end) is one minifiers keep: `/*! ...`, `//! ...`, `@license`, `@preserve`. */
function isLegalComment(code: string, start: number, end: number): boolean {
  if (code.charCodeAt(start) === 33)
    return true
  for (let index = start; index < end - 7; index++) {
    if (code.charCodeAt(index) === 64 && (code.startsWith('license', index + 1) || code.startsWith('preserve', index + 1)))
      return true
  }
  return false
}

/** The longest a regular expression literal may be before we call the `/` a division. */
const MAX_REGEX_LENGTH = 2000

/**
 * Appends the surviving tokens of `code` to `tokens`. With `weighted`, `starts`/`ends` get the
 * running minified-size estimate (starting at `weight`) instead of positions; returns the weight at
 * the end of the code.
 */
function scanTokens(code: string, tokens: TokenList, weighted: boolean, weight: number): number {
  const length = code.length
  /** Brace depth at each open `${` of a template literal. */
  const templates: number[] = []
  let braceDepth = 0
  let regexAllowed = true
  let afterDot = false
  let index = 0
  let { hashes, starts, ends, length: count } = tokens
  /** The scan is inside template literal text (after its backtick or the `}` closing a `${`). */
  let inTemplate = false
  while (index < length) {
    // At most one token per iteration: room for it first.
    if (count === hashes.length) {
      tokens.length = count
      tokens.grow()
      hashes = tokens.hashes
      starts = tokens.starts
      ends = tokens.ends
    }
    if (inTemplate) {
      // Template text up to its closing backtick or next `${` (one token either way).
      const start = index
      let cursor = start
      let hash = FNV_OFFSET
      inTemplate = false
      index = length
      while (cursor < length) {
        const char = code.charCodeAt(cursor)
        if (char === 92) {
          hash = Math.imul(Math.imul(hash ^ char, FNV_PRIME) ^ code.charCodeAt(cursor + 1), FNV_PRIME)
          cursor += 2
          continue
        }
        const opensExpression = char === 36 && code.charCodeAt(cursor + 1) === 123
        if (char === 96 || opensExpression) {
          const end = cursor + (opensExpression ? 2 : 1)
          if (cursor > start) {
            hashes[count] = finishHash(hash, cursor - start)
            starts[count] = weighted ? weight : start
            ends[count++] = weighted ? weight + end - start : cursor
          }
          weight += end - start
          regexAllowed = opensExpression
          if (opensExpression)
            templates.push(braceDepth)
          index = end
          break
        }
        hash = Math.imul(hash ^ char, FNV_PRIME)
        cursor++
      }
      continue
    }
    const char = code.charCodeAt(index)
    if (char < 128 ? ASCII_CLASS[char] === SPACE : isWhitespace(char)) {
      index++
      while (index < length && isWhitespace(code.charCodeAt(index)))
        index++
      continue
    }
    if (isIdentifierStart(char)) {
      let hash = Math.imul(FNV_OFFSET ^ char, FNV_PRIME)
      let end = index + 1
      while (end < length) {
        const inner = code.charCodeAt(end)
        if (!isIdentifierPart(inner))
          break
        hash = Math.imul(hash ^ inner, FNV_PRIME)
        end++
      }
      const size = end - index
      if (size === 1) {
        // A mangled name (no keyword is one letter): no token, weighs itself.
        weight++
        regexAllowed = false
        afterDot = false
        index = end
        continue
      }
      hash = finishHash(hash, size)
      const flags = lookUpWord(hash)
      let wordWeight = size
      if (weighted && size > MANGLED_NAME_WEIGHT && !afterDot && flags === 0) {
        // A local name unless it is an object key (`name:`; `a ? name : b` is rarer).
        let next = end
        while (next < length && isWhitespace(code.charCodeAt(next)))
          next++
        if (code.charCodeAt(next) !== 58)
          wordWeight = MANGLED_NAME_WEIGHT
      }
      hashes[count] = hash
      starts[count] = weighted ? weight : index
      ends[count++] = weighted ? weight + wordWeight : end
      weight += wordWeight
      regexAllowed = (flags & BEFORE_REGEX) !== 0 && !afterDot
      afterDot = false
      index = end
      continue
    }
    if (char === 34 || char === 39) {
      let cursor = index + 1
      let hash = FNV_OFFSET
      while (cursor < length) {
        const inner = code.charCodeAt(cursor)
        if (inner === char || inner === 10)
          break
        hash = Math.imul(hash ^ inner, FNV_PRIME)
        if (inner === 92) {
          hash = Math.imul(hash ^ code.charCodeAt(cursor + 1), FNV_PRIME)
          cursor += 2
        }
        else {
          cursor++
        }
      }
      const end = Math.min(cursor, length)
      if (end > index + 1) {
        hashes[count] = finishHash(hash, end - index - 1)
        starts[count] = weighted ? weight : index + 1
        ends[count++] = weighted ? weight + end + 1 - index : end
      }
      weight += end + 1 - index
      index = end + 1
      regexAllowed = false
      afterDot = false
      continue
    }
    if (char === 47) {
      const next = code.charCodeAt(index + 1)
      if (next === 47 || next === 42) {
        const close = next === 47 ? code.indexOf('\n', index + 2) : code.indexOf('*/', index + 2)
        const end = close === -1 ? length : close + (next === 47 ? 1 : 2)
        // Minifiers drop comments but keep legal ones (`/*!`, `//!`, `@license`, `@preserve`).
        if (weighted && isLegalComment(code, index + 2, end))
          weight += end - index
        index = end
        continue
      }
      if (regexAllowed) {
        let cursor = index + 1
        let inClass = false
        let closed = -1
        let hash = FNV_OFFSET
        const limit = Math.min(length, index + MAX_REGEX_LENGTH)
        while (cursor < limit) {
          const inner = code.charCodeAt(cursor)
          if (inner === 10 || inner === 13)
            break
          hash = Math.imul(hash ^ inner, FNV_PRIME)
          if (inner === 92) {
            hash = Math.imul(hash ^ code.charCodeAt(cursor + 1), FNV_PRIME)
            cursor += 2
            continue
          }
          if (inner === 91) {
            inClass = true
          }
          else if (inner === 93) {
            inClass = false
          }
          else if (inner === 47 && !inClass) {
            closed = cursor
            break
          }
          cursor++
        }
        if (closed !== -1) {
          let end = closed + 1
          while (end < length && isIdentifierPart(code.charCodeAt(end)))
            end++
          if (closed > index + 1) {
            hashes[count] = finishHash(hash, closed - index - 1)
            starts[count] = weighted ? weight : index + 1
            ends[count++] = weighted ? weight + end - index : closed
          }
          weight += end - index
          index = end
          regexAllowed = false
          afterDot = false
          continue
        }
      }
      weight++
      index++
      regexAllowed = true
      afterDot = false
      continue
    }
    if (char === 96) {
      index++
      inTemplate = true
      afterDot = false
      continue
    }
    if (char >= 48 && char <= 57) {
      let end = index + 1
      while (end < length) {
        const inner = code.charCodeAt(end)
        if (isIdentifierPart(inner) || inner === 46)
          end++
        else if ((inner === 43 || inner === 45) && (code.charCodeAt(end - 1) | 32) === 101 && (code.charCodeAt(index + 1) | 32) !== 120)
          end++
        else
          break
      }
      weight += end - index
      index = end
      regexAllowed = false
      afterDot = false
      continue
    }
    // Punctuation.
    weight++
    index++
    afterDot = false
    if (char === 123) {
      braceDepth++
      regexAllowed = true
    }
    else if (char === 125) {
      if (templates.length > 0 && templates[templates.length - 1] === braceDepth) {
        templates.pop()
        weight--
        inTemplate = true
        continue
      }
      braceDepth = Math.max(0, braceDepth - 1)
      regexAllowed = true
    }
    else if (char === 41 || char === 93) {
      regexAllowed = false
    }
    else if (char === 46) {
      afterDot = code.charCodeAt(index) !== 46 && code.charCodeAt(index - 2) !== 46
      regexAllowed = false
    }
    else {
      regexAllowed = true
    }
  }
  tokens.length = count
  return weight
}

/** Open addressing hash table from token hash to (count, last index) on each side; O(1) clear. */
class TokenTable {
  private capacity = 0
  private mask = 0
  private generation = 0
  private stamps = new Int32Array(0)
  private keys = new Int32Array(0)
  /** Occurrences in the file window / in the modules window. */
  fileCount = new Int32Array(0)
  fileIndex = new Int32Array(0)
  moduleCount = new Int32Array(0)

  /** Empties the table, making room for `entries` keys. */
  reset(entries: number): void {
    const needed = Math.max(16, entries * 2)
    if (needed > this.capacity) {
      let capacity = 16
      while (capacity < needed)
        capacity *= 2
      this.capacity = capacity
      this.mask = capacity - 1
      this.stamps = new Int32Array(capacity)
      this.keys = new Int32Array(capacity)
      this.fileCount = new Int32Array(capacity)
      this.fileIndex = new Int32Array(capacity)
      this.moduleCount = new Int32Array(capacity)
      this.generation = 0
    }
    this.generation++
  }

  /** The slot of `hash`, created when `insert` (else -1 when absent). */
  slot(hash: number, insert: boolean): number {
    let slot = (hash ^ (hash >>> 15)) & this.mask
    while (true) {
      if (this.stamps[slot] !== this.generation) {
        if (!insert)
          return -1
        this.stamps[slot] = this.generation
        this.keys[slot] = hash
        this.fileCount[slot] = 0
        this.moduleCount[slot] = 0
        return slot
      }
      if (this.keys[slot] === hash)
        return slot
      slot = (slot + 1) & this.mask
    }
  }
}

/**
 * Indices (into `values`) of a longest strictly increasing subsequence, ascending.
 */
export function findLongestIncreasing(values: ArrayLike<number>): number[] {
  const count = values.length
  const tails = new Int32Array(count)
  const previous = new Int32Array(count)
  let size = 0
  for (let index = 0; index < count; index++) {
    const value = values[index]!
    let low = 0
    let high = size
    while (low < high) {
      const middle = (low + high) >>> 1
      if (values[tails[middle]!]! < value)
        low = middle + 1
      else
        high = middle
    }
    previous[index] = low > 0 ? tails[low - 1]! : -1
    tails[low] = index
    if (low === size)
      size++
  }
  const result = Array.from<number>({ length: size })
  let cursor = size > 0 ? tails[size - 1]! : -1
  for (let position = size - 1; position >= 0; position--) {
    result[position] = cursor
    cursor = previous[cursor]!
  }
  return result
}

/** How deep windows between anchors are searched again for locally unique tokens. */
const MAX_REFINE_DEPTH = 6

/** How far (in characters) a boundary may move to land after a statement end. */
const SNAP_RADIUS = 40

/**
 * Before the first anchor and after the last, the modules' code is estimated to take at most this
 * much more than their weight says; what is left beyond (and at least `MIN_UNKNOWN_GLUE`
 * characters) stays glue.
 */
const GLUE_SLACK = 1.5
const MIN_UNKNOWN_GLUE = 64

export interface AlignOptions {
  /** Convert the file's UTF-16 positions to UTF-8 byte offsets (default: a converter over `text`). */
  toByteOffset?: (position: number) => number
}

/**
 * Byte segments of the minified `text` per module (keyed by index in `codes`: each module's
 * pre-minify rendered code, in chunk order), disjoint and sorted; the gaps are glue. `null` when
 * nothing could be aligned (no module code, no token in common).
 */
export function alignMinifiedModules(text: string, codes: readonly (string | null | undefined)[], options: AlignOptions = {}): ByteSegment[] | null {
  const moduleCount = codes.length
  if (moduleCount === 0 || text.length === 0)
    return null
  // Tokens of the leading imports and the trailing export are glue: they must not anchor a module.
  const [glueEnd, trailingGlue] = findModuleRegion(text)
  const withCode = codes.flatMap((code, key) => code ? [key] : [])
  if (withCode.length === 0)
    return null
  if (withCode.length === 1) {
    // One module: it owns everything between the imports and the export.
    const toByteOffset = options.toByteOffset ?? createByteOffsetConverter(text)
    const start = toByteOffset(glueEnd)
    const end = toByteOffset(trailingGlue)
    return end > start ? [{ start, end, key: withCode[0]! }] : []
  }
  const file = new TokenList(text.length >>> 3)
  scanTokens(text, file, false, 0)
  let totalCodeLength = 0
  for (const code of codes)
    totalCodeLength += code ? code.length : 0
  if (totalCodeLength === 0 || file.length === 0)
    return null
  const modules = new TokenList(totalCodeLength >>> 4)
  /** Token index where each module starts (moduleCount + 1 entries). */
  const moduleFirstToken = new Int32Array(moduleCount + 1)
  /** Weight (minified-size estimate) at each module's start and end. */
  const moduleStartWeight = new Int32Array(moduleCount)
  const moduleEndWeight = new Int32Array(moduleCount)
  let weight = 0
  for (let key = 0; key < moduleCount; key++) {
    moduleFirstToken[key] = modules.length
    moduleStartWeight[key] = weight
    const code = codes[key]
    if (code)
      weight = scanTokens(code, modules, true, weight)
    moduleEndWeight[key] = weight
  }
  moduleFirstToken[moduleCount] = modules.length
  const moduleOfToken = new Int32Array(modules.length)
  for (let key = 0; key < moduleCount; key++)
    moduleOfToken.fill(key, moduleFirstToken[key]!, moduleFirstToken[key + 1]!)

  let firstToken = 0
  while (firstToken < file.length && file.starts[firstToken]! < glueEnd)
    firstToken++
  let endToken = file.length
  while (endToken > firstToken && file.ends[endToken - 1]! > trailingGlue)
    endToken--

  // One table per chunk, reused by its windows (not kept: a large chunk's table is tens of MB).
  const table = new TokenTable()
  /** For each module token, the file token it is anchored to (-1: none). */
  const matchOf = new Int32Array(modules.length).fill(-1)
  // Windows to search: [module token from, to) × [file token from, to), with their depth.
  const windows: number[] = [0, modules.length, firstToken, endToken, 0]
  const candidateModule: number[] = []
  const candidateFile: number[] = []
  const candidateSlot: number[] = []
  while (windows.length > 0) {
    const depth = windows.pop()!
    const fileTo = windows.pop()!
    const fileFrom = windows.pop()!
    const moduleTo = windows.pop()!
    const moduleFrom = windows.pop()!
    if (moduleTo <= moduleFrom || fileTo <= fileFrom)
      continue
    table.reset(fileTo - fileFrom)
    for (let index = fileFrom; index < fileTo; index++) {
      const slot = table.slot(file.hashes[index]!, true)
      table.fileCount[slot]!++
      table.fileIndex[slot] = index
    }
    // Module tokens seen once in the file window, at their first sighting in the module window.
    candidateModule.length = 0
    candidateSlot.length = 0
    for (let index = moduleFrom; index < moduleTo; index++) {
      const slot = table.slot(modules.hashes[index]!, false)
      if (slot >= 0 && table.fileCount[slot] === 1 && table.moduleCount[slot]!++ === 0) {
        candidateModule.push(index)
        candidateSlot.push(slot)
      }
    }
    // ...and only once there too: anchors, in module order.
    let candidates = 0
    for (let position = 0; position < candidateModule.length; position++) {
      const slot = candidateSlot[position]!
      if (table.moduleCount[slot] === 1) {
        candidateModule[candidates] = candidateModule[position]!
        candidateFile[candidates++] = table.fileIndex[slot]!
      }
    }
    candidateModule.length = candidates
    candidateFile.length = candidates
    if (candidates === 0)
      continue
    const kept = findLongestIncreasing(candidateFile)
    // Search again between consecutive anchors where the window crosses a module boundary.
    let previousModule = moduleFrom - 1
    let previousFile = fileFrom - 1
    const pushWindow = (nextModule: number, nextFile: number): void => {
      if (depth + 1 >= MAX_REFINE_DEPTH || nextModule - previousModule < 3 || nextFile - previousFile < 3)
        return
      const leftKey = moduleOfToken[Math.max(0, previousModule)]!
      const rightKey = moduleOfToken[Math.min(modules.length - 1, nextModule)]!
      if (leftKey !== rightKey)
        windows.push(previousModule + 1, nextModule, previousFile + 1, nextFile, depth + 1)
    }
    for (const position of kept) {
      const moduleIndex = candidateModule[position]!
      const fileIndex = candidateFile[position]!
      matchOf[moduleIndex] = fileIndex
      pushWindow(moduleIndex, fileIndex)
      previousModule = moduleIndex
      previousFile = fileIndex
    }
    pushWindow(moduleTo, fileTo)
  }

  return placeBoundaries(text, codes, { file, modules, matchOf, moduleOfToken, moduleStartWeight, moduleEndWeight, glueEnd, trailingGlue }, options)
}

interface Alignment {
  file: TokenList
  modules: TokenList
  matchOf: Int32Array
  moduleOfToken: Int32Array
  moduleStartWeight: Int32Array
  moduleEndWeight: Int32Array
  /** Where the leading glue (imports) ends and the trailing glue (`export{...}`) starts. */
  glueEnd: number
  trailingGlue: number
}

/**
 * Whether a module may start at `position`: after a `;` or a newline, after a `}` followed by a
 * word (`}function`, not `})`), or after the `,` of a declaration list (`,name=`: minifiers merge
 * the `var`s of neighbouring modules into one statement).
 */
function isStatementStart(text: string, position: number): boolean {
  const previous = text.charCodeAt(position - 1)
  // A line start: minified code breaks lines only around the legal comments it keeps.
  if (previous === 59 || previous === 10)
    return true
  if (previous === 125) {
    const next = text.charCodeAt(position)
    return position >= text.length || isIdentifierStart(next) || next === 33
  }
  if (previous !== 44)
    return false
  let cursor = position
  while (cursor < text.length && isIdentifierPart(text.charCodeAt(cursor)))
    cursor++
  if (cursor === position || text.charCodeAt(cursor) !== 61)
    return false
  const next = text.charCodeAt(cursor + 1)
  return next !== 61 && next !== 62
}

/** The position nearest `target` in [low, high] where a statement may start (else `target`). */
function snapToStatementEnd(text: string, target: number, low: number, high: number): number {
  for (let distance = 0; distance <= SNAP_RADIUS; distance++) {
    const after = target + distance
    if (after <= high && after > 0 && isStatementStart(text, after))
      return after
    const before = target - distance
    if (distance > 0 && before >= low && before > 0 && isStatementStart(text, before))
      return before
  }
  return target
}

/** Joint placement is for gaps with up to this many boundaries; more are snapped one by one. */
const MAX_JOINT_CUTS = 16

/**
 * Module boundaries in [low, high] near their `estimates` (ascending), each at a statement start
 * where one is within `SNAP_RADIUS`, chosen together so that a module with code between two cuts
 * (`needsRoom[i]`: between cut i and i + 1) keeps a statement of its own when there is one: nearest
 * one by one, two short modules' boundaries would land on the same statement end.
 */
function placeCuts(text: string, low: number, high: number, estimates: number[], needsRoom: boolean[]): number[] {
  const count = estimates.length
  const clamp = (position: number): number => Math.min(high, Math.max(low, position))
  if (count === 1 || count > MAX_JOINT_CUTS) {
    const cuts: number[] = []
    let cut = low
    for (const estimate of estimates) {
      cut = snapToStatementEnd(text, Math.max(cut, clamp(estimate)), cut, high)
      cuts.push(cut)
    }
    return cuts
  }
  // Candidates: statement starts near an estimate (free), and the estimates themselves (penalised).
  const candidates: { position: number, penalty: number }[] = estimates.map(estimate => ({ position: clamp(estimate), penalty: SNAP_RADIUS + 1 }))
  let scanned = low - 1
  for (const estimate of estimates) {
    const to = Math.min(high, estimate + SNAP_RADIUS)
    for (let position = Math.max(low, estimate - SNAP_RADIUS, scanned + 1, 1); position <= to; position++) {
      if (isStatementStart(text, position))
        candidates.push({ position, penalty: 0 })
    }
    scanned = Math.max(scanned, to)
  }
  candidates.sort((a, b) => a.position - b.position || a.penalty - b.penalty)
  const size = candidates.length
  // cost[i * size + j]: best total distance with cut i at candidate j; from[]: candidate of cut i - 1.
  const cost = new Float64Array(count * size).fill(Number.POSITIVE_INFINITY)
  const from = new Int32Array(count * size).fill(-1)
  for (let j = 0; j < size; j++)
    cost[j] = Math.abs(estimates[0]! - candidates[j]!.position) + candidates[j]!.penalty
  for (let i = 1; i < count; i++) {
    const strict = needsRoom[i - 1] === true
    let best = Number.POSITIVE_INFINITY
    let bestIndex = -1
    let lagging = 0
    for (let j = 0; j < size; j++) {
      const position = candidates[j]!.position
      // The previous cut may sit at this position too, unless a module with code lies between.
      while (lagging < size && (strict ? candidates[lagging]!.position < position : lagging <= j)) {
        if (cost[(i - 1) * size + lagging]! < best) {
          best = cost[(i - 1) * size + lagging]!
          bestIndex = lagging
        }
        lagging++
      }
      if (bestIndex >= 0) {
        cost[i * size + j] = best + Math.abs(estimates[i]! - position) + candidates[j]!.penalty
        from[i * size + j] = bestIndex
      }
    }
  }
  let last = -1
  for (let j = 0; j < size; j++) {
    if (cost[(count - 1) * size + j]! < (last < 0 ? Number.POSITIVE_INFINITY : cost[(count - 1) * size + last]!))
      last = j
  }
  if (last < 0)
    return estimates.map(clamp).map((position, index, all) => Math.max(position, index > 0 ? all[index - 1]! : low))
  const cuts = Array.from<number>({ length: count })
  for (let i = count - 1; i >= 0; i--) {
    cuts[i] = candidates[last]!.position
    last = from[i * size + last]!
  }
  return cuts
}

/** The end of the statement starting at `start`: after its `;` (or before its newline) at bracket depth 0. */
function skipStatement(text: string, start: number): number {
  let depth = 0
  let cursor = start
  while (cursor < text.length) {
    const char = text.charCodeAt(cursor)
    if (char === 34 || char === 39 || char === 96) {
      cursor++
      while (cursor < text.length && text.charCodeAt(cursor) !== char)
        cursor += text.charCodeAt(cursor) === 92 ? 2 : 1
    }
    else if (char === 40 || char === 91 || char === 123) {
      depth++
    }
    else if (char === 41 || char === 93 || char === 125) {
      depth--
    }
    else if (depth <= 0 && char === 59) {
      return cursor + 1
    }
    else if (depth <= 0 && char === 10) {
      return cursor
    }
    cursor++
  }
  return text.length
}

/** Statements bundlers put before the modules of an ES chunk: Vite's preload dependency list. */
const LEADING_GLUE = ['const __vite__mapDeps=', 'const __vite__mapDeps =']

/** Where the leading glue of an ES chunk ends: its `import ...;` statements and Vite's `__vite__mapDeps`. */
function skipLeadingGlue(text: string): number {
  let cursor = 0
  while (true) {
    while (cursor < text.length && isWhitespace(text.charCodeAt(cursor)))
      cursor++
    const isImport = text.startsWith('import', cursor) && !isIdentifierPart(text.charCodeAt(cursor + 6)) && text.charCodeAt(cursor + 6) !== 40 && text.charCodeAt(cursor + 6) !== 46
    if (!isImport && !LEADING_GLUE.some(prefix => text.startsWith(prefix, cursor)))
      return cursor
    const end = skipStatement(text, cursor)
    if (end <= cursor)
      return cursor
    cursor = end
  }
}

/** Where the trailing `export{...};` (and final whitespace) of an ES chunk starts. */
function findTrailingGlue(text: string): number {
  let end = text.length
  while (end > 0 && isWhitespace(text.charCodeAt(end - 1)))
    end--
  const exportStart = text.lastIndexOf('export{', end)
  if (exportStart === -1 || (exportStart > 0 && isIdentifierPart(text.charCodeAt(exportStart - 1))))
    return end
  const close = text.indexOf('}', exportStart)
  if (close === -1)
    return end
  const rest = text.slice(close + 1, end)
  return rest === '' || rest === ';' ? exportStart : end
}

/**
 * The part of a chunk's text [start, end) that holds module code: after the leading `import`
 * statements (and Vite's `__vite__mapDeps` list), before the trailing `export{...}`. UTF-16 positions.
 */
export function findModuleRegion(text: string): [number, number] {
  const start = skipLeadingGlue(text)
  return [start, Math.max(start, findTrailingGlue(text))]
}

function placeBoundaries(text: string, codes: readonly (string | null | undefined)[], alignment: Alignment, options: AlignOptions): ByteSegment[] | null {
  const { file, modules, matchOf, moduleOfToken, moduleStartWeight, moduleEndWeight, glueEnd, trailingGlue } = alignment
  const moduleCount = codes.length
  const anchors: number[] = []
  for (let index = 0; index < modules.length; index++) {
    if (matchOf[index]! >= 0)
      anchors.push(index)
  }
  if (anchors.length === 0)
    return null
  const starts = new Float64Array(moduleCount).fill(-1)
  const ends = new Float64Array(moduleCount).fill(-1)
  const fileStart = (anchor: number): number => file.starts[matchOf[anchor]!]!
  const fileEnd = (anchor: number): number => file.ends[matchOf[anchor]!]!
  const first = anchors[0]!
  const last = anchors.at(-1)!
  const anchoredWeight = Math.max(1, modules.ends[last]! - modules.starts[first]!)
  const ratio = Math.max(0, fileEnd(last) - fileStart(first)) / anchoredWeight

  /**
   * Splits [low, high) of the file among modules `fromKey`..`toKey` by weight: `firstWeight` is the
   * weight of `fromKey`'s code in the window, `lastWeight` that of `toKey`'s (whole modules between).
   */
  const split = (low: number, high: number, fromKey: number, toKey: number, firstWeight: number, lastWeight: number): void => {
    if (toKey <= fromKey)
      return
    const weights: number[] = []
    for (let key = fromKey; key <= toKey; key++)
      weights.push(Math.max(0, key === fromKey ? firstWeight : key === toKey ? lastWeight : moduleEndWeight[key]! - moduleStartWeight[key]!))
    const total = weights.reduce((sum, value) => sum + value, 0)
    const estimates: number[] = []
    let cumulative = 0
    for (let key = fromKey; key < toKey; key++) {
      cumulative += weights[key - fromKey]!
      estimates.push(Math.round(low + (high - low) * (total > 0 ? cumulative / total : (key - fromKey + 1) / weights.length)))
    }
    const cuts = placeCuts(text, low, high, estimates, weights.slice(1, -1).map(weight => weight > 0))
    for (const [index, cut] of cuts.entries()) {
      ends[fromKey + index] = cut
      starts[fromKey + index + 1] = cut
    }
  }

  // Before the first anchor: modules 0..its module, right-aligned, the rest (imports) is glue.
  const firstKey = moduleOfToken[first]!
  {
    const high = fileStart(first)
    const low = Math.min(high, glueEnd)
    const headWeight = modules.starts[first]! - moduleStartWeight[firstKey]!
    let total = headWeight
    for (let key = 0; key < firstKey; key++)
      total += moduleEndWeight[key]! - moduleStartWeight[key]!
    // Right after the imports, unless the code before the first anchor is clearly longer than the
    // modules' heads would be (glue we do not know, like a bundler's prelude): then it stays glue.
    const from = Math.max(low, Math.round(high - total * ratio * GLUE_SLACK))
    const start = from - low < MIN_UNKNOWN_GLUE ? low : snapToStatementEnd(text, from, low, high)
    // Only modules with code get a share.
    let fromKey = 0
    while (fromKey < firstKey && !codes[fromKey])
      fromKey++
    starts[fromKey] = start
    split(start, high, fromKey, firstKey, fromKey === firstKey ? headWeight : moduleEndWeight[fromKey]! - moduleStartWeight[fromKey]!, headWeight)
  }
  // Between anchors of different modules.
  for (let position = 1; position < anchors.length; position++) {
    const left = anchors[position - 1]!
    const right = anchors[position]!
    const leftKey = moduleOfToken[left]!
    const rightKey = moduleOfToken[right]!
    if (leftKey === rightKey)
      continue
    split(fileEnd(left), Math.max(fileEnd(left), fileStart(right)), leftKey, rightKey, moduleEndWeight[leftKey]! - modules.ends[left]!, modules.starts[right]! - moduleStartWeight[rightKey]!)
  }
  // After the last anchor: left-aligned, the rest (the `export{...}`) is glue.
  const lastKey = moduleOfToken[last]!
  {
    const low = fileEnd(last)
    const high = Math.max(low, trailingGlue)
    const tailWeight = moduleEndWeight[lastKey]! - modules.ends[last]!
    let total = tailWeight
    let toKey = lastKey
    for (let key = lastKey + 1; key < moduleCount; key++) {
      total += moduleEndWeight[key]! - moduleStartWeight[key]!
      if (codes[key])
        toKey = key
    }
    const to = Math.min(high, Math.round(low + total * ratio * GLUE_SLACK))
    const end = high - to < MIN_UNKNOWN_GLUE ? high : snapToStatementEnd(text, to, low, high)
    split(low, end, lastKey, toKey, tailWeight, toKey === lastKey ? tailWeight : moduleEndWeight[toKey]! - moduleStartWeight[toKey]!)
    ends[toKey] = end
  }

  const toByteOffset = options.toByteOffset ?? createByteOffsetConverter(text)
  const segments: ByteSegment[] = []
  for (let key = 0; key < moduleCount; key++) {
    const start = starts[key]!
    const end = ends[key]!
    if (start < 0 || end <= start || !codes[key])
      continue
    // Boundaries ascend by construction; clipping keeps the segments disjoint whatever happens.
    const startByte = Math.max(toByteOffset(start), segments.at(-1)?.end ?? 0)
    const endByte = toByteOffset(end)
    if (endByte > startByte)
      segments.push({ start: startByte, end: endByte, key })
  }
  return segments
}
