/**
 * The goals a split plan weighs, their defaults, and their validation.
 *
 * Goals the user sets are promises: when the plan cannot meet one, planning fails with a
 * `SplitPlanError` naming the goal, the measured figure and the fix. Defaults are best effort: an
 * unmet default becomes a note in the plan.
 */

/** Bundlers a split configuration can be written for (esbuild: no manual chunking, advice only). */
export type SplitTarget = 'vite' | 'rollup' | 'rolldown' | 'webpack' | 'rspack' | 'esbuild'

export const SPLIT_TARGETS: readonly SplitTarget[] = ['vite', 'rollup', 'rolldown', 'webpack', 'rspack', 'esbuild']

export interface SplitGoals {
  /**
   * No planned chunk smaller than this (raw bytes of its JS and CSS as emitted, minified): smaller
   * groups are merged with the group whose merge adds the fewest bytes to the loads (or, for
   * webpack/rspack, left to be duplicated into the chunks that use them). Entry and route chunks
   * are exempt: a bundler cannot merge them away.
   * @default 20_000 (best effort)
   */
  minChunkBytes?: number
  /**
   * At most this many JS and CSS files in any entry's initial load (the HTML page itself not counted).
   * @default undefined (no limit)
   */
  maxInitialRequests?: number
  /**
   * Long-lived vendor groups: npm packages go to their own chunks (when at least minChunkBytes),
   * split by how often they changed between the baseline reports (version or code changes; a
   * prerelease or 0.x version counts as changing), so a deploy that only changes app code keeps
   * them cached. Needs baselines: without them the plan keeps packages with the code that loads
   * them (a separate chunk costs a request on every visit, its benefit is unknown).
   * @default true
   */
  vendorGroups?: boolean
  /**
   * How much a byte added to an initial load weighs against a byte added to a lazy route's load when
   * a merge has to add code to loads (smaller initial loads per entry/page).
   * @default 10
   */
  initialWeight?: number
  /**
   * Code shared only by lazy routes is never merged into an initial load.
   * @default true
   */
  lazySharedOutOfInitial?: boolean
}

export interface ResolvedSplitGoals {
  minChunkBytes: number
  maxInitialRequests: number | null
  vendorGroups: boolean
  initialWeight: number
  lazySharedOutOfInitial: boolean
  /** Goals the user set (hard: unmet = error), as opposed to defaults (soft: unmet = note). */
  explicit: { minChunkBytes: boolean, maxInitialRequests: boolean }
}

export const DEFAULT_MIN_CHUNK_BYTES = 20_000

/** Thrown when the plan cannot be made: bad goals, goals that conflict, a report it cannot use. */
export class SplitPlanError extends Error {
  readonly isUserError = true
  /** `goals`: the goals are wrong or cannot be met together; `input`: the report cannot be planned. */
  readonly kind: 'goals' | 'input'

  constructor(message: string, kind: 'goals' | 'input' = 'input') {
    super(message)
    this.kind = kind
    this.name = 'SplitPlanError'
    this.stack = `${this.name}: ${message}`
  }
}

const GOAL_NAMES = ['minChunkBytes', 'maxInitialRequests', 'vendorGroups', 'initialWeight', 'lazySharedOutOfInitial'] as const

function describe(value: unknown): string {
  if (value === undefined)
    return 'undefined'
  try {
    return `${JSON.stringify(value)} (${Array.isArray(value) ? 'array' : typeof value})`
  }
  catch {
    return String(value)
  }
}

/**
 * Checks goals given by a user (`split.goals`, CLI flags). Returns every problem as one line naming
 * the goal, what was received and what is expected; and the goals with defaults filled in.
 */
export function resolveSplitGoals(input: unknown, path = 'goals'): { goals: ResolvedSplitGoals, problems: string[] } {
  const problems: string[] = []
  const goals: ResolvedSplitGoals = {
    minChunkBytes: DEFAULT_MIN_CHUNK_BYTES,
    maxInitialRequests: null,
    vendorGroups: true,
    initialWeight: 10,
    lazySharedOutOfInitial: true,
    explicit: { minChunkBytes: false, maxInitialRequests: false },
  }
  if (input === undefined || input === null)
    return { goals, problems }
  if (typeof input !== 'object' || Array.isArray(input)) {
    problems.push(`${path}: got ${describe(input)}; expected an object such as { minChunkBytes: 20000, maxInitialRequests: 4 }`)
    return { goals, problems }
  }
  const record = input as Record<string, unknown>
  for (const key of Object.keys(record)) {
    if (!(GOAL_NAMES as readonly string[]).includes(key))
      problems.push(`${path}.${key}: unknown goal; valid goals are ${GOAL_NAMES.join(', ')}`)
  }
  const { minChunkBytes, maxInitialRequests, vendorGroups, initialWeight, lazySharedOutOfInitial } = record
  if (minChunkBytes !== undefined) {
    if (typeof minChunkBytes !== 'number' || !Number.isInteger(minChunkBytes) || minChunkBytes < 0)
      problems.push(`${path}.minChunkBytes: got ${describe(minChunkBytes)}; expected a whole number of bytes, 0 or more (e.g. 20000)`)
    else
      Object.assign(goals, { minChunkBytes }, { explicit: { ...goals.explicit, minChunkBytes: true } })
  }
  if (maxInitialRequests !== undefined) {
    if (typeof maxInitialRequests !== 'number' || !Number.isInteger(maxInitialRequests) || maxInitialRequests < 1)
      problems.push(`${path}.maxInitialRequests: got ${describe(maxInitialRequests)}; expected a whole number, 1 or more (e.g. 6)`)
    else
      Object.assign(goals, { maxInitialRequests }, { explicit: { ...goals.explicit, maxInitialRequests: true } })
  }
  if (vendorGroups !== undefined) {
    if (typeof vendorGroups !== 'boolean')
      problems.push(`${path}.vendorGroups: got ${describe(vendorGroups)}; expected true or false`)
    else
      goals.vendorGroups = vendorGroups
  }
  if (initialWeight !== undefined) {
    if (typeof initialWeight !== 'number' || !Number.isFinite(initialWeight) || initialWeight < 1)
      problems.push(`${path}.initialWeight: got ${describe(initialWeight)}; expected a number, 1 or more (e.g. 10)`)
    else
      goals.initialWeight = initialWeight
  }
  if (lazySharedOutOfInitial !== undefined) {
    if (typeof lazySharedOutOfInitial !== 'boolean')
      problems.push(`${path}.lazySharedOutOfInitial: got ${describe(lazySharedOutOfInitial)}; expected true or false`)
    else
      goals.lazySharedOutOfInitial = lazySharedOutOfInitial
  }
  return { goals, problems }
}
