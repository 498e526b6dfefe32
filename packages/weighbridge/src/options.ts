/**
 * The plugin's options: one `defaultOptions`, one `resolveOptions()` that validates everything
 * before the build starts and reports every mistake at once (`WeighbridgeOptionsError`).
 */
import type { BudgetConfig, FindingsOptions } from '@weighbridge/core'
import type { RuntimeOptions } from './runtime/runtime-options'
import { resolveFindingsOptions, validateBudgets } from '@weighbridge/core'
import { checkRuntimeOption } from './runtime/runtime-options'
import { checkHtmlOption } from './html-report-step'
import { checkSplitOption } from './split/split-option'
import type { SplitOption } from './split/split-option'

export type LogLevel = 'silent' | 'error' | 'warn' | 'info'

/** How minified Rollup / Rolldown / Vite output is attributed to modules when the build has no source maps. */
export type AttributionOption = 'auto' | 'sourcemap'

export interface WeighbridgeOptions {
  /**
   * Where to write `report.json`, relative to the project root (or absolute); `false` writes none.
   * @default '.weighbridge/report.json'
   */
  reportFile?: string | false
  /**
   * gzip level (0-9) the gzip sizes are measured with; `false` turns gzip sizes off.
   * @default 9
   */
  gzip?: number | false
  /**
   * Brotli quality (0-11) the brotli sizes are measured with; `false` turns brotli sizes off.
   * @default 11
   */
  brotli?: number | false
  /**
   * Directory of the compressed-size cache, relative to the project root (or absolute);
   * `false` keeps the cache in memory only.
   * @default 'node_modules/.cache/weighbridge'
   */
  cache?: string | false
  /**
   * Print the terminal summary (initial loads, largest chunks, total) after each build.
   * @default true
   */
  summary?: boolean
  /**
   * What Weighbridge prints: `info` (summary and warnings), `warn`, `error` or `silent`.
   * @default 'info'
   */
  logLevel?: LogLevel
  /**
   * The project root every report path is relative to. Vite's `root` when unset, else the
   * current working directory.
   * @default undefined
   */
  root?: string
  /**
   * Vite environments to report (Vite builds only).
   * @default ['client']
   */
  environments?: string[]
  /**
   * Record the build time as `generatedAt` in report.json (makes reports differ between builds).
   * @default false
   */
  timestamps?: boolean
  /**
   * The self-contained HTML report (treemap, entries, modules, packages, findings, budgets, diff):
   * `true` writes `report.html` next to report.json, a string writes there (relative to the project
   * root), `false` writes none.
   * @default true
   */
  html?: boolean | string
  /**
   * Size budgets checked after each build; over an `error` limit (or a bare `limit`) the build fails
   * after report.json is written, over `warn` a warning is printed. Wins over the config file's.
   * e.g. `[{ kind: 'initial', limit: '170 kB' }, { kind: 'package', package: 'lodash', warn: '20 kB' }]`
   * @default undefined (the config file's budgets, else none)
   */
  budgets?: BudgetConfig[]
  /**
   * A saved report to compare with (diff, growth budgets), relative to the project root. A missing
   * file is a warning; a broken one fails the build. Wins over the config file's.
   * @default undefined (the config file's baseline, else none)
   */
  baseline?: string
  /**
   * After a build that passed its budgets, save its report as the baseline: `true` writes to
   * `baseline` (or `.weighbridge/baseline.json`), a string writes there.
   * @default undefined (the config file's saveBaseline, else false)
   */
  saveBaseline?: boolean | string
  /**
   * The `weighbridge.config.{ts,mts,mjs,js,cjs,json}` to read budgets and baseline settings from,
   * relative to the project root; `false` reads none.
   * @default undefined (the first weighbridge.config.* in the project root)
   */
  configFile?: string | false
  /**
   * Findings (tree-shaking blockers, duplicate packages, lazy-load candidates): `false` turns them
   * off; `{ rules: { 'WB-TS004': 'off' }, ignore: ['src/legacy/**'], minLazyGzipBytes: 2000 }`
   * silences or re-grades rules. See `FindingsOptions` in @weighbridge/core.
   * @default undefined (every rule on)
   */
  findings?: FindingsOptions | boolean
  /**
   * Runtime profiler and leak hooks injected at build time: `true`, or `{ sampleRate, production,
   * endpoint, snapshot }` (see `RuntimeOptions`). On in dev servers and development builds only,
   * unless `production: true`.
   * @default false
   */
  runtime?: boolean | RuntimeOptions
  /**
   * After each build, plan chunk groups from the report and write a ready-to-use configuration for
   * the bundler in use (Rollup `manualChunks`, Vite/Rolldown `codeSplitting.groups`, webpack/Rspack
   * `splitChunks`) plus its explanation: `true` writes `.weighbridge/split.<bundler>.mjs` with the
   * default goals; `{ out, goals: { minChunkBytes, maxInitialRequests, vendorGroups, ... }, baselines }`.
   * @default undefined (no split configuration)
   */
  split?: boolean | SplitOption
  /**
   * How minified Rollup / Rolldown / Vite output is attributed to modules when you did not turn
   * source maps on: `'auto'` aligns each module's code before minification with the minified file
   * (no source map needed; package totals within a few percent of a map's); `'sourcemap'` makes the
   * bundler write hidden source maps for exact figures (dropped before they are written; the build
   * is slower). Your own source maps are always used when the build has them.
   * @default 'auto'
   */
  attribution?: AttributionOption
}

