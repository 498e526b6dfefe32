/**
 * Sizes as people read them: `999 B`, `212.4 kB`, `1.25 MB`, `3.10 GB` (kB = 1,000 bytes).
 *
 * The one formatter of Weighbridge: the terminal summary, budget messages, markdown and the HTML
 * report (whose browser bundle imports this file through `@weighbridge/core/format-bytes`) all print
 * sizes with it, so a size reads the same everywhere. Browser-safe: this file imports nothing.
 *
 * A unit switches where the printed figure would otherwise read `1000`: 999,949 bytes is
 * `999.9 kB`, 999,950 bytes is `1.00 MB` (never `1000.0 kB`).
 */

/** `212.4 kB`; `–` when the size is unknown (null, undefined, NaN: not measured). */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–'
  const abs = Math.abs(bytes)
  const sign = bytes < 0 && abs >= 0.5 ? '-' : ''
  if (abs < 999.5) return `${sign}${Math.round(abs)} B`
  if (abs < 999_950) return `${sign}${(abs / 1_000).toFixed(1)} kB`
  if (abs < 999_995_000) return `${sign}${(abs / 1_000_000).toFixed(2)} MB`
  return `${sign}${(abs / 1_000_000_000).toFixed(2)} GB`
}

/** A size change with its sign: `+42.4 kB`, `-340 B`, `±0 B`; `–` when unknown. */
export function formatDeltaBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '–'
  if (Math.abs(bytes) < 0.5) return '±0 B'
  return bytes > 0 ? `+${formatBytes(bytes)}` : formatBytes(bytes)
}
