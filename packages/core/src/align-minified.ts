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
 * Mostly once per process, so its speed is mostly how soon V8 runs it compiled: the per-token loops
 * are small functions (compiled sooner, in less time), the scanner reads typed arrays, and a small
 * chunk aligned first gives V8 feedback for every branch (see `WARM_UP_CODES`).
 */
import type { ByteSegment } from './measure/types'
import { Buffer } from 'node:buffer'
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

  /** Makes room for `more` tokens (the scanner writes the arrays directly: it is the hot loop). */
  reserve(more: number): void {
    if (this.length + more <= this.hashes.length)
      return
    let size = this.hashes.length * 2
    while (size < this.length + more)
      size *= 2
    const grow = (from: Int32Array): Int32Array => {
      const to = new Int32Array(size)
      to.set(from.subarray(0, this.length))
      return to
    }
    this.hashes = grow(this.hashes)
    this.starts = grow(this.starts)
    this.ends = grow(this.ends)
  }
}

/** FNV-1a's offset basis 0x811C9DC5 as an int32 (the same hashes: they only ever see its low 32 bits). */
const FNV_OFFSET = -0x7EE3623B
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

/** The non-ASCII code units minifiers leave as whitespace or line breaks. */
function isUnicodeSpace(code: number): boolean {
  return code === 0xA0 || code === 0xFEFF || code === 0x2028 || code === 0x2029
}

function isWhitespace(code: number): boolean {
  return code < 128 ? ASCII_CLASS[code] === SPACE : isUnicodeSpace(code)
}

/** Non-ASCII characters count as identifier characters (except Unicode spaces). NaN (past the end) is none. */
function isIdentifierPart(code: number): boolean {
  return code < 128 ? (ASCII_CLASS[code]! & PART) !== 0 : code >= 128 && !isUnicodeSpace(code)
}

function isIdentifierStart(code: number): boolean {
  return code < 128 ? (ASCII_CLASS[code]! & START) !== 0 : code >= 128 && !isUnicodeSpace(code)
}

/**
 * What the scanner does at each UTF-16 code unit, one table lookup for all 65,536 (a switch on it,
 * not a chain of comparisons). The identifier parts are the lowest two, so `class <= DIGIT` tests
 * for one. `scanTokens` writes these as numbers: V8 reads a module-level constant from memory at
 * each use, and the scanner's loops run per character.
 */
const WORD = 0
const DIGIT = 1
const PUNCTUATION = 2
const BLANK = 3
const QUOTE = 4
const SLASH = 5
const BACKTICK = 6
const OPEN_BRACE = 7
const CLOSE_BRACE = 8
const CLOSE_BRACKET = 9
const DOT = 10
/** Non-ASCII code units are identifier characters (except Unicode spaces), as `isIdentifierPart` says. */
const CHAR_CLASS = new Uint8Array(65536)
for (let char = 0; char < 128; char++) {
  const ascii = ASCII_CLASS[char]!
  CHAR_CLASS[char] = ascii === SPACE ? BLANK : (ascii & START) !== 0 ? WORD : (ascii & PART) !== 0 ? DIGIT : PUNCTUATION
}
for (const char of [0xA0, 0xFEFF, 0x2028, 0x2029])
  CHAR_CLASS[char] = BLANK
for (const [char, kind] of [[34, QUOTE], [39, QUOTE], [47, SLASH], [96, BACKTICK], [123, OPEN_BRACE], [125, CLOSE_BRACE], [41, CLOSE_BRACKET], [93, CLOSE_BRACKET], [46, DOT]])
  CHAR_CLASS[char!] = kind!

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

/** The FNV-1a hash of the regular expression body `scanRegex` last found (its second result). */
let regexHash = 0

/**
 * The closing `/` of the regular expression literal opening at `start`, or -1 when there is none
 * on its line within `MAX_REGEX_LENGTH` (then the `/` was a division). Out of `scanTokens`' loop:
 * rare code there makes its compiled code larger and slower to come.
 */
function scanRegex(code: string, start: number): number {
  const limit = Math.min(code.length, start + MAX_REGEX_LENGTH)
  let cursor = start + 1
  let inClass = false
  let hash = FNV_OFFSET
  while (cursor < limit) {
    const inner = code.charCodeAt(cursor)
    if (inner === 10 || inner === 13)
      return -1
    hash = Math.imul(hash ^ inner, FNV_PRIME)
    if (inner === 92) {
      hash = Math.imul(cursor + 1 < code.length ? hash ^ code.charCodeAt(cursor + 1) : hash, FNV_PRIME)
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
      regexHash = hash
      return cursor
    }
    cursor++
  }
  return -1
}

