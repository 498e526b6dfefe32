/**
 * A bench section measures one thing and renders its own part of RESULTS.md. Sections are listed in
 * src/sections/index.ts; to add one (webpack stats vs webpack-bundle-analyzer, report time-to-treemap,
 * analyses timing...), write a file in src/sections/ and add it to that list.
 */

export interface BenchOptions {
  /** One run per variant, example app and 5k app only. */
  quick: boolean
  /** Measured runs per variant for the small apps (example, 5k). */
  runs: number
  /** Measured runs per variant for the large app (20k). */
  runsLarge: number
  /** App keys to run (empty = the section's defaults). */
  apps: string[]
  /** Variant names to run (empty = all available). */
  variants: string[]
}

export interface BenchContext {
  options: BenchOptions
  /** The bench package folder. */
  benchDir: string
  /** The repository root. */
  repoRoot: string
  /** bench/.tmp: generated apps, build outputs, logs. */
  tmpDir: string
  log: (message: string) => void
}

export interface SectionResult {
  /** Markdown for RESULTS.md, starting with a `##` heading. */
  markdown: string
  /** The same figures for the terminal. */
  consoleText: string
  /** Raw samples, written to bench/.tmp/results.json. */
  data: unknown
}

export interface BenchSection {
  name: string
  description: string
  run: (context: BenchContext) => Promise<SectionResult>
}
