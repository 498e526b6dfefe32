/**
 * The two streams the report payload is written into (see payload.ts), and their reader.
 *
 * - Integers: one string of printable ASCII, each non-negative integer a variable-length code of
 *   "continuation" characters (most significant first, base CONTINUATION_BASE) ended by one
 *   "terminal" character (base TERMINAL_BASE): values under 46 take 1 character, under 2,116 two,
 *   under 97,336 three. No separators. The alphabet leaves out `"`, `\` and `<`, so the string needs
 *   no JSON escaping and can never close a script element.
 * - Strings: each one front-coded against the string written before it (shared prefix length and
 *   suffix length go to the integer stream, the suffix to one concatenated text). Writers put
 *   strings down in sorted order where they can, so paths share their folders.
 * - Numbers that fit no compact code (negative, fractional, beyond 2^53) go to a plain JSON list,
 *   so every report, odd ones included, decodes exactly.
 *
 * Browser-safe: no node imports (the client bundle uses the reader).
 */

const ALPHABET = (() => {
  let chars = ''
  for (let code = 0x20; code <= 0x7E; code++) {
    if (code !== 0x22 && code !== 0x3C && code !== 0x5C) chars += String.fromCharCode(code)
  }
  return chars
})()
/** Digits that end a code. */
const TERMINAL_BASE = 46
/** Digits before the last one. */
const CONTINUATION_BASE = ALPHABET.length - TERMINAL_BASE

/** Char code → digit: 0..TERMINAL_BASE-1 terminal, TERMINAL_BASE.. continuation, -1 not in the alphabet. */
const DIGIT_OF_CHAR = (() => {
  const table = new Int8Array(128).fill(-1)
  for (let index = 0; index < ALPHABET.length; index++) table[ALPHABET.charCodeAt(index)] = index
  return table
})()

/** Value codes: 0 = the next entry of the exotic list, 1 = null, n + 2 = the integer n. */
const CODE_EXOTIC = 0
const CODE_NULL = 1

export function isCompactInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 && !Object.is(value, -0)
}

export function zigzag(value: number): number {
  return value >= 0 ? value * 2 : -value * 2 - 1
}

export function unzigzag(code: number): number {
  return code % 2 === 0 ? code / 2 : -(code + 1) / 2
}

/** Common prefix length that never ends between the halves of a surrogate pair. */
function sharedPrefixLength(a: string, b: string): number {
  const max = Math.min(a.length, b.length)
  let length = 0
  while (length < max && a.charCodeAt(length) === b.charCodeAt(length)) length++
  if (length > 0 && length < b.length) {
    const last = b.charCodeAt(length - 1)
    if (last >= 0xD800 && last <= 0xDBFF) length--
  }
  return length
}

function digitCount(value: number): number {
  let count = 1
  let high = Math.floor(value / TERMINAL_BASE)
  while (high > 0) {
    count++
    high = Math.floor(high / CONTINUATION_BASE)
  }
  return count
}

export class PackedWriter {
  private readonly codes: number[] = []
  private readonly texts: string[] = []
  private readonly exotic: unknown[] = []
  private lastString = ''

  /** A non-negative safe integer. */
  uint(value: number): void {
    if (!isCompactInteger(value)) throw new Error(`Cannot encode the report: ${String(value)} is not a non-negative integer`)
    const low = value % TERMINAL_BASE
    let high = Math.floor(value / TERMINAL_BASE)
    const start = this.codes.length
    while (high > 0) {
      this.codes.push(ALPHABET.charCodeAt(TERMINAL_BASE + (high % CONTINUATION_BASE)))
      high = Math.floor(high / CONTINUATION_BASE)
    }
    // Continuation digits were pushed least significant first.
    for (let left = start, right = this.codes.length - 1; left < right; left++, right--) {
      const swap = this.codes[left]!
      this.codes[left] = this.codes[right]!
      this.codes[right] = swap
    }
    this.codes.push(ALPHABET.charCodeAt(low))
  }

  /** A number or null, exactly (odd numbers go to the exotic list). */
  value(value: number | null): void {
    if (value === null) this.uint(CODE_NULL)
    else if (isCompactInteger(value)) this.uint(value + 2)
    else this.pushExotic(value)
  }

  /** Like `value`, stored as its difference from `base` when both are compact integers (brotli next to gzip). */
  valueNear(value: number | null, base: number | null): void {
    if (value === null) this.uint(CODE_NULL)
    else if (!isCompactInteger(value)) this.pushExotic(value)
    else this.uint((isCompactInteger(base) ? zigzag(base - value) : value) + 2)
  }

  private pushExotic(value: unknown): void {
    this.uint(CODE_EXOTIC)
    this.exotic.push(value)
  }

  string(value: string): void {
    const shared = sharedPrefixLength(this.lastString, value)
    this.uint(shared)
    this.uint(value.length - shared)
    this.texts.push(value.slice(shared))
    this.lastString = value
  }

  strings(values: readonly string[]): void {
    this.uint(values.length)
    for (const value of values) this.string(value)
  }