export interface ResolvedOptions {
  reportFile: string | false
  gzip: number | false
  brotli: number | false
  cache: string | false
  summary: boolean
  logLevel: LogLevel
  root: string | undefined
  environments: string[]
  timestamps: boolean
  // Reserved: validated and typed by their owners (F: budgets/baseline, G: findings, runtime, split).
  html: boolean | string
  budgets: BudgetConfig[] | undefined
  baseline: string | undefined
  saveBaseline: boolean | string | undefined
  configFile: string | false | undefined
  findings: unknown
  runtime: unknown
  split: unknown
  attribution: AttributionOption
}

export const defaultOptions: Readonly<ResolvedOptions> = Object.freeze({
  reportFile: '.weighbridge/report.json',
  gzip: 9,
  brotli: 11,
  cache: 'node_modules/.cache/weighbridge',
  summary: true,
  logLevel: 'info',
  root: undefined,
  environments: ['client'],
  timestamps: false,
  html: true,
  budgets: undefined,
  baseline: undefined,
  saveBaseline: undefined,
  configFile: undefined,
  findings: undefined,
  runtime: undefined,
  split: undefined,
  attribution: 'auto',
})

const LOG_LEVELS: readonly LogLevel[] = ['silent', 'error', 'warn', 'info']
const ATTRIBUTIONS: readonly AttributionOption[] = ['auto', 'sourcemap']

/** Thrown by `resolveOptions()`; its message lists every mistake and reads well without a stack. */
export class WeighbridgeOptionsError extends Error {
  readonly problems: string[]

  constructor(problems: string[]) {
    const heading = problems.length === 1 ? 'Invalid Weighbridge option' : `${problems.length} invalid Weighbridge options`
    super(`${heading}:\n${problems.map(problem => `  - ${problem}`).join('\n')}`)
    this.name = 'WeighbridgeOptionsError'
    this.problems = problems
    // A user error: the message says everything, a stack trace would only hide it.
    this.stack = `${this.name}: ${this.message}`
  }
}

/** `"high" (string)`, `42 (number)`, `[1,2] (array)`: what the user gave, short. */
export function describeReceived(value: unknown): string {
  if (value === undefined)
    return 'undefined'
  if (value === null)
    return 'null'
  if (typeof value === 'function')
    return 'a function'
  const type = Array.isArray(value) ? 'array' : typeof value
  let shown: string
  try {
    shown = JSON.stringify(value) ?? String(value)
  }
  catch {
    shown = String(value)
  }
  if (shown.length > 60)
    shown = `${shown.slice(0, 57)}...`
  return `${shown} (${type})`
}

/** Levenshtein distance (case-insensitive), for "did you mean". */
export function measureEditDistance(a: string, b: string): number {
  const left = a.toLowerCase()
  const right = b.toLowerCase()
  let previous = Array.from({ length: right.length + 1 }, (_, index) => index)
  for (let i = 1; i <= left.length; i++) {
    const current = [i]
    for (let j = 1; j <= right.length; j++) {
      const cost = left[i - 1] === right[j - 1] ? 0 : 1
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost))
    }
    previous = current
  }
  return previous[right.length]!
}

/** The closest of `candidates` to `key`, when it is close enough to be a typo. */
export function suggestClosest(key: string, candidates: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = measureEditDistance(key, candidate)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : null
}

type Check = (value: unknown, path: string, problems: string[]) => void

function checkLevel(max: number, what: string): Check {
  return (value, path, problems) => {
    if (value === false || value === true)
      return
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > max)
      problems.push(`${path}: got ${describeReceived(value)}; expected ${what} from 0 to ${max}, or false to turn it off`)
  }
}

function checkPathOrFalse(what: string): Check {
  return (value, path, problems) => {
    if (value !== false && (typeof value !== 'string' || value.trim() === ''))
      problems.push(`${path}: got ${describeReceived(value)}; expected ${what} (a non-empty path string), or false`)
  }
}

const checkBoolean: Check = (value, path, problems) => {
  if (typeof value !== 'boolean')
    problems.push(`${path}: got ${describeReceived(value)}; expected true or false`)
}

const checkReserved: Check = () => {}

