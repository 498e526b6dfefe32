/**
 * Budget configuration as users write it (in `weighbridge.config.ts` or the plugin's `budgets`
 * option) and its validation into `ResolvedBudget`s. Validation collects every mistake with its
 * config path (`budgets[2].limit: got '12 kbs', expected ...`) instead of stopping at the first.
 */
import type { Limit } from './limits'
import { describeValue, parseCountLimit, parseGrowthLimit, parseSizeLimit } from './limits'

/** A size: `'170 kB'`, `'1.5 MB'`, `'64 KiB'` or a number of bytes (kB = 1,000 bytes, KiB = 1,024). */
export type SizeLimitInput = string | number
/** A growth since the baseline: `'+10 kB'` (absolute) or `'10%'` (relative). */
export type GrowthLimitInput = string | number

export type BudgetMetric = 'raw' | 'gzip' | 'brotli'
/** Which outputs a load or total counts: JS files, CSS files, or both (`all`). */
export type BudgetFileType = 'js' | 'css' | 'all'

interface BudgetLevels<L> {
  /** Shown in messages and the report, e.g. `'Landing page'`. */
  name?: string
  /** Over this the build fails (same as `error`). */
  limit?: L
  /** Over this a warning is printed and the build goes on. */
  warn?: L
  /** Over this the build fails. */
  error?: L
}

interface SizeBudgetBase extends BudgetLevels<SizeLimitInput> {
  /** Which size to compare. @default 'gzip' */
  metric?: BudgetMetric
}

/** Everything an entry (entry chunk or HTML page) fetches before it runs. */
export interface InitialBudget extends SizeBudgetBase {
  kind: 'initial'
  /** Entry name or glob (`'index.html'`, `'admin*'`). @default every entry, each on its own */
  entry?: string
  /** @default 'all' (JS and CSS) */
  type?: BudgetFileType
}

/** The sum of all emitted JS (or CSS) files. */
export interface TotalBudget extends SizeBudgetBase {
  kind: 'total'
  /** `all` counts every emitted file except source maps. @default 'js' */
  type?: BudgetFileType
}

/** Chunks (JS/CSS files carrying modules) whose name or file matches a glob. */
export interface ChunkBudget extends SizeBudgetBase {
  kind: 'chunk'
  /** Glob against the chunk name and its file (`'vendor*'`, `'assets/index-*.js'`). @default every chunk */
  match?: string
  /** Check each matched chunk on its own (`true`) or their sum. @default true */
  each?: boolean
  /** @default 'all' */
  type?: BudgetFileType
}

/** Any emitted file matching a glob. */
export interface OutputBudget extends SizeBudgetBase {
  kind: 'output'
  /** Glob against the file path (`'dist/**\/*.js'`) or, without a slash, its base name. */
  match: string
  /** @default true */
  each?: boolean
}

/** Images, fonts, wasm and other non-code files. */
export interface AssetBudget extends SizeBudgetBase {
  kind: 'asset'
  /** Glob as for `output`. @default every asset */
  match?: string
  /** @default true */
  each?: boolean
}

/** The bundled size of an npm package (all its copies together). */
export interface PackageBudget extends SizeBudgetBase {
  kind: 'package'
  /** Package name or glob (`'lodash'`, `'@mui/*'`). */
  package: string
  /** @default true */
  each?: boolean
}

/** How many modules / chunks / packages / outputs the build ships. */
export interface CountBudget extends BudgetLevels<number | string> {
  kind: 'count'
  of: 'modules' | 'chunks' | 'packages' | 'outputs'
}

/** Growth since the baseline (`baseline` option or `weighbridge check --baseline`). */
export interface GrowthBudget extends BudgetLevels<GrowthLimitInput> {
  kind: 'growth'
  /** What must not grow. @default 'total' */
  of?: 'total' | 'initial' | 'chunk' | 'package'
  /** For `of: 'initial'`: entry name or glob. */
  entry?: string
  /** For `of: 'chunk'`: chunk glob. */
  match?: string
  /** For `of: 'package'`: package name or glob. */
  package?: string
  /** For `of: 'total' | 'initial'`. @default 'all' */
  type?: BudgetFileType
  /** @default 'gzip' */
  metric?: BudgetMetric
}

export type BudgetConfig =
  | InitialBudget
  | TotalBudget
  | ChunkBudget
  | OutputBudget
  | AssetBudget
  | PackageBudget
  | CountBudget
  | GrowthBudget

export type BudgetKind = BudgetConfig['kind']

export const BUDGET_KINDS: readonly BudgetKind[] = ['initial', 'total', 'chunk', 'output', 'asset', 'package', 'count', 'growth']

