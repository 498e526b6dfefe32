import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { PackedReader, PackedWriter, unzigzag, zigzag } from '../src/packed-stream'

function roundTrip(write: (writer: PackedWriter) => void): { reader: PackedReader, numbers: string, text: string, exotic: unknown[] } {
  const writer = new PackedWriter()
  write(writer)
  const { numbers, text, exotic } = writer.finish()
  // As in the page: through JSON text.
  const [n, t, x] = JSON.parse(JSON.stringify([numbers, text, exotic])) as [string, string, unknown[]]
  return { reader: new PackedReader(n, t, x), numbers, text, exotic }
}

describe('packed integers', () => {
  it('take 1, 2, 3 characters below 46, 2,116, 97,336 and read back exactly up to 2^53', () => {
    const values = [0, 1, 45, 46, 2_115, 2_116, 97_335, 97_336, 4_294_967_296, Number.MAX_SAFE_INTEGER]
    for (const value of values) {
      const { reader, numbers } = roundTrip(writer => writer.uint(value))
      expect(numbers.length, String(value)).toBe(value < 46 ? 1 : value < 2_116 ? 2 : value < 97_336 ? 3 : numbers.length)
      expect(reader.uint()).toBe(value)
      reader.assertEnd()
    }
  })

  it('need no JSON escaping and can never close a script element', () => {
    const { numbers } = roundTrip((writer) => {
      for (let value = 0; value < 100_000; value += 7) writer.uint(value)
    })
    expect(JSON.stringify(numbers)).toBe(`"${numbers}"`)
    expect(numbers).not.toMatch(/[<"\\]/)
    expect(new Set(numbers).size).toBe(92)
  })

  it('refuse values that are not non-negative integers instead of writing them wrong', () => {
    for (const value of [-1, 1.5, Number.MAX_SAFE_INTEGER + 1, Number.NaN]) {
      expect(() => new PackedWriter().uint(value)).toThrow(/not a non-negative integer/)
    }
  })

  it('zigzag maps signed to unsigned and back', () => {
    expect([0, -1, 1, -2, 2].map(zigzag)).toEqual([0, 1, 2, 3, 4])
    fc.assert(fc.property(fc.maxSafeInteger().filter(value => Math.abs(value) < 2 ** 51), value => unzigzag(zigzag(value)) === value))
  })

  it('keep any mix of values, strings and index lists exactly', () => {
    const unit = fc.oneof(fc.constantFrom('/', 'a', 'é', '<', '"', '\\', '\u2028', '\ud83d\ude00', '\ud800', '\udc00'), fc.string({ unit: 'binary', maxLength: 1 }))
    const item = fc.oneof(
      fc.record({ uint: fc.nat() }),
      fc.record({ value: fc.oneof(fc.constant(null), fc.nat(), fc.integer({ min: -1e9, max: -1 }), fc.double({ noNaN: true, noDefaultInfinity: true }).filter(value => !Object.is(value, -0)), fc.constant(2 ** 60)) }),
      fc.record({ near: fc.oneof(fc.constant(null), fc.nat(), fc.constant(-3)), base: fc.oneof(fc.constant(null), fc.constant(0), fc.nat(), fc.constant(0.5)) }),
      fc.record({ string: fc.string({ unit, maxLength: 12 }) }),
      fc.record({ list: fc.array(fc.nat({ max: 5_000 }), { maxLength: 40 }) }),
      fc.record({ sorted: fc.uniqueArray(fc.nat({ max: 300 }), { maxLength: 200 }).map(list => list.sort((a, b) => a - b)) }),
    )
    fc.assert(fc.property(fc.array(item, { maxLength: 30 }), (items) => {
      const { reader } = roundTrip((writer) => {
        for (const entry of items) {
          if ('uint' in entry) writer.uint(entry.uint)
          else if ('value' in entry) writer.value(entry.value)
          else if ('near' in entry) writer.valueNear(entry.near, entry.base)
          else if ('string' in entry) writer.string(entry.string)
          else writer.indexList('list' in entry ? entry.list : entry.sorted)
        }
      })
      for (const entry of items) {
        if ('uint' in entry) expect(reader.uint()).toBe(entry.uint)
        else if ('value' in entry) expect(reader.value()).toBe(entry.value)
        else if ('near' in entry) expect(reader.valueNear(entry.base)).toBe(entry.near)
        else if ('string' in entry) expect(reader.string()).toBe(entry.string)
        else expect(reader.indexList()).toEqual('list' in entry ? entry.list : entry.sorted)
      }
      reader.assertEnd()
    }), { numRuns: 300 })
  })

  it('store a long run of consecutive indexes in a few characters', () => {
    const run = Array.from({ length: 4_000 }, (_, index) => index + 100)
    const { numbers, reader } = roundTrip(writer => writer.indexList(run))
    expect(numbers.length).toBeLessThan(10)
    expect(reader.indexList()).toEqual(run)
  })

  it('notice data that ends early or late', () => {
    const { numbers, text, exotic } = roundTrip(writer => writer.uint(3_000))
    expect(() => new PackedReader(numbers.slice(0, 1), text, exotic).uint()).toThrow(/damaged/)
    const reader = new PackedReader(`${numbers}0`, text, exotic)
    expect(reader.uint()).toBe(3_000)
    expect(() => reader.assertEnd()).toThrow(/damaged/)
  })
})
