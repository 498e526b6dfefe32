/**
 * Splits the integer `total` into integer shares proportional to `weights` that sum to `total`
 * exactly (largest-remainder rounding; ties go to the lower index). Weights may be fractional.
 * With no positive weight, the whole total goes to the first share.
 */
export function splitProportionally(total: number, weights: ArrayLike<number>): number[] {
  const count = weights.length
  if (count === 0)
    return []
  let weightSum = 0
  for (let index = 0; index < count; index++)
    weightSum += Math.max(0, weights[index]!)
  const shares = Array.from({ length: count }, () => 0)
  if (!(weightSum > 0)) {
    shares[0] = total
    return shares
  }
  const remainders: number[] = []
  let assigned = 0
  for (let index = 0; index < count; index++) {
    const exact = (total * Math.max(0, weights[index]!)) / weightSum
    const share = Math.floor(exact)
    shares[index] = share
    remainders.push(exact - share)
    assigned += share
  }
  const order = Array.from({ length: count }, (_, index) => index)
    .sort((a, b) => remainders[b]! - remainders[a]! || a - b)
  for (let rest = total - assigned, step = 0; rest > 0; rest--, step++)
    shares[order[step % count]!]! += 1
  return shares
}