/** A validated budget: limits parsed, defaults filled in. */
export interface ResolvedBudget {
  /** Config path, e.g. `budgets[2]`. */
  path: string
  kind: BudgetKind
  name: string | null
  /** `count` for count budgets. */
  metric: BudgetMetric | 'count'
  warn: Limit | null
  error: Limit | null
  /** Entry glob (`initial`, `growth` of initial); null = every entry. */
  entry: string | null
  /** Chunk / output / asset glob or package name glob; null = all. */
  match: string | null
  type: BudgetFileType
  each: boolean
  /** `count`: what is counted; `growth`: what is compared. */
  of: 'modules' | 'chunks' | 'packages' | 'outputs' | 'total' | 'initial' | 'chunk' | 'package' | null
}

const COMMON_KEYS = ['kind', 'name', 'limit', 'warn', 'error']
const KIND_KEYS: Record<BudgetKind, string[]> = {
  initial: [...COMMON_KEYS, 'metric', 'entry', 'type'],
  total: [...COMMON_KEYS, 'metric', 'type'],
  chunk: [...COMMON_KEYS, 'metric', 'match', 'each', 'type'],
  output: [...COMMON_KEYS, 'metric', 'match', 'each'],
  asset: [...COMMON_KEYS, 'metric', 'match', 'each'],
  package: [...COMMON_KEYS, 'metric', 'each', 'package'],
  count: [...COMMON_KEYS, 'of'],
  growth: [...COMMON_KEYS, 'metric', 'of', 'entry', 'match', 'package', 'type'],
}

export interface BudgetValidation {
  budgets: ResolvedBudget[]
  /** Every mistake, one line each, starting with its config path. Empty = valid. */
  problems: string[]
}

/**
 * Validates user budget config (any JSON-ish value) into resolved budgets. `basePath` is the config
 * path of the array (`budgets`). Invalid budgets are left out of `budgets` and described in `problems`.
 */
export function validateBudgets(input: unknown, basePath = 'budgets'): BudgetValidation {
  const problems: string[] = []
  const budgets: ResolvedBudget[] = []
  if (input === undefined || input === null)
    return { budgets, problems }
  if (!Array.isArray(input)) {
    problems.push(`${basePath}: got ${describeValue(input)}, expected an array of budgets like [{ kind: 'initial', limit: '170 kB' }]`)
    return { budgets, problems }
  }
  input.forEach((raw, index) => {
    const path = `${basePath}[${index}]`
    const before = problems.length
    const budget = validateBudget(raw, path, problems)
    if (budget && problems.length === before)
      budgets.push(budget)
  })
  return { budgets, problems }
}

