/**
 * The `runtime` option: opt-in profiler and leak hooks injected at build time.
 *
 *   weighbridge({ runtime: true })
 *   weighbridge({ runtime: { sampleRate: 0.25, endpoint: true, snapshot: '.weighbridge/runtime.json' } })
 *
 * On in dev servers and development builds when enabled; absent from production builds unless
 * `production: true`.
 */
import { describeReceived } from '../options'

export interface RuntimeOptions {
  /**
   * Fraction of module evaluations and user spans (`__WEIGHBRIDGE__.span`) that are timed.
   * @default 0.1
   */
  sampleRate?: number
  /**
   * Instrument production builds too. Development = the Vite dev server or `--mode development`,
   * webpack/rspack `mode` 'development' or 'none' (unset is 'production'), Rollup/Rolldown watch mode
   * or `NODE_ENV` other than 'production', esbuild without `minify` and without
   * `define: { 'process.env.NODE_ENV': '"production"' }`.
   * @default false
   */
  production?: boolean
  /**
   * Vite dev server: serve `/__weighbridge/runtime` (GET the latest snapshot, POST one), have the
   * page post its snapshot there, save it to `.weighbridge/runtime.json` and print leaks.
   * @default true
   */
  endpoint?: boolean
  /**
   * A saved snapshot to attach to report.json and the HTML report, relative to the project root:
   * the dev server's `.weighbridge/runtime.json`, or the page's raw counters
   * (`JSON.stringify(__WEIGHBRIDGE__.snapshot())`, analysed when read).
   * @default undefined
   */
  snapshot?: string
}

export interface ResolvedRuntimeOptions {
  enabled: boolean
  sampleRate: number
  production: boolean
  endpoint: boolean
  snapshot: string | null
}

export const defaultRuntimeOptions: Readonly<ResolvedRuntimeOptions> = Object.freeze({
  enabled: false,
  sampleRate: 0.1,
  production: false,
  endpoint: true,
  snapshot: null,
})

const KEYS = ['sampleRate', 'production', 'endpoint', 'snapshot']

/** Collects the problems of a user's `runtime` value (the options resolver throws them together). */
export function checkRuntimeOption(value: unknown, path: string, problems: string[]): void {
  if (value === true || value === false) return
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    problems.push(`${path}: got ${describeReceived(value)}; expected true, false or an object such as { sampleRate: 0.1 }`)
    return
  }
  const input = value as Record<string, unknown>
  for (const key of Object.keys(input)) {
    const item = input[key]
    if (item === undefined) continue
    if (!KEYS.includes(key)) problems.push(`${path}.${key}: unknown option; valid options are ${KEYS.join(', ')}`)
    else if (key === 'sampleRate' && (typeof item !== 'number' || !(item >= 0 && item <= 1)))
      problems.push(`${path}.sampleRate: got ${describeReceived(item)}; expected a number from 0 to 1, e.g. 0.1`)
    else if ((key === 'production' || key === 'endpoint') && typeof item !== 'boolean')
      problems.push(`${path}.${key}: got ${describeReceived(item)}; expected true or false`)
    else if (key === 'snapshot' && (typeof item !== 'string' || item.trim() === ''))
      problems.push(`${path}.snapshot: got ${describeReceived(item)}; expected the path of a saved runtime snapshot (JSON)`)
  }
}

/** The runtime settings of an already validated `runtime` value. */
export function resolveRuntimeOptions(value: unknown): ResolvedRuntimeOptions {
  if (value === undefined || value === false || value === null) return { ...defaultRuntimeOptions }
  if (value === true) return { ...defaultRuntimeOptions, enabled: true }
  const input = value as RuntimeOptions
  return {
    enabled: true,
    sampleRate: input.sampleRate ?? defaultRuntimeOptions.sampleRate,
    production: input.production ?? defaultRuntimeOptions.production,
    endpoint: input.endpoint ?? defaultRuntimeOptions.endpoint,
    snapshot: input.snapshot ?? null,
  }
}
