/**
 * A small gzip/deflate decoder (RFC 1952 / RFC 1951) that produces no output bytes: it only follows
 * the output position and counts how many bits of the compressed stream each byte range of the
 * output costs. Used by `attribution.ts`; see the method described there.
 */

const LENGTH_EXTRA_BITS = new Uint8Array([
  0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
])
const LENGTH_BASE = new Uint16Array([
  3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
])
const DISTANCE_EXTRA_BITS = new Uint8Array([
  0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13,
])
const CODE_LENGTH_ORDER = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

/** A lookup table indexed by the next `maxBits` input bits: entry = symbol << 4 | code length (0 = invalid). */
interface HuffmanTable {
  entries: Uint32Array
  maxBits: number
}

function buildHuffmanTable(lengths: Uint8Array): HuffmanTable {
  let maxBits = 0
  const countByLength = new Uint16Array(16)
  for (const length of lengths) {
    countByLength[length]!++
    if (length > maxBits)
      maxBits = length
  }
  countByLength[0] = 0
  const nextCode = new Uint16Array(16)
  for (let bits = 1, code = 0; bits <= 15; bits++) {
    code = (code + countByLength[bits - 1]!) << 1
    nextCode[bits] = code
  }
  const entries = new Uint32Array(1 << maxBits)
  for (let symbol = 0; symbol < lengths.length; symbol++) {
    const length = lengths[symbol]!
    if (length === 0)
      continue
    const code = nextCode[length]!++
    let reversed = 0
    for (let bit = 0; bit < length; bit++)
      reversed |= ((code >> bit) & 1) << (length - 1 - bit)
    for (let index = reversed; index < entries.length; index += 1 << length)
      entries[index] = (symbol << 4) | length
  }
  return { entries, maxBits }
}

const FIXED_LITERAL_TABLE = buildHuffmanTable(new Uint8Array(288).map((_, symbol) =>
  symbol < 144 ? 8 : symbol < 256 ? 9 : symbol < 280 ? 7 : 8))
const FIXED_DISTANCE_TABLE = buildHuffmanTable(new Uint8Array(30).fill(5))

export interface RegionBits {
  /** Bits of the deflate stream spent on each region (block headers spread per block); fractional. */
  bitsByRegion: Float64Array
  /** Bits that belong to no output byte: gzip header and trailer, padding, blocks without symbols. */
  containerBits: number
  /** Decoded output length (equals the input file's length). */
  outputBytes: number
}

/**
 * Walks a gzip member and returns the bits each output region costs. `regionEnds` are the sorted,
 * exclusive end offsets of consecutive regions starting at 0 (the last one should be the file length).
 * Bits of a literal belong to its byte; bits of a match (length and distance codes plus extra bits)
 * are split evenly over the bytes it produces; a block's header, code tables and end-of-block code
 * are spread over the block's regions in proportion to their symbol bits.
 */