  /**
   * A list of indexes, usually sorted: as gaps (`index - previous - 1`, zigzagged) or, when shorter,
   * as runs of consecutive indexes (gap, run length). The first character says which and how many.
   */
  indexList(indexes: readonly number[]): void {
    this.writeIndexList(indexes, 0)
  }

  /** `indexList`, or null. */
  nullableIndexList(indexes: readonly number[] | null): void {
    if (indexes === null) this.uint(0)
    else this.writeIndexList(indexes, 1)
  }

  private writeIndexList(indexes: readonly number[], headerOffset: number): void {
    let gapChars = 0
    let runChars = 0
    let previous = -1
    let runs = 0
    for (let position = 0; position < indexes.length; position++) {
      const index = indexes[position]!
      gapChars += digitCount(zigzag(index - previous - 1))
      if (position === 0 || index !== previous + 1) {
        runs++
        runChars += digitCount(zigzag(index - previous - 1)) + 1
      }
      previous = index
    }
    if (runs * 2 < indexes.length && runChars < gapChars) {
      this.uint(indexes.length * 2 + 1 + headerOffset)
      let position = 0
      previous = -1
      while (position < indexes.length) {
        const start = indexes[position]!
        let length = 1
        while (position + length < indexes.length && indexes[position + length] === start + length) length++
        this.uint(zigzag(start - previous - 1))
        this.uint(length - 1)
        previous = start + length - 1
        position += length
      }
      return
    }
    this.uint(indexes.length * 2 + headerOffset)
    previous = -1
    for (const index of indexes) {
      this.uint(zigzag(index - previous - 1))
      previous = index
    }
  }

  finish(): { numbers: string, text: string, exotic: unknown[] } {
    let numbers = ''
    for (let start = 0; start < this.codes.length; start += 8192) {
      numbers += String.fromCharCode(...this.codes.slice(start, start + 8192))
    }
    return { numbers, text: this.texts.join(''), exotic: this.exotic }
  }
}

export class PackedReader {
  private position = 0
  private textPosition = 0
  private exoticPosition = 0
  private lastString = ''

  constructor(private readonly numbers: string, private readonly text: string, private readonly exotic: readonly unknown[]) {}

  uint(): number {
    const numbers = this.numbers
    let value = 0
    for (;;) {
      const code = numbers.charCodeAt(this.position++)
      const digit = code < 128 ? DIGIT_OF_CHAR[code]! : -1
      if (digit < 0) throw new Error(`the report data is damaged (unexpected character at ${this.position - 1})`)
      if (digit < TERMINAL_BASE) return value * TERMINAL_BASE + digit
      value = value * CONTINUATION_BASE + digit - TERMINAL_BASE
    }
  }

  value(): number | null {
    const code = this.uint()
    if (code === CODE_NULL) return null
    if (code === CODE_EXOTIC) return this.exotic[this.exoticPosition++] as number | null
    return code - 2
  }

  valueNear(base: number | null): number | null {
    const code = this.uint()
    if (code === CODE_NULL) return null
    if (code === CODE_EXOTIC) return this.exotic[this.exoticPosition++] as number | null
    return isCompactInteger(base) ? base - unzigzag(code - 2) : code - 2
  }

  string(): string {
    const shared = this.uint()
    const length = this.uint()
    const start = this.textPosition
    this.textPosition += length
    const value = (shared === 0 ? '' : this.lastString.slice(0, shared)) + this.text.slice(start, start + length)
    this.lastString = value
    return value
  }

  strings(): string[] {
    const count = this.uint()
    const values: string[] = new Array(count)
    for (let index = 0; index < count; index++) values[index] = this.string()
    return values
  }

  indexList(): number[] {
    return this.readIndexList(this.uint(), null) as number[]
  }

  nullableIndexList(): number[] | null {
    const header = this.uint()
    return header === 0 ? null : this.readIndexList(header - 1, null) as number[]
  }

  /** An index list, read straight into the strings of `table` it refers to. */
  refList(table: readonly string[]): string[] {
    return this.readIndexList(this.uint(), table) as string[]
  }

  nullableRefList(table: readonly string[]): string[] | null {
    const header = this.uint()
    return header === 0 ? null : this.readIndexList(header - 1, table) as string[]
  }

  private readIndexList(header: number, table: readonly string[] | null): (number | string)[] {
    const count = Math.floor(header / 2)
    const values: (number | string)[] = new Array(count)
    let previous = -1
    let position = 0
    if (header % 2 === 1) {
      while (position < count) {
        const start = previous + 1 + unzigzag(this.uint())
        const end = start + this.uint() + 1
        for (let index = start; index < end; index++) values[position++] = table ? table[index]! : index
        previous = end - 1
      }
      return values
    }
    for (; position < count; position++) {
      previous = previous + 1 + unzigzag(this.uint())
      values[position] = table ? table[previous]! : previous
    }
    return values
  }

  /** Throws unless every stream was read to its end (a writer/reader mismatch or damaged data). */
  assertEnd(): void {
    if (this.position !== this.numbers.length || this.textPosition !== this.text.length || this.exoticPosition !== this.exotic.length) {
      throw new Error('the report data is damaged (it does not end where expected)')
    }
  }
}
