/**
 * The one size formatter: exact figures at the unit boundaries, and every printed size read back by
 * the budget parser (an independent reader of `212.4 kB`) within half a printed digit, in order.
 */
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { formatBytes as formatBytesFromIndex, parseSizeLimit } from '@weighbridge/core'
import { formatBytes, formatDeltaBytes } from '@weighbridge/core/format-bytes'

const sourceFile = fileURLToPath(new URL('../src/format-bytes.ts', import.meta.url))

function readBack(text: string): number {
  const limit = parseSizeLimit(text)
  if (typeof limit === 'string') throw new Error(`${text}: ${limit}`)
  return limit.value
}

/** Half of the last printed digit, in bytes: how far a printed size may be from the true one. */
function halfLastDigitBytes(text: string): number {
  const [figure, unit] = text.split(' ') as [string, string]
  const decimals = figure.split('.')[1]?.length ?? 0
  const unitBytes = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 }[unit]!
  return (unitBytes * 10 ** -decimals) / 2
}

describe('formatBytes', () => {
  it('switches unit where the figure would read 1000', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(999)).toBe('999 B')
    expect(formatBytes(999.4)).toBe('999 B')
    expect(formatBytes(999.5)).toBe('1.0 kB')
    expect(formatBytes(1_000)).toBe('1.0 kB')
    expect(formatBytes(212_400)).toBe('212.4 kB')
    expect(formatBytes(999_949)).toBe('999.9 kB')
    expect(formatBytes(999_950)).toBe('1.00 MB')
    expect(formatBytes(999_960)).toBe('1.00 MB')
    expect(formatBytes(1_250_000)).toBe('1.25 MB')
    expect(formatBytes(999_994_999)).toBe('999.99 MB')
    expect(formatBytes(999_995_000)).toBe('1.00 GB')
    expect(formatBytes(3_100_000_000)).toBe('3.10 GB')
  })

  it('prints signs, rounds fractions and marks unknown sizes', () => {
    expect(formatBytes(-340)).toBe('-340 B')
    expect(formatBytes(-999_950)).toBe('-1.00 MB')
    expect(formatBytes(12.6)).toBe('13 B')
    expect(formatBytes(-0.2)).toBe('0 B')
    expect(formatBytes(null)).toBe('–')
    expect(formatBytes(undefined)).toBe('–')
    expect(formatBytes(Number.NaN)).toBe('–')
    expect(formatDeltaBytes(0)).toBe('±0 B')
    expect(formatDeltaBytes(1_200)).toBe('+1.2 kB')
    expect(formatDeltaBytes(-42_400)).toBe('-42.4 kB')
    expect(formatDeltaBytes(null)).toBe('–')
  })

  it('is the function the package index exports (budgets, summary and CLI print with it)', () => {
    expect(formatBytesFromIndex).toBe(formatBytes)
  })

  it('prints figures below 1000 that the budget parser reads back within half a digit, in order', () => {
    // Log-uniform sizes from 1 B to 800 GB, and whole sizes within 100 bytes of each unit boundary.
    const sizes = fc.oneof(
      fc.double({ min: 0, max: 11.9, noNaN: true }).map(exponent => Math.round(10 ** exponent)),
      fc.tuple(fc.constantFrom(1_000, 999_950, 1_000_000, 999_995_000, 1_000_000_000), fc.integer({ min: -100, max: 100 })).map(([boundary, offset]) => boundary + offset),
    )
    fc.assert(fc.property(sizes, sizes, (a, b) => {
      for (const bytes of [a, b]) {
        const text = formatBytes(bytes)
        expect(text).toMatch(/^\d{1,3}(\.\d{1,2})? (B|kB|MB|GB)$/)
        const [figure, unit] = text.split(' ') as [string, string]
        if (unit !== 'GB') expect(Number(figure)).toBeLessThan(999.995)
        // parseSizeLimit rounds to whole bytes: allow that half byte too.
        expect(Math.abs(readBack(text) - bytes)).toBeLessThanOrEqual(halfLastDigitBytes(text) + 0.5)
      }
      const [low, high] = a <= b ? [a, b] : [b, a]
      expect(readBack(formatBytes(low))).toBeLessThanOrEqual(readBack(formatBytes(high)))
    }), { numRuns: 500 })
  })

  it('imports nothing (the report UI bundles it for the browser: packages/report/test/client-format.test.ts)', () => {
    expect(readFileSync(sourceFile, 'utf8')).not.toMatch(/^\s*(import|export)\s[^\n]*\sfrom\s/m)
  })
})
