/**
 * `weighbridge.config.{ts,mts,mjs,js,cjs,json}`: the budgets and baseline settings shared by the
 * plugin (read at the end of each build) and the CLI (`weighbridge check`, `baseline`, `budgets`).
 * TypeScript configs load through jiti (no build step, Node 20 has no type stripping).
 * Options given inline to the plugin win over the file.
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import type { BudgetConfig } from '@weighbridge/core'
import { validateBudgets } from '@weighbridge/core'
import { describeReceived, suggestClosest } from './options'

export interface WeighbridgeConfig {
  /** Size budgets; see the README for every kind. */
  budgets?: BudgetConfig[]
  /**
   * The baseline report to compare with (diff, growth budgets, "grew since baseline"), relative to
   * the project root. A missing file is a warning (first run); a broken one fails the build.
   */
  baseline?: string
  /**
   * After the build, save its report as the new baseline: `true` writes to `baseline` (or
   * `.weighbridge/baseline.json`), a string writes there.
   * @default false
   */
  saveBaseline?: boolean | string
}

/** Types a config file: `export default defineConfig({ budgets: [...] })`. */
export function defineConfig(config: WeighbridgeConfig): WeighbridgeConfig {
  return config
}

export const CONFIG_FILE_NAMES = [
  'weighbridge.config.ts',
  'weighbridge.config.mts',
  'weighbridge.config.mjs',
  'weighbridge.config.js',
  'weighbridge.config.cjs',
  'weighbridge.config.json',
] as const

export const DEFAULT_BASELINE_FILE = '.weighbridge/baseline.json'

const CONFIG_KEYS = ['budgets', 'baseline', 'saveBaseline'] as const

/** A config file that cannot be loaded or is invalid; `message` lists every problem, no stack needed. */
export class ConfigFileError extends Error {
  readonly isUserError = true
  readonly problems: string[]
  constructor(readonly file: string, problems: string[]) {
    super(problems.length === 1
      ? `${file}: ${problems[0]}`
      : `${file}: ${problems.length} problems:\n${problems.map(problem => `  - ${problem}`).join('\n')}`)
    this.name = 'ConfigFileError'
    this.problems = problems
    this.stack = `${this.name}: ${this.message}`
  }
}

export interface LoadedConfig {
  /** Absolute path of the file read, or null when there is none. */
  file: string | null
  config: WeighbridgeConfig
}

/** The first `weighbridge.config.*` in `root`, or null. */
export function findConfigFile(root: string): string | null {
  for (const name of CONFIG_FILE_NAMES) {
    const file = path.join(root, name)
    if (existsSync(file))
      return file
  }
  return null
}

/**
 * Loads and validates the config: `explicitFile` when given (relative to root), else the first
 * `weighbridge.config.*` found in `root`, else an empty config. Throws `ConfigFileError`.
 */
export async function loadConfigFile(root: string, explicitFile?: string): Promise<LoadedConfig> {
  const file = explicitFile ? path.resolve(root, explicitFile) : findConfigFile(root)
  if (!file)
    return { file: null, config: {} }
  const shown = path.relative(root, file).replaceAll('\\', '/') || file
  if (!existsSync(file))
    throw new ConfigFileError(shown, [`no such file (looked in ${root}); create it or pass the right path`])
  const raw = file.endsWith('.json') ? readJsonConfig(file, shown) : await importConfig(file, shown)
  return { file, config: validateConfig(raw, shown) }
}

function readJsonConfig(file: string, shown: string): unknown {
  const text = readFileSync(file, 'utf8')
  try {
    return JSON.parse(text)
  }
  catch (error) {
    throw new ConfigFileError(shown, [`not valid JSON (${(error as Error).message}); fix the syntax`])
  }
}

async function importConfig(file: string, shown: string): Promise<unknown> {
  // Running from TypeScript sources (tests, this repo): `import { defineConfig } from 'weighbridge'`
  // in a config resolves to this module, as there is no built package to resolve to.
  const alias: Record<string, string> = import.meta.url.endsWith('.ts') ? { weighbridge: fileURLToPath(import.meta.url) } : {}
  // Imported here, not at the top: jiti costs ~50 ms of start-up that most CLI runs do not need.
  const { createJiti } = await import('jiti')
  const jiti = createJiti(import.meta.url, { moduleCache: false, fsCache: false, interopDefault: true, alias })
  try {
    const loaded = await jiti.import(file, { default: true })
    return typeof loaded === 'function' ? await (loaded as () => unknown)() : loaded
  }
  catch (error) {
    const message = (error as Error).message?.split('\n')[0] ?? String(error)
    throw new ConfigFileError(shown, [`could not be loaded: ${message}`])
  }
}

/** Checks the config's shape and its budgets; every problem is collected. */
export function validateConfig(raw: unknown, shown: string): WeighbridgeConfig {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
    throw new ConfigFileError(shown, [`the default export is ${describeReceived(raw)}; expected an object like export default { budgets: [{ kind: 'initial', limit: '170 kB' }] }`])
  const config = raw as Record<string, unknown>
  const problems: string[] = []
  for (const key of Object.keys(config)) {
    if ((CONFIG_KEYS as readonly string[]).includes(key))
      continue
    const hint = suggestClosest(key, CONFIG_KEYS)
    problems.push(hint
      ? `${key}: unknown setting; did you mean '${hint}'?`
      : `${key}: unknown setting; a config file holds ${CONFIG_KEYS.join(', ')} (other options go to the plugin call)`)
  }
  problems.push(...validateBudgets(config.budgets).problems)
  problems.push(...validateBaselineSettings(config.baseline, config.saveBaseline))
  if (problems.length)
    throw new ConfigFileError(shown, problems)
  return config as WeighbridgeConfig
}

/** Shared by the config file and the plugin options. */
export function validateBaselineSettings(baseline: unknown, saveBaseline: unknown): string[] {
  const problems: string[] = []
  if (baseline !== undefined && (typeof baseline !== 'string' || baseline.trim() === ''))
    problems.push(`baseline: got ${describeReceived(baseline)}; expected the path of a saved report, e.g. '${DEFAULT_BASELINE_FILE}'`)
  if (saveBaseline !== undefined && typeof saveBaseline !== 'boolean' && (typeof saveBaseline !== 'string' || saveBaseline.trim() === ''))
    problems.push(`saveBaseline: got ${describeReceived(saveBaseline)}; expected true, false or the path to save the baseline to`)
  return problems
}

/** Where `saveBaseline` writes: its own path, else `baseline`, else the default. */
export function resolveSaveBaselinePath(config: WeighbridgeConfig): string | null {
  if (!config.saveBaseline)
    return null
  return typeof config.saveBaseline === 'string' ? config.saveBaseline : (config.baseline ?? DEFAULT_BASELINE_FILE)
}