const CHECKS: Record<keyof WeighbridgeOptions, Check> = {
  reportFile: checkPathOrFalse('the report.json path'),
  gzip: checkLevel(9, 'a gzip level'),
  brotli: checkLevel(11, 'a brotli quality'),
  cache: checkPathOrFalse('the cache directory'),
  summary: checkBoolean,
  logLevel: (value, path, problems) => {
    if (!LOG_LEVELS.includes(value as LogLevel)) {
      const hint = typeof value === 'string' ? suggestClosest(value, LOG_LEVELS) : null
      problems.push(`${path}: got ${describeReceived(value)}; expected one of ${LOG_LEVELS.map(level => `'${level}'`).join(', ')}${hint ? ` (did you mean '${hint}'?)` : ''}`)
    }
  },
  root: (value, path, problems) => {
    if (typeof value !== 'string' || value.trim() === '')
      problems.push(`${path}: got ${describeReceived(value)}; expected the project root directory (a non-empty path string)`)
  },
  environments: (value, path, problems) => {
    if (!Array.isArray(value) || value.some(item => typeof item !== 'string' || item === ''))
      problems.push(`${path}: got ${describeReceived(value)}; expected an array of Vite environment names, e.g. ['client']`)
  },
  timestamps: checkBoolean,
  html: (value, path, problems) => checkHtmlOption(value, path, problems, describeReceived),
  budgets: (value, _path, problems) => {
    problems.push(...validateBudgets(value).problems)
  },
  baseline: (value, path, problems) => {
    if (typeof value !== 'string' || value.trim() === '')
      problems.push(`${path}: got ${describeReceived(value)}; expected the path of a saved report, e.g. '.weighbridge/baseline.json'`)
  },
  saveBaseline: (value, path, problems) => {
    if (typeof value !== 'boolean' && (typeof value !== 'string' || value.trim() === ''))
      problems.push(`${path}: got ${describeReceived(value)}; expected true, false or the path to save the baseline to`)
  },
  configFile: checkPathOrFalse('the weighbridge.config.* path'),
  findings: (value, _path, problems) => {
    problems.push(...resolveFindingsOptions(value as FindingsOptions | boolean).errors)
  },
  runtime: checkRuntimeOption,
  split: (value, path, problems) => checkSplitOption(value, path, problems, describeReceived),
  attribution: (value, path, problems) => {
    if (!ATTRIBUTIONS.includes(value as AttributionOption)) {
      const hint = typeof value === 'string' ? suggestClosest(value, ATTRIBUTIONS) : null
      problems.push(`${path}: got ${describeReceived(value)}; expected 'auto' (align minified code, no source map) or 'sourcemap' (hidden source maps: exact, slower)${hint ? ` (did you mean '${hint}'?)` : ''}`)
    }
  },
}

const OPTION_NAMES = Object.keys(CHECKS) as (keyof WeighbridgeOptions)[]

/**
 * Validates the user's options and returns a complete copy with defaults filled in. Every mistake
 * is collected (wrong types, out-of-range levels, unknown keys with the closest valid key) and
 * thrown together as one `WeighbridgeOptionsError`.
 */
export function resolveOptions(user: WeighbridgeOptions | undefined = {}): ResolvedOptions {
  if (user === null || typeof user !== 'object' || Array.isArray(user))
    throw new WeighbridgeOptionsError([`options: got ${describeReceived(user)}; expected an object such as { reportFile: 'report.json' }, or nothing`])
  const problems: string[] = []
  const input = user as Record<string, unknown>
  for (const key of Object.keys(input)) {
    if (key in CHECKS) {
      if (input[key] !== undefined)
        CHECKS[key as keyof WeighbridgeOptions](input[key], key, problems)
      continue
    }
    const hint = suggestClosest(key, OPTION_NAMES)
    problems.push(hint
      ? `${key}: unknown option; did you mean '${hint}'?`
      : `${key}: unknown option; valid options are ${OPTION_NAMES.join(', ')}`)
  }
  if (problems.length > 0)
    throw new WeighbridgeOptionsError(problems)

  const pick = <K extends keyof ResolvedOptions>(key: K): ResolvedOptions[K] =>
    (input[key] === undefined ? defaultOptions[key] : input[key]) as ResolvedOptions[K]
  const level = (key: 'gzip' | 'brotli'): number | false => input[key] === true ? defaultOptions[key] : pick(key)
  return {
    reportFile: pick('reportFile'),
    gzip: level('gzip'),
    brotli: level('brotli'),
    cache: pick('cache'),
    summary: pick('summary'),
    logLevel: pick('logLevel'),
    root: pick('root'),
    environments: [...pick('environments')],
    timestamps: pick('timestamps'),
    html: pick('html'),
    budgets: pick('budgets'),
    baseline: pick('baseline'),
    saveBaseline: pick('saveBaseline'),
    configFile: pick('configFile'),
    findings: pick('findings'),
    runtime: pick('runtime'),
    split: pick('split'),
    attribution: pick('attribution'),
  }
}