function validateBudget(raw: unknown, path: string, problems: string[]): ResolvedBudget | null {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    problems.push(`${path}: got ${describeValue(raw)}, expected a budget object like { kind: 'initial', limit: '170 kB' }`)
    return null
  }
  const budget = raw as Record<string, unknown>
  const kind = budget.kind
  if (typeof kind !== 'string' || !(BUDGET_KINDS as readonly string[]).includes(kind)) {
    const suggestion = typeof kind === 'string' ? suggestClosest(kind, BUDGET_KINDS) : null
    problems.push(`${path}.kind: got ${describeValue(kind)}, expected one of ${BUDGET_KINDS.map(k => `'${k}'`).join(', ')}${suggestion ? `; did you mean '${suggestion}'?` : ''}`)
    return null
  }
  const typedKind = kind as BudgetKind
  const allowedKeys = KIND_KEYS[typedKind]
  for (const key of Object.keys(budget)) {
    if (!allowedKeys.includes(key)) {
      const suggestion = suggestClosest(key, allowedKeys)
      problems.push(`${path}.${key}: unknown option for kind '${typedKind}'${suggestion ? `; did you mean '${suggestion}'?` : `; allowed: ${allowedKeys.join(', ')}`}`)
    }
  }

  const resolved: ResolvedBudget = {
    path,
    kind: typedKind,
    name: null,
    metric: typedKind === 'count' ? 'count' : 'gzip',
    warn: null,
    error: null,
    entry: null,
    match: null,
    type: typedKind === 'total' ? 'js' : 'all',
    each: true,
    of: null,
  }

  if (budget.name !== undefined) {
    if (typeof budget.name !== 'string' || budget.name.trim() === '')
      problems.push(`${path}.name: got ${describeValue(budget.name)}, expected a non-empty string (a label for messages)`)
    else resolved.name = budget.name
  }

  if (typedKind !== 'count' && budget.metric !== undefined) {
    if (budget.metric === 'raw' || budget.metric === 'gzip' || budget.metric === 'brotli')
      resolved.metric = budget.metric
    else problems.push(`${path}.metric: got ${describeValue(budget.metric)}, expected 'raw', 'gzip' or 'brotli'`)
  }

  if (budget.type !== undefined && allowedKeys.includes('type')) {
    if (budget.type === 'js' || budget.type === 'css' || budget.type === 'all')
      resolved.type = budget.type
    else problems.push(`${path}.type: got ${describeValue(budget.type)}, expected 'js', 'css' or 'all'`)
  }

  if (budget.each !== undefined && allowedKeys.includes('each')) {
    if (typeof budget.each === 'boolean')
      resolved.each = budget.each
    else problems.push(`${path}.each: got ${describeValue(budget.each)}, expected true (each on its own) or false (their sum)`)
  }

  const readGlob = (key: string, required: boolean): string | null => {
    const value = budget[key]
    if (value === undefined) {
      if (required)
        problems.push(`${path}.${key}: missing; kind '${typedKind}' needs a ${key === 'package' ? 'package name or glob' : 'glob'} like ${key === 'package' ? `'lodash' or '@mui/*'` : `'assets/*.js'`}`)
      return null
    }
    if (typeof value !== 'string' || value.trim() === '') {
      problems.push(`${path}.${key}: got ${describeValue(value)}, expected a non-empty string (name or glob)`)
      return null
    }
    return value.trim()
  }

  switch (typedKind) {
    case 'initial':
      resolved.entry = readGlob('entry', false)
      break
    case 'chunk':
    case 'asset':
      resolved.match = readGlob('match', false)
      break
    case 'output':
      resolved.match = readGlob('match', true)
      break
    case 'package':
      resolved.match = readGlob('package', true)
      break
    case 'count': {
      const of = budget.of
      if (of === 'modules' || of === 'chunks' || of === 'packages' || of === 'outputs')
        resolved.of = of
      else problems.push(`${path}.of: got ${describeValue(of)}, expected 'modules', 'chunks', 'packages' or 'outputs'`)
      break
    }
    case 'growth': {
      const of = budget.of ?? 'total'
      if (of === 'total' || of === 'initial' || of === 'chunk' || of === 'package')
        resolved.of = of
      else problems.push(`${path}.of: got ${describeValue(of)}, expected 'total', 'initial', 'chunk' or 'package'`)
      resolved.entry = readGlob('entry', false)
      resolved.match = of === 'package' ? readGlob('package', true) : readGlob('match', false)
      const misplaced: [string, string][] = [['entry', 'initial'], ['match', 'chunk'], ['package', 'package']]
      for (const [key, needs] of misplaced) {
        if (budget[key] !== undefined && of !== needs)
          problems.push(`${path}.${key}: only used with of: '${needs}' (this budget has of: '${String(of)}')`)
      }
      break
    }
    case 'total':
      break
  }

  readLevels(budget, path, typedKind, resolved, problems)
  return resolved
}

function readLevels(budget: Record<string, unknown>, path: string, kind: BudgetKind, resolved: ResolvedBudget, problems: string[]): void {
  const parse = kind === 'growth' ? parseGrowthLimit : kind === 'count' ? parseCountLimit : parseSizeLimit
  const read = (key: 'limit' | 'warn' | 'error'): Limit | null => {
    if (budget[key] === undefined)
      return null
    const parsed = parse(budget[key])
    if (typeof parsed === 'string') {
      problems.push(`${path}.${key}: ${parsed}`)
      return null
    }
    return parsed
  }
  const limit = read('limit')
  const error = read('error')
  const warn = read('warn')
  if (budget.limit !== undefined && budget.error !== undefined)
    problems.push(`${path}.limit: set either limit or error (they mean the same: over it the build fails), not both`)
  if (budget.limit === undefined && budget.error === undefined && budget.warn === undefined) {
    const example = kind === 'growth' ? `'+10 kB' or '10%'` : kind === 'count' ? '40' : `'170 kB'`
    problems.push(`${path}: no limit; set limit (fails the build) and/or warn (prints a warning), e.g. limit: ${example}`)
  }
  resolved.error = error ?? limit
  resolved.warn = warn
  if (resolved.warn && resolved.error) {
    if (resolved.warn.unit !== resolved.error.unit)
      problems.push(`${path}.warn: '${resolved.warn.text}' and error '${resolved.error.text}' use different units; use both sizes or both percentages`)
    else if (resolved.warn.value > resolved.error.value)
      problems.push(`${path}.warn: '${resolved.warn.text}' is above the error limit '${resolved.error.text}'; the warn limit should be the lower one`)
  }
}

/** The closest candidate by edit distance, when it is close enough to be a likely typo. */
export function suggestClosest(input: string, candidates: readonly string[]): string | null {
  let best: string | null = null
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = measureEditDistance(input.toLowerCase(), candidate.toLowerCase())
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best !== null && bestDistance <= Math.max(2, Math.floor(best.length / 3)) ? best : null
}

function measureEditDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost)
    }
    previous = current
  }
  return previous[b.length]!
}
