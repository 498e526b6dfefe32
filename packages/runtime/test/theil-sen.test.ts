/**
 * The Theil–Sen slope behind leak detection and the heap trend: exact on lines, robust to a GC-like
 * outlier where least squares is pulled away, and the confidence interval brackets the true slope.
 */
import { estimateTheilSenSlope } from '@weighbridge/runtime'
import { describe, expect, it } from 'vitest'

function leastSquaresSlope(xs: number[], ys: number[]): number {
  const n = xs.length
  const mx = xs.reduce((a, b) => a + b, 0) / n
  const my = ys.reduce((a, b) => a + b, 0) / n
  let num = 0
  let den = 0
  for (let i = 0; i < n; i++) {
    num += (xs[i]! - mx) * (ys[i]! - my)
    den += (xs[i]! - mx) ** 2
  }
  return num / den
}

describe('estimateTheilSenSlope', () => {
  it('is exact on a line and zero on a constant', () => {
    const xs = [0, 1, 2, 3, 4, 5]
    expect(estimateTheilSenSlope(xs, xs.map(x => 3 + 2 * x))).toEqual({ slope: 2, low: 2, high: 2 })
    expect(estimateTheilSenSlope(xs, xs.map(() => 7))!.slope).toBe(0)
    expect(estimateTheilSenSlope([1], [1])).toBeNull()
    expect(estimateTheilSenSlope([2, 2], [1, 5])).toBeNull()
  })

  it('ignores an outlier that pulls least squares away', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7]
    const ys = xs.map(x => 10 + x)
    ys[6] = 200 // one sample taken right before a GC
    const robust = estimateTheilSenSlope(xs, ys)!
    expect(robust.slope).toBe(1)
    expect(Math.abs(leastSquaresSlope(xs, ys) - 1)).toBeGreaterThan(5)
  })

  it('brackets the true slope of noisy data', () => {
    // Deterministic noise: a small linear congruential generator.
    let seed = 42
    const noise = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 4
    const xs = Array.from({ length: 40 }, (_, i) => i)
    const ys = xs.map(x => 1000 + 3 * x + noise())
    const estimate = estimateTheilSenSlope(xs, ys)!
    expect(estimate.low).toBeLessThan(3)
    expect(estimate.high).toBeGreaterThan(3)
    expect(Math.abs(estimate.slope - 3)).toBeLessThan(0.2)
    expect(Math.abs(estimate.slope - leastSquaresSlope(xs, ys))).toBeLessThan(0.2)
  })
})