export function countGzipBitsByRegion(gzip: Uint8Array, regionEnds: ArrayLike<number>): RegionBits {
  const regionCount = regionEnds.length
  const bitsByRegion = new Float64Array(regionCount)
  const blockBitsByRegion = new Float64Array(regionCount)
  let allocatedBits = 0

  let inPos = readGzipHeaderLength(gzip)
  let bitBuf = 0
  let bitCount = 0
  const need = (bits: number): void => {
    while (bitCount < bits) {
      bitBuf |= (gzip[inPos++] ?? 0) << bitCount
      bitCount += 8
    }
  }
  const take = (bits: number): number => {
    need(bits)
    const value = bitBuf & ((1 << bits) - 1)
    bitBuf >>>= bits
    bitCount -= bits
    return value
  }
  const bitsRead = (): number => inPos * 8 - bitCount
  /** Decodes one symbol; returns symbol << 4 | code length. */
  const decode = (table: HuffmanTable): number => {
    need(table.maxBits)
    const entry = table.entries[bitBuf & ((1 << table.maxBits) - 1)]!
    const length = entry & 15
    if (length === 0)
      throw new Error(`gzip attribution: invalid Huffman code at bit ${bitsRead()}`)
    bitBuf >>>= length
    bitCount -= length
    return entry
  }

  let outPos = 0
  let region = 0
  let regionEnd = regionCount > 0 ? regionEnds[0]! : Number.POSITIVE_INFINITY
  const nextRegion = (): void => {
    region++
    regionEnd = region < regionCount ? regionEnds[region]! : Number.POSITIVE_INFINITY
    if (region >= regionCount)
      throw new Error(`gzip attribution: output continues past the last region end (${regionEnds[regionCount - 1]})`)
  }
  /** Adds `bits` spread evenly over output bytes [outPos, outPos + length). */
  const addSpread = (bits: number, length: number): number => {
    while (outPos >= regionEnd)
      nextRegion()
    if (outPos + length <= regionEnd) {
      blockBitsByRegion[region]! += bits
      outPos += length
      return region
    }
    const bitsPerByte = bits / length
    const end = outPos + length
    while (outPos < end) {
      while (outPos >= regionEnd)
        nextRegion()
      const span = Math.min(end, regionEnd) - outPos
      blockBitsByRegion[region]! += span * bitsPerByte
      outPos += span
    }
    return region
  }

  let isFinal = false
  while (!isFinal) {
    const blockStartBits = bitsRead()
    const firstRegion = region
    let symbolBits = 0
    let overheadBits = 0
    isFinal = take(1) === 1
    const blockType = take(2)
    if (blockType === 0) {
      const padding = bitCount & 7
      bitBuf >>>= padding
      bitCount -= padding
      const length = take(16)
      const inverse = take(16)
      if ((length ^ 0xFFFF) !== inverse)
        throw new Error('gzip attribution: stored block length check failed')
      inPos -= bitCount >> 3
      bitBuf = 0
      bitCount = 0
      overheadBits = bitsRead() - blockStartBits
      if (length > 0)
        addSpread(length * 8, length)
      symbolBits = length * 8
      inPos += length
    }
    else if (blockType === 1 || blockType === 2) {
      let literalTable = FIXED_LITERAL_TABLE
      let distanceTable = FIXED_DISTANCE_TABLE
      if (blockType === 2)
        [literalTable, distanceTable] = readDynamicTables(take, decode)
      const headerBits = bitsRead() - blockStartBits
      for (;;) {
        const entry = decode(literalTable)
        const symbol = entry >> 4
        const codeBits = entry & 15
        if (symbol < 256) {
          while (outPos >= regionEnd)
            nextRegion()
          blockBitsByRegion[region]! += codeBits
          outPos++
          symbolBits += codeBits
        }
        else if (symbol === 256) {
          overheadBits = headerBits + codeBits
          break
        }
        else {
          const lengthIndex = symbol - 257
          if (lengthIndex >= 29)
            throw new Error(`gzip attribution: invalid length symbol ${symbol}`)
          const lengthExtra = LENGTH_EXTRA_BITS[lengthIndex]!
          const matchLength = LENGTH_BASE[lengthIndex]! + take(lengthExtra)
          const distanceEntry = decode(distanceTable)
          const distanceSymbol = distanceEntry >> 4
          if (distanceSymbol >= 30)
            throw new Error(`gzip attribution: invalid distance symbol ${distanceSymbol}`)
          const distanceExtra = DISTANCE_EXTRA_BITS[distanceSymbol]!
          take(distanceExtra)
          const bits = codeBits + lengthExtra + (distanceEntry & 15) + distanceExtra
          addSpread(bits, matchLength)
          symbolBits += bits
        }
      }
    }
    else {
      throw new Error('gzip attribution: invalid deflate block type 3')
    }
    const lastRegion = Math.min(region, regionCount - 1)
    if (symbolBits > 0) {
      const scale = (symbolBits + overheadBits) / symbolBits
      for (let index = firstRegion; index <= lastRegion; index++) {
        const bits = blockBitsByRegion[index]! * scale
        bitsByRegion[index]! += bits
        allocatedBits += bits
        blockBitsByRegion[index] = 0
      }
    }
  }

  const trailerStart = Math.ceil(bitsRead() / 8)
  if (trailerStart + 8 > gzip.length)
    throw new Error('gzip attribution: the stream is truncated before its trailer')
  const sizeModulo = (gzip[trailerStart + 4]! | (gzip[trailerStart + 5]! << 8) | (gzip[trailerStart + 6]! << 16) | (gzip[trailerStart + 7]! << 24)) >>> 0
  if (sizeModulo !== outPos % 2 ** 32)
    throw new Error(`gzip attribution: decoded ${outPos} bytes but the trailer says ${sizeModulo}`)
  return { bitsByRegion, containerBits: gzip.length * 8 - allocatedBits, outputBytes: outPos }
}

function readGzipHeaderLength(gzip: Uint8Array): number {
  if (gzip.length < 18 || gzip[0] !== 0x1F || gzip[1] !== 0x8B || gzip[2] !== 8)
    throw new Error('gzip attribution: not a gzip (deflate) stream')
  const flags = gzip[3]!
  let pos = 10
  if (flags & 4)
    pos += 2 + (gzip[pos]! | (gzip[pos + 1]! << 8))
  if (flags & 8) {
    while (gzip[pos++] !== 0 && pos < gzip.length);
  }
  if (flags & 16) {
    while (gzip[pos++] !== 0 && pos < gzip.length);
  }
  if (flags & 2)
    pos += 2
  return pos
}

function readDynamicTables(
  take: (bits: number) => number,
  decode: (table: HuffmanTable) => number,
): [HuffmanTable, HuffmanTable] {
  const literalCount = take(5) + 257
  const distanceCount = take(5) + 1
  const codeLengthCount = take(4) + 4
  const codeLengthLengths = new Uint8Array(19)
  for (let index = 0; index < codeLengthCount; index++)
    codeLengthLengths[CODE_LENGTH_ORDER[index]!] = take(3)
  const codeLengthTable = buildHuffmanTable(codeLengthLengths)
  const lengths = new Uint8Array(literalCount + distanceCount)
  for (let index = 0; index < lengths.length;) {
    const symbol = decode(codeLengthTable) >> 4
    if (symbol < 16) {
      lengths[index++] = symbol
      continue
    }
    let repeat: number
    let value = 0
    if (symbol === 16) {
      if (index === 0)
        throw new Error('gzip attribution: code length repeat without a previous length')
      value = lengths[index - 1]!
      repeat = 3 + take(2)
    }
    else if (symbol === 17) {
      repeat = 3 + take(3)
    }
    else {
      repeat = 11 + take(7)
    }
    if (index + repeat > lengths.length)
      throw new Error('gzip attribution: code lengths overflow the table')
    lengths.fill(value, index, index + repeat)
    index += repeat
  }
  return [
    buildHuffmanTable(lengths.subarray(0, literalCount)),
    buildHuffmanTable(lengths.subarray(literalCount)),
  ]
}
