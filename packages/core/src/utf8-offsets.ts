/**
 * UTF-16 code unit positions (what JavaScript strings and source map columns count) to UTF-8 byte
 * offsets (what the emitted file holds). A surrogate pair is 4 bytes, charged to its high half;
 * a lone surrogate is 3 bytes (it is written as U+FFFD).
 */
import { Buffer } from 'node:buffer'

function costOfCodeUnit(text: string, index: number): number {
  const code = text.charCodeAt(index)
  if (code < 0x80)
    return 1
  if (code < 0x800)
    return 2
  if (code >= 0xD800 && code <= 0xDBFF) {
    const next = text.charCodeAt(index + 1)
    return next >= 0xDC00 && next <= 0xDFFF ? 4 : 3
  }
  if (code >= 0xDC00 && code <= 0xDFFF) {
    const previous = index > 0 ? text.charCodeAt(index - 1) : 0
    return previous >= 0xD800 && previous <= 0xDBFF ? 0 : 3
  }
  return 3
}

/** UTF-8 byte length of `text.slice(from, to)` as part of `text` (pairs split at a boundary count once). */
export function countUtf8Bytes(text: string, from = 0, to = text.length): number {
  // The whole string: node's native count gives the same figure (lone surrogates as 3 bytes).
  if (from === 0 && to === text.length)
    return Buffer.byteLength(text, 'utf8')
  if (to - from > 64) {
    // Long ranges natively too; only a surrogate pair cut by the range's ends counts differently.
    let bytes = Buffer.byteLength(text.slice(from, to), 'utf8')
    if (costOfCodeUnit(text, from) === 0)
      bytes -= 3
    if (costOfCodeUnit(text, to - 1) === 4)
      bytes += 1
    return bytes
  }
  let bytes = 0
  for (let index = from; index < to; index++)
    bytes += costOfCodeUnit(text, index)
  return bytes
}

/**
 * A converter from code unit positions to byte offsets, fast for ascending positions (it walks
 * forward from the last answer) and exact for any position.
 */
export function createByteOffsetConverter(text: string, isAscii = false): (position: number) => number {
  if (isAscii)
    return position => Math.min(Math.max(position, 0), text.length)
  let lastPosition = 0
  let lastByteOffset = 0
  return (position) => {
    const target = Math.min(Math.max(position, 0), text.length)
    if (target < lastPosition) {
      lastPosition = 0
      lastByteOffset = 0
    }
    lastByteOffset += countUtf8Bytes(text, lastPosition, target)
    lastPosition = target
    return lastByteOffset
  }
}
