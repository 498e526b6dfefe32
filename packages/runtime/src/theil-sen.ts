/**
 * Theil–Sen slope: the median of the slopes between every pair of points. Robust to outliers (up to
 * ~29 % of the points), which matters for live counts and heap figures that jump when a GC runs.
 * The confidence interval follows Sen (1968): the ranks of the pairwise slopes bounding the
 * interval come from the variance of Kendall's S.
 */

export interface SlopeEstimate {
  slope: number
  /** Bounds of the ~95 % confidence interval of the slope. */
  low: number
  high: number
}

/** Slope of ys over xs; null with fewer than two points or when all xs are equal. */
export function estimateTheilSenSlope(xs: ArrayLike<number>, ys: ArrayLike<number>): SlopeEstimate | null {
  const n = Math.min(xs.length, ys.length)
  const slopes: number[] = []
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j]! - xs[i]!
      if (dx !== 0) slopes.push((ys[j]! - ys[i]!) / dx)
    }
  }
  const count = slopes.length
  if (count === 0) return null
  slopes.sort((a, b) => a - b)
  const mid = count >> 1
  const slope = count % 2 ? slopes[mid]! : (slopes[mid - 1]! + slopes[mid]!) / 2
  // z(0.975) * sqrt(Var(S)), Var(S) = n(n-1)(2n+5)/18 without the correction for ties.
  const c = 1.96 * Math.sqrt(n * (n - 1) * (2 * n + 5) / 18)
  const lowRank = Math.max(0, Math.floor((count - c) / 2) - 1)
  const highRank = Math.min(count - 1, Math.ceil((count + c) / 2))
  return { slope, low: slopes[lowRank]!, high: slopes[highRank]! }
}
