/**
 * Size limits as people write them: `'170 kB'`, `'1.5 MB'`, `'64 KiB'`, `12000` (bytes), and growth
 * limits `'+10 kB'` or `'10%'`.
 *
 * Units: decimal kB / MB / GB are 1,000-based (kB = 1,000 bytes, like the sizes we print); binary
 * KiB / MiB / GiB are 1,024-based. Units are case-insensitive (`KB` = `kB`).
 */
import { formatBytes } from '../format-bytes'

export type Limit =
  | { unit: 'bytes', value: number, text: string }
  | { unit: 'percent', value: number, text: string }

const UNIT_BYTES: Record<string, number> = {
  'b': 1,
  'byte': 1,
  'bytes': 1,
  'kb': 1_000,
  'mb': 1_000_000,
  'gb': 1_000_000_000,
  'kib': 1_024,
  'mib': 1_024 ** 2,
  'gib': 1_024 ** 3,
}

const SIZE_PATTERN = /^\s*(\+)?\s*(\d+(?:\.\d+)?|\.\d+)\s*([a-z]*)\s*$/i
const PERCENT_PATTERN = /^\s*(\+)?\s*(\d+(?:\.\d+)?|\.\d+)\s*%\s*$/

export const SIZE_EXAMPLE = `a size like '170 kB', '1.5 MB', '64 KiB' or a number of bytes`
export const GROWTH_EXAMPLE = `a growth like '+10 kB' or '10%'`
export const COUNT_EXAMPLE = `a whole number like 40`

/** Parses a size limit; returns an error text (without the config path) when it is not one. */
export function parseSizeLimit(input: unknown): Limit | string {
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0)
      return `got ${String(input)}, expected ${SIZE_EXAMPLE} (not negative)`
    return { unit: 'bytes', value: input, text: formatBytes(input) }
  }
  if (typeof input !== 'string')
    return `got ${describeValue(input)}, expected ${SIZE_EXAMPLE}`
  const trimmed = input.trim()
  if (trimmed.startsWith('-'))
    return `got '${input}', expected ${SIZE_EXAMPLE} (not negative)`
  const match = SIZE_PATTERN.exec(trimmed)
  const unitFactor = match ? UNIT_BYTES[(match[3] || 'b').toLowerCase()] : undefined
  if (!match || match[1] || unitFactor === undefined) {
    if (PERCENT_PATTERN.test(trimmed) || match?.[1])
      return `got '${input}', a growth limit; expected ${SIZE_EXAMPLE} (growth limits belong to kind: 'growth')`
    return `got '${input}', expected ${SIZE_EXAMPLE} (kB = 1,000 bytes, KiB = 1,024)`
  }
  return { unit: 'bytes', value: Math.round(Number(match[2]) * unitFactor), text: trimmed }
}

/** Parses a growth limit: an absolute size (`'+10 kB'`, `'10 kB'`, bytes) or a percentage (`'10%'`). */
export function parseGrowthLimit(input: unknown): Limit | string {
  if (typeof input === 'string') {
    const trimmed = input.trim()
    const percent = PERCENT_PATTERN.exec(trimmed)
    if (percent)
      return { unit: 'percent', value: Number(percent[2]), text: trimmed }
    if (trimmed.startsWith('-'))
      return `got '${input}', expected ${GROWTH_EXAMPLE} (not negative)`
    const size = parseSizeLimit(trimmed.replace(/^\+\s*/, ''))
    if (typeof size === 'string')
      return `got '${input}', expected ${GROWTH_EXAMPLE} (kB = 1,000 bytes, KiB = 1,024)`
    return { ...size, text: trimmed.startsWith('+') ? trimmed : `+${trimmed}` }
  }
  if (typeof input === 'number') {
    const size = parseSizeLimit(input)
    return typeof size === 'string' ? `got ${String(input)}, expected ${GROWTH_EXAMPLE} (not negative)` : { ...size, text: `+${size.text}` }
  }
  return `got ${describeValue(input)}, expected ${GROWTH_EXAMPLE}`
}

/** Parses a count limit (modules, chunks): a whole, non-negative number. */
export function parseCountLimit(input: unknown): Limit | string {
  const value = typeof input === 'string' && /^\s*\d+\s*$/.test(input) ? Number(input) : input
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0)
    return `got ${describeValue(input)}, expected ${COUNT_EXAMPLE}`
  return { unit: 'bytes', value, text: String(value) }
}

// The one size formatter (browser-safe, also used by the HTML report); re-exported where it always was.
export { formatBytes, formatDeltaBytes } from '../format-bytes'

export function formatPercent(percent: number): string {
  if (!Number.isFinite(percent))
    return 'new'
  const rounded = Math.abs(percent) >= 10 ? percent.toFixed(0) : percent.toFixed(1)
  return `${percent > 0 ? '+' : ''}${rounded}%`
}

export function describeValue(value: unknown): string {
  if (typeof value === 'string')
    return `'${value}'`
  if (value === undefined)
    return 'nothing'
  if (Array.isArray(value))
    return 'an array'
  if (value === null || typeof value !== 'object')
    return String(value)
  return 'an object'
}
