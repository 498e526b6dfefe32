/**
 * A bench section measures one thing and renders its own part of RESULTS.md. Sections are listed in
 * src/sections/index.ts; to add one, write a file in src/sections/ (or, for a standalone script in
 * bench/, an entry in src/sections/scripts.ts) and add it to that list.
 */
import type { PackagesFrom } from './child-process'

/** quick: a smoke run (minutes); default: about 15 minutes on 2 cores; full: more runs of everything. */
export type BenchMode = 'quick' | 'default' | 'full'

export interface BenchOptions {
  mode: BenchMode
  /** mode === 'quick' (kept for sections that only ask that). */
  quick: boolean
  /** Measured runs of the example app's builds (plain and Weighbridge): the run count of sections that build one app. */
  runs: number
  /** Measured runs per app key (example, 5k, 20k) of plain and the Weighbridge variants. */
  runsByApp: Record<string, number>
  /** Measured runs per app key of the peer variants and their baseline (visualizer, Sonda, plain+sourcemap). */
  peerRunsByApp: Record<string, number>
  /** App keys to run (empty = the mode's defaults). */
  apps: string[]
  /** Variant names to run (empty = all available). */
  variants: string[]
  /** Where build children load the workspace packages from: dist for `pnpm bench` (what users run). */
  packages: PackagesFrom
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
  /** Set when the section could not measure what it should (the bench exits non-zero at the end). */
  failed?: boolean
}

export interface BenchSection {
  name: string
  description: string
  /** Runs without `--sections` (the others, and those without the flag, run with `--sections all` or by name). */
  runsByDefault?: boolean
  run: (context: BenchContext) => Promise<SectionResult>
}