/** The end of the comment opening at `start` (after the newline of a line comment). */
function skipComment(code: string, start: number): number {
  const isLine = code.charCodeAt(start + 1) === 47
  const close = isLine ? code.indexOf('\n', start + 2) : code.indexOf('*/', start + 2)
  return close === -1 ? code.length : close + (isLine ? 1 : 2)
}

/** How much of the code one `scanTokens` call scans (about). */
const SCAN_SLICE = 8192

/**
 * Where a scan of one code stands. The scan goes a slice at a time: a call running long in its loop
 * keeps running interpreted until V8 has compiled a second version to enter the loop with, while
 * the next slice's call runs the compiled code as soon as there is one. And room for the slice's
 * tokens is made once, not checked per character.
 */
class Scanner {
  code = ''
  /** The code units of `code` and a 0 after them (see `copyCodeUnits`). */
  chars: Uint16Array
  index = 0
  weight = 0
  braceDepth = 0
  regexAllowed = true
  afterDot = false
  /** The scan is inside template literal text (after its backtick or the `}` closing a `${`). */
  inTemplate = false
  /** Brace depth at each open `${` of a template literal, `templateCount` of them. */
  templates: Int32Array = new Int32Array(16)
  templateCount = 0

  /** Room for codes of `length` code units (more when needed); `slice`: see `SCAN_SLICE`. */
  constructor(length: number, private readonly slice = SCAN_SLICE) {
    this.chars = new Uint16Array(length + 1)
  }

  /**
   * Appends the surviving tokens of `code` to `tokens`. With `weighted`, `starts`/`ends` get the
   * running minified-size estimate (starting at `weight`) instead of positions; returns the weight
   * at the end of the code.
   */
  scan(code: string, tokens: TokenList, weighted: boolean, weight: number): number {
    this.code = code
    this.chars = copyCodeUnits(code, this.chars)
    this.index = 0
    this.weight = weight
    this.braceDepth = 0
    this.regexAllowed = true
    this.afterDot = false
    this.inTemplate = false
    this.templateCount = 0
    while (this.index < code.length) {
      const until = Math.min(code.length, this.index + this.slice)
      // Every token starts in the slice and takes two characters or more: room for all first.
      tokens.reserve(((until - this.index) >>> 1) + 1)
      scanTokens(this, tokens, weighted, until)
    }
    return this.weight
  }

  /** Notes an open `${` (at this brace depth). */
  openTemplateExpression(): void {
    if (this.templateCount === this.templates.length) {
      const grown = new Int32Array(this.templates.length * 2)
      grown.set(this.templates)
      this.templates = grown
    }
    this.templates[this.templateCount++] = this.braceDepth
  }
}

/**
 * Scans `scanner`'s code from its position on, appending the surviving tokens to `tokens`, until
 * the first token starting at `until` or later (the state is the scanner's in between).
 *
 * `chars` holds the code units and a 0 after them (see `copyCodeUnits`): the hot loop of the whole
 * alignment reads every character of the file and of every module, and a typed array read is
 * cheaper than `charCodeAt` in every tier of V8. The 0 stops the inner loops without a bounds check
 * and reads like `charCodeAt`'s NaN past the end (no class, `^ 0` and `| 0` keep the value).
 * Numbers instead of the module's constants (see `CHAR_CLASS`; 0x01000193 is the FNV prime), rare
 * tokens in functions of their own.
 */
