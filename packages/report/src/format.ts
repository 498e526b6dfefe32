/**
 * Sizes as people read them: `999 B`, `212.4 kB`, `1.25 MB` (kB = 1,000 bytes).
 * Used by the report UI and by anything that prints sizes next to it, so both agree.
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–'
  const sign = bytes < 0 ? '-' : ''
  const abs = Math.abs(bytes)
  if (abs < 1000) return `${sign}${Math.round(abs)} B`
  if (abs < 999_950) return `${sign}${(abs / 1000).toFixed(1)} kB`
  if (abs < 999_995_000) return `${sign}${(abs / 1_000_000).toFixed(2)} MB`
  return `${sign}${(abs / 1_000_000_000).toFixed(2)} GB`
}

/** A size change with its sign: `+1.2 kB`, `-340 B`, `±0 B`. */
export function formatDeltaBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined) return '–'
  if (bytes === 0) return '±0 B'
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes)
}

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
