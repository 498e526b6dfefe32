/**
 * Counts and shares as the report UI prints them. Sizes are not formatted here: the UI and
 * everything else print bytes with `formatBytes` from `@weighbridge/core/format-bytes`.
 */

/** `12.3%` of a whole; `–` when the whole is zero. */
export function formatPercent(part: number, whole: number): string {
  if (!whole) return '–'
  const percent = (part / whole) * 100
  return `${percent < 10 ? percent.toFixed(1) : Math.round(percent)}%`
}

/** `1 file`, `3 files`. */
export function formatCount(count: number, singular: string, plural = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : plural}`
}