function scanTokens(scanner: Scanner, tokens: TokenList, weighted: boolean, until: number): void {
  const { code, chars } = scanner
  const length = code.length
  const classes = CHAR_CLASS
  let { index, weight, braceDepth, regexAllowed, afterDot, inTemplate } = scanner
  const { hashes, starts, ends } = tokens
  let count = tokens.length
  while (index < until) {
    if (inTemplate) {
      // Template text up to its closing backtick or next `${` (one token either way).
      const start = index
      let cursor = start
      let hash = FNV_OFFSET
      inTemplate = false
      index = length
      while (cursor < length) {
        const char = chars[cursor]!
        if (char === 92) {
          hash = Math.imul(Math.imul(hash ^ char, 0x01000193) ^ chars[cursor + 1]!, 0x01000193)
          cursor += 2
          continue
        }
        const opensExpression = char === 36 && chars[cursor + 1] === 123
        if (char === 96 || opensExpression) {
          const end = cursor + (opensExpression ? 2 : 1)
          if (cursor > start) {
            hashes[count] = finishHash(hash, cursor - start)
            starts[count] = weighted ? weight : start
            ends[count++] = weighted ? weight + end - start : cursor
          }
          weight += end - start
          regexAllowed = opensExpression
          if (opensExpression) {
            scanner.braceDepth = braceDepth
            scanner.openTemplateExpression()
          }
          index = end
          break
        }
        hash = Math.imul(hash ^ char, 0x01000193)
        cursor++
      }
      continue
    }
    const char = chars[index]!
    switch (classes[char]) {
      case 0: { // WORD
        let hash = Math.imul(FNV_OFFSET ^ char, 0x01000193)
        let end = index + 1
        let inner = chars[end]!
        while (classes[inner]! <= 1) { // WORD or DIGIT
          hash = Math.imul(hash ^ inner, 0x01000193)
          inner = chars[++end]!
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
          while (classes[chars[next]!] === 3) // BLANK
            next++
          if (chars[next] !== 58)
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
      case 2: // PUNCTUATION
        weight++
        index++
        afterDot = false
        regexAllowed = true
        continue
      case 3: // BLANK
        index++
        while (classes[chars[index]!] === 3)
          index++
        continue
      case 4: { // QUOTE
        let cursor = index + 1
        let hash = FNV_OFFSET
        while (cursor < length) {
          const inner = chars[cursor]!
          if (inner === char || inner === 10)
            break
          hash = Math.imul(hash ^ inner, 0x01000193)
          if (inner === 92) {
            hash = Math.imul(hash ^ chars[cursor + 1]!, 0x01000193)
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
      case 9: // CLOSE_BRACKET
        weight++
        index++
        afterDot = false
        regexAllowed = false
        continue
      case 10: // DOT
        weight++
        index++
        // Not the dots of a spread (`...name`).
        afterDot = chars[index] !== 46 && (index < 2 || chars[index - 2] !== 46)
        regexAllowed = false
        continue
      case 7: // OPEN_BRACE
        weight++
        index++
        afterDot = false
        braceDepth++
        regexAllowed = true
        continue
      case 8: // CLOSE_BRACE
        weight++
        index++
        afterDot = false
        if (scanner.templateCount > 0 && scanner.templates[scanner.templateCount - 1] === braceDepth) {
          scanner.templateCount--
          weight--
          inTemplate = true
          continue
        }
        braceDepth = Math.max(0, braceDepth - 1)
        regexAllowed = true
        continue
      case 6: // BACKTICK
        index++
        inTemplate = true
        afterDot = false
        continue
      case 5: { // SLASH
        const next = chars[index + 1]!
        if (next === 47 || next === 42) {
          const end = skipComment(code, index)
          // Minifiers drop comments but keep legal ones (`/*!`, `//!`, `@license`, `@preserve`).
          if (weighted && isLegalComment(code, index + 2, end))
            weight += end - index
          index = end
          continue
        }
        const closed = regexAllowed ? scanRegex(code, index) : -1
        if (closed !== -1) {
          let end = closed + 1
          while (classes[chars[end]!]! <= 1)
            end++
          if (closed > index + 1) {
            hashes[count] = finishHash(regexHash, closed - index - 1)
            starts[count] = weighted ? weight : index + 1
            ends[count++] = weighted ? weight + end - index : closed
          }
          weight += end - index
          index = end
          regexAllowed = false
          afterDot = false
          continue
        }
        weight++
        index++
        regexAllowed = true
        afterDot = false
        continue
      }
      default: { // DIGIT: a number literal (with its exponent's sign, unless hexadecimal)
        let end = index + 1
        while (true) {
          const inner = chars[end]!
          if (classes[inner]! <= 1 || inner === 46)
            end++
          else if ((inner === 43 || inner === 45) && (chars[end - 1]! | 32) === 101 && (chars[index + 1]! | 32) !== 120)
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
    }
  }
  tokens.length = count
  scanner.index = index
  scanner.weight = weight
  scanner.braceDepth = braceDepth
  scanner.regexAllowed = regexAllowed
  scanner.afterDot = afterDot
  scanner.inTemplate = inTemplate
}

/**
 * The surviving tokens of `code` as the alignment sees them (see `Scanner.scan`: `weighted` for a
 * module's code), scanned `slice` characters at a time, and the weight at its end. For tests: the
 * tokens must not depend on `slice`.
 */
export function scanCode(code: string, weighted: boolean, slice?: number): { hashes: Int32Array, starts: Int32Array, ends: Int32Array, weight: number } {
  const tokens = new TokenList(16)
  const weight = new Scanner(code.length, slice).scan(code, tokens, weighted, 0)
  const { hashes, starts, ends, length } = tokens
  return { hashes: hashes.slice(0, length), starts: starts.slice(0, length), ends: ends.slice(0, length), weight }
}

/** Whether typed arrays are little-endian here, like the `utf16le` bytes `copyCodeUnits` writes. */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1

/**
 * `chars` (grown when too small) holding the code units of `code` and a 0 after them: a native
 * copy (UTF-16 as it is, lone surrogates too).
 */
function copyCodeUnits(code: string, chars: Uint16Array): Uint16Array {
  if (chars.length <= code.length)
    chars = new Uint16Array(Math.max(code.length + 1, chars.length * 2))
  const bytes = Buffer.from(chars.buffer, chars.byteOffset, code.length * 2)
  bytes.write(code, 0, 'utf16le')
  if (!LITTLE_ENDIAN)
    bytes.swap16()
  chars[code.length] = 0
  return chars
}

/**
 * Numbers the distinct token hashes of the file's tokens [from, to) 0, 1, 2, ... in `fileIds`, and
 * gives each module token its hash's number in `moduleIds`; -1 where the other side lacks the hash
 * (the module's renamed local names, the file's glue): those tokens can never anchor. Returns how
 * many numbers were given. The windows then count per number in a small array, not per hash in a
 * hash table as large as the file.
 */
function numberTokens(file: TokenList, from: number, to: number, modules: TokenList, fileIds: Int32Array, moduleIds: Int32Array): number {
  // Open addressing, keys and numbers interleaved (one cache line per probe), doubled as it fills.
  // Measured on real chunks, one file token in six or seven is a first sighting: at a slot for
  // two tokens, most chunks need no growing, and the table stays small enough for the cache.
  let capacity = 256
  while (capacity < (to - from) / 2)
    capacity *= 2
  let slots = new Int32Array(capacity * 2)
  let count = 0
  fileIds.fill(-1)
  for (let index = from; index < to; index++) {
    const hash = file.hashes[index]!
    let slot = (hash ^ (hash >>> 15)) & (capacity - 1)
    while (slots[slot * 2 + 1] !== 0 && slots[slot * 2] !== hash)
      slot = (slot + 1) & (capacity - 1)
    if (slots[slot * 2 + 1] !== 0) {
      fileIds[index] = slots[slot * 2 + 1]! - 1
    }
    else {
      fileIds[index] = count
      slots[slot * 2] = hash
      slots[slot * 2 + 1] = ++count
      if (count * 2 > capacity) {
        const old = slots
        capacity *= 2
        slots = new Int32Array(capacity * 2)
        for (let at = 0; at < old.length; at += 2) {
          if (old[at + 1] === 0)
            continue
          let moved = (old[at]! ^ (old[at]! >>> 15)) & (capacity - 1)
          while (slots[moved * 2 + 1] !== 0)
            moved = (moved + 1) & (capacity - 1)
          slots[moved * 2] = old[at]!
          slots[moved * 2 + 1] = old[at + 1]!
        }
      }
    }
  }
  // Module side: only look up; note which numbers the modules use.
  const used = new Uint8Array(count)
  for (let index = 0; index < modules.length; index++) {
    const hash = modules.hashes[index]!
    let slot = (hash ^ (hash >>> 15)) & (capacity - 1)
    while (slots[slot * 2 + 1] !== 0 && slots[slot * 2] !== hash)
      slot = (slot + 1) & (capacity - 1)
    const id = slots[slot * 2 + 1]! - 1
    moduleIds[index] = id
    if (id >= 0)
      used[id] = 1
  }
  for (let index = from; index < to; index++) {
    if (used[fileIds[index]!] === 0)
      fileIds[index] = -1
  }
  return count
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
 * A small chunk with every kind of token on both sides (comments, a legal one, regular expressions,
 * nested templates, escapes, numbers, keys, non-ASCII text) and modules with and without anchors.
 * Aligned twice before the first real chunk of the process: V8 compiles a function with the type
 * feedback of the branches it has run so far, and when the compiled code reaches another branch
 * (the first regular expression of a large chunk, the first `${` of a template), it throws the code
 * away, runs interpreted again and compiles anew, which is what most of the first chunk's time went
 * to. The twice: V8 only starts recording feedback after a function has run a little.
 */
const WARM_UP_CODES = [
  '/*! kept legal comment */\n// one.js\nconst pattern = /["\'`]\\/[/]+[a-z]{2,}/gi;\nconst half = total / 2 / count;\nexport const greet = (name) => `Grüße ${name.replace(pattern, "x\\n")} — ${`nested ${"inner-🙂"}`}`;\nconst big = 1.5e+3, hex = 0x1F, spread = [...list];\n',
  '/* two.js */\nconst labels = { shipping: \'Shipping costs\', returns: "Free returns", \'quoted-key\': 1 };\nfunction describeKind(kind) {\n\tif (kind instanceof Object) return typeof labels[kind];\n\treturn labels[kind]?.length;\n}\n',
  'class Widget extends Base {\n  static create() { return new Widget(`w-${id}`) }\n}\nwhile (ready) { for (const item of items) console.log(item) }\n',
  'let counter = 0\nfunction next(a) { return a + 1 }\n',
  'function twice(a, b) { return a * b }\n',
  'export default function describeShipment(order) { return order.weight > 10 ? "heavy parcel" : \'light parcel\' }\n',
]
const WARM_UP_TEXT = 'import{x as e}from"./x.js";/*! kept legal comment */const t=/["\'`]\\/[/]+[a-z]{2,}/gi,n=total/2/count,r=e=>`Grüße ${e.replace(t,`x\\n`)} — nested inner-🙂`,i=1500,a=31,o=[...list];const s={shipping:`Shipping costs`,returns:`Free returns`,"quoted-key":1};function c(e){return e instanceof Object?typeof s[e]:s[e]?.length}class l extends Base{static create(){return new l(`w-${id}`)}}for(;ready;)for(const e of items)console.log(e);let u=0;function d(e){return e+1}function f(e,t){return e*t}function p(e){return e.weight>10?`heavy parcel`:`light parcel`}export{r as greet,c as describeKind,p as default};'
let warmedUp = false

/**
 * Byte segments of the minified `text` per module (keyed by index in `codes`: each module's
 * pre-minify rendered code, in chunk order), disjoint and sorted; the gaps are glue. `null` when
 * nothing could be aligned (no module code, no token in common).
 */
export function alignMinifiedModules(text: string, codes: readonly (string | null | undefined)[], options: AlignOptions = {}): ByteSegment[] | null {
  if (!warmedUp) {
    warmedUp = true
    alignMinifiedModules(WARM_UP_TEXT, WARM_UP_CODES)
    alignMinifiedModules(WARM_UP_TEXT, WARM_UP_CODES)
  }
  const moduleCount = codes.length
  if (moduleCount === 0 || text.length === 0)
    return null
  // Tokens of the leading imports and the trailing export are glue: they must not anchor a module.
  const [glueEnd, trailingGlue] = findModuleRegion(text)
  let withCode = 0
  let firstWithCode = -1
  for (let key = 0; key < moduleCount; key++) {
    if (codes[key]) {
      withCode++
      if (firstWithCode < 0)
        firstWithCode = key
    }
  }
  if (withCode === 0)
    return null
  if (withCode === 1) {
    // One module: it owns everything between the imports and the export.
    const toByteOffset = options.toByteOffset ?? createByteOffsetConverter(text)
    const start = toByteOffset(glueEnd)
    const end = toByteOffset(trailingGlue)
    return end > start ? [{ start, end, key: firstWithCode }] : []
  }
  const scanner = new Scanner(text.length)
  const file = new TokenList(text.length >>> 3)
  scanner.scan(text, file, false, 0)
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
      weight = scanner.scan(code, modules, true, weight)
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

  const matchOf = findAnchors(file, firstToken, endToken, modules, moduleOfToken)
  return placeBoundaries(text, codes, { file, modules, matchOf, moduleOfToken, moduleStartWeight, moduleEndWeight, glueEnd, trailingGlue }, options)
}

/** The windows still to search: a stack of [module token from, to) × [file token from, to) and depth. */
class WindowStack {
  data = new Int32Array(5 * 64)
  size = 0

  push(moduleFrom: number, moduleTo: number, fileFrom: number, fileTo: number, depth: number): void {
    if (this.size === this.data.length) {
      const grown = new Int32Array(this.data.length * 2)
      grown.set(this.data)
      this.data = grown
    }
    const data = this.data
    data[this.size] = moduleFrom
    data[this.size + 1] = moduleTo
    data[this.size + 2] = fileFrom
    data[this.size + 3] = fileTo
    data[this.size + 4] = depth
    this.size += 5
  }
}

/**
 * Counts the file tokens [from, to) per token number in `counts` (entries of four: the window's
 * `stamp`, the count, the last file token, the count in the module window).
 */
function countFileWindow(fileIds: Int32Array, from: number, to: number, counts: Int32Array, stamp: number): void {
  for (let index = from; index < to; index++) {
    const at = fileIds[index]! * 4
    if (at < 0)
      continue
    if (counts[at] !== stamp) {
      counts[at] = stamp
      counts[at + 1] = 0
      counts[at + 3] = 0
    }
    counts[at + 1]!++
    counts[at + 2] = index
  }
}

/**
 * The module tokens [from, to) found once in the file window and once in this one, in module
 * order: how many, their indices in `candidateModule`, their file tokens in `candidateFile`.
 */
function findWindowCandidates(moduleIds: Int32Array, from: number, to: number, counts: Int32Array, stamp: number, candidateModule: Int32Array, candidateFile: Int32Array): number {
  // Those seen once in the file window, at their first sighting (candidateFile: their entry).
  let seen = 0
  for (let index = from; index < to; index++) {
    const at = moduleIds[index]! * 4
    if (at >= 0 && counts[at] === stamp && counts[at + 1] === 1 && counts[at + 3]!++ === 0) {
      candidateModule[seen] = index
      candidateFile[seen++] = at
    }
  }
  // ...and only once there too.
  let candidates = 0
  for (let position = 0; position < seen; position++) {
    const at = candidateFile[position]!
    if (counts[at + 3] === 1) {
      candidateModule[candidates] = candidateModule[position]!
      candidateFile[candidates++] = counts[at + 2]!
    }
  }
  return candidates
}

/**
 * Anchors the `kept` candidates of a window and stacks the windows between consecutive ones where
 * they cross a module boundary (the window's own ends count as anchors there).
 */
function anchorWindow(kept: number[], candidateModule: Int32Array, candidateFile: Int32Array, window: { moduleFrom: number, moduleTo: number, fileFrom: number, fileTo: number, depth: number }, moduleOfToken: Int32Array, matchOf: Int32Array, windows: WindowStack): void {
  const { moduleTo, fileTo, depth } = window
  let previousModule = window.moduleFrom - 1
  let previousFile = window.fileFrom - 1
  const lastToken = moduleOfToken.length - 1
  for (let position = 0; position <= kept.length; position++) {
    const nextModule = position < kept.length ? candidateModule[kept[position]!]! : moduleTo
    const nextFile = position < kept.length ? candidateFile[kept[position]!]! : fileTo
    if (depth + 1 < MAX_REFINE_DEPTH && nextModule - previousModule >= 3 && nextFile - previousFile >= 3
      && moduleOfToken[Math.max(0, previousModule)] !== moduleOfToken[Math.min(lastToken, nextModule)]) {
      windows.push(previousModule + 1, nextModule, previousFile + 1, nextFile, depth + 1)
    }
    if (position < kept.length)
      matchOf[nextModule] = nextFile
    previousModule = nextModule
    previousFile = nextFile
  }
}

/**
 * For each module token, the file token it is anchored to (-1: none): tokens unique in the file
 * tokens [from, to) and in the modules, filtered by a longest increasing subsequence, then the same
 * again in the windows between anchors of different modules. The loops over tokens are functions of
 * their own: V8 compiles small functions sooner and faster (this runs once per chunk).
 */
function findAnchors(file: TokenList, from: number, to: number, modules: TokenList, moduleOfToken: Int32Array): Int32Array {
  const fileIds = new Int32Array(file.length)
  const moduleIds = new Int32Array(modules.length)
  const idCount = numberTokens(file, from, to, modules, fileIds, moduleIds)
  const counts = new Int32Array(idCount * 4)
  let stamp = 0
  const matchOf = new Int32Array(modules.length).fill(-1)
  const windows = new WindowStack()
  windows.push(0, modules.length, from, to, 0)
  // A candidate is the first sighting of a token number: there are no more than numbers.
  const candidateModule = new Int32Array(idCount)
  const candidateFile = new Int32Array(idCount)
  const window = { moduleFrom: 0, moduleTo: 0, fileFrom: 0, fileTo: 0, depth: 0 }
  while (windows.size > 0) {
    windows.size -= 5
    const data = windows.data
    window.moduleFrom = data[windows.size]!
    window.moduleTo = data[windows.size + 1]!
    window.fileFrom = data[windows.size + 2]!
    window.fileTo = data[windows.size + 3]!
    window.depth = data[windows.size + 4]!
    if (window.moduleTo <= window.moduleFrom || window.fileTo <= window.fileFrom)
      continue
    stamp++
    countFileWindow(fileIds, window.fileFrom, window.fileTo, counts, stamp)
    const candidates = findWindowCandidates(moduleIds, window.moduleFrom, window.moduleTo, counts, stamp, candidateModule, candidateFile)
    if (candidates > 0)
      anchorWindow(findLongestIncreasing(candidateFile.subarray(0, candidates)), candidateModule, candidateFile, window, moduleOfToken, matchOf, windows)
  }
  return matchOf
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
 * one by one, two short modules' boundaries would land on the same statement end. Written into
 * `cuts`.
 */
function placeCuts(text: string, low: number, high: number, estimates: number[], needsRoom: boolean[], cuts: number[]): void {
  const count = estimates.length
  cuts.length = 0
  if (count === 1 || count > MAX_JOINT_CUTS) {
    let cut = low
    for (let index = 0; index < count; index++) {
      cut = snapToStatementEnd(text, Math.max(cut, Math.min(high, Math.max(low, estimates[index]!))), cut, high)
      cuts.push(cut)
    }
    return
  }
  const positions: number[] = []
  const penalties: number[] = []
  listCutCandidates(text, low, high, estimates, positions, penalties)
  if (!chooseCuts(estimates, needsRoom, positions, penalties, cuts)) {
    for (let index = 0; index < count; index++)
      cuts.push(Math.max(Math.min(high, Math.max(low, estimates[index]!)), index > 0 ? Math.min(high, Math.max(low, estimates[index - 1]!)) : low))
  }
}

/**
 * The candidate positions for the cuts near `estimates` in [low, high], ascending: statement starts
 * near an estimate (penalty 0), and the estimates themselves (penalised; after a statement start
 * at the same position). Both come in ascending order.
 */
function listCutCandidates(text: string, low: number, high: number, estimates: number[], positions: number[], penalties: number[]): void {
  const count = estimates.length
  let merged = 0
  let scanned = low - 1
  for (const estimate of estimates) {
    const to = Math.min(high, estimate + SNAP_RADIUS)
    for (let position = Math.max(low, estimate - SNAP_RADIUS, scanned + 1, 1); position <= to; position++) {
      if (!isStatementStart(text, position))
        continue
      for (; merged < count && Math.min(high, Math.max(low, estimates[merged]!)) < position; merged++) {
        positions.push(Math.min(high, Math.max(low, estimates[merged]!)))
        penalties.push(SNAP_RADIUS + 1)
      }
      positions.push(position)
      penalties.push(0)
    }
    scanned = Math.max(scanned, to)
  }
  for (; merged < count; merged++) {
    positions.push(Math.min(high, Math.max(low, estimates[merged]!)))
    penalties.push(SNAP_RADIUS + 1)
  }
}

/**
 * One candidate per cut, ascending, with the least total distance to the estimates plus penalties,
 * into `cuts` (see `placeCuts`); false (and `cuts` untouched) when there is no such choice.
 */
function chooseCuts(estimates: number[], needsRoom: boolean[], positions: number[], penalties: number[], cuts: number[]): boolean {
  const count = estimates.length
  const size = positions.length
  // cost[i * size + j]: best total distance with cut i at candidate j; from[]: candidate of cut i - 1.
  const cost = new Float64Array(count * size).fill(Number.POSITIVE_INFINITY)
  const from = new Int32Array(count * size).fill(-1)
  for (let j = 0; j < size; j++)
    cost[j] = Math.abs(estimates[0]! - positions[j]!) + penalties[j]!
  for (let i = 1; i < count; i++) {
    const strict = needsRoom[i - 1] === true
    let best = Number.POSITIVE_INFINITY
    let bestIndex = -1
    let lagging = 0
    for (let j = 0; j < size; j++) {
      const position = positions[j]!
      // The previous cut may sit at this position too, unless a module with code lies between.
      while (lagging < size && (strict ? positions[lagging]! < position : lagging <= j)) {
        if (cost[(i - 1) * size + lagging]! < best) {
          best = cost[(i - 1) * size + lagging]!
          bestIndex = lagging
        }
        lagging++
      }
      if (bestIndex >= 0) {
        cost[i * size + j] = best + Math.abs(estimates[i]! - position) + penalties[j]!
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
    return false
  cuts.length = count
  for (let i = count - 1; i >= 0; i--) {
    cuts[i] = positions[last]!
    last = from[i * size + last]!
  }
  return true
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

/** The module tokens that have an anchor, ascending. */
function listAnchors(matchOf: Int32Array): Int32Array {
  let count = 0
  for (let index = 0; index < matchOf.length; index++) {
    if (matchOf[index]! >= 0)
      count++
  }
  const anchors = new Int32Array(count)
  count = 0
  for (let index = 0; index < matchOf.length; index++) {
    if (matchOf[index]! >= 0)
      anchors[count++] = index
  }
  return anchors
}

/** The positions in `anchors` where the module changes from the anchor before (a loop of its own: see `findAnchors`). */
function listModuleChanges(anchors: Int32Array, moduleOfToken: Int32Array): number[] {
  const changes: number[] = []
  for (let position = 1; position < anchors.length; position++) {
    if (moduleOfToken[anchors[position - 1]!] !== moduleOfToken[anchors[position]!])
      changes.push(position)
  }
  return changes
}

function placeBoundaries(text: string, codes: readonly (string | null | undefined)[], alignment: Alignment, options: AlignOptions): ByteSegment[] | null {
  const { file, modules, matchOf, moduleOfToken, moduleStartWeight, moduleEndWeight, glueEnd, trailingGlue } = alignment
  const moduleCount = codes.length
  const anchors = listAnchors(matchOf)
  if (anchors.length === 0)
    return null
  const starts = new Float64Array(moduleCount).fill(-1)
  const ends = new Float64Array(moduleCount).fill(-1)
  const fileStart = (anchor: number): number => file.starts[matchOf[anchor]!]!
  const fileEnd = (anchor: number): number => file.ends[matchOf[anchor]!]!
  const first = anchors[0]!
  const last = anchors[anchors.length - 1]!
  const anchoredWeight = Math.max(1, modules.ends[last]! - modules.starts[first]!)
  const ratio = Math.max(0, fileEnd(last) - fileStart(first)) / anchoredWeight

  /**
   * Splits [low, high) of the file among modules `fromKey`..`toKey` by weight: `firstWeight` is the
   * weight of `fromKey`'s code in the window, `lastWeight` that of `toKey`'s (whole modules between).
   */
  const weights: number[] = []
  const estimates: number[] = []
  const needsRoom: boolean[] = []
  const cuts: number[] = []
  const split = (low: number, high: number, fromKey: number, toKey: number, firstWeight: number, lastWeight: number): void => {
    if (toKey <= fromKey)
      return
    weights.length = 0
    estimates.length = 0
    needsRoom.length = 0
    let total = 0
    for (let key = fromKey; key <= toKey; key++) {
      const weight = Math.max(0, key === fromKey ? firstWeight : key === toKey ? lastWeight : moduleEndWeight[key]! - moduleStartWeight[key]!)
      weights.push(weight)
      total += weight
      if (key > fromKey && key < toKey)
        needsRoom.push(weight > 0)
    }
    let cumulative = 0
    for (let key = fromKey; key < toKey; key++) {
      cumulative += weights[key - fromKey]!
      estimates.push(Math.round(low + (high - low) * (total > 0 ? cumulative / total : (key - fromKey + 1) / weights.length)))
    }
    placeCuts(text, low, high, estimates, needsRoom, cuts)
    for (let index = 0; index < cuts.length; index++) {
      ends[fromKey + index] = cuts[index]!
      starts[fromKey + index + 1] = cuts[index]!
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
  for (const position of listModuleChanges(anchors, moduleOfToken)) {
    const left = anchors[position - 1]!
    const right = anchors[position]!
    const leftKey = moduleOfToken[left]!
    const rightKey = moduleOfToken[right]!
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
