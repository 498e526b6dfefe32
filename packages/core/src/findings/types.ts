/**
 * The shape of a findings rule: `meta` (stable code, title, default severity, long help) plus a pure
 * `check(report, ctx)` returning drafts. The runner (`run-findings.ts`) stamps code, id and severity,
 * applies the user's silencing and sorts by gzip savings.
 */
import type { Finding, Report, Severity } from '../model'
import type { FindingsContext } from './context'

export interface RuleMeta {
  /** Stable code, e.g. `WB-TS001`. Never reused for another meaning. */
  code: string
  title: string
  severity: Severity
  /** Long help shown in the report and docs: what the rule looks for, why it costs, how to fix it. */
  docs: string
}

/** What a rule returns; the runner adds `id` (code + subject), `rule` and `severity`. */
export interface FindingDraft extends Omit<Finding, 'id' | 'rule' | 'severity' | 'title'> {
  /** What the finding is about (package folder, module id...): `id` = `${code}:${subject}`. */
  subject: string
  /** Defaults to the rule's title. */
  title?: string
  /** A sibling rule's code when one check reports under several codes (WB-LL001 also reports WB-LL002). */
  rule?: string
}

export interface FindingsRule {
  meta: RuleMeta
  check: (report: Report, ctx: FindingsContext) => FindingDraft[]
}

/** Per-rule setting: `'off'`, another severity, or an object with both. */
export type RuleSetting = 'off' | Severity | { severity?: Severity | 'off' }

export interface FindingsIgnore {
  /** Rule code(s) the silencing applies to. @default every rule */
  rule?: string | string[]
  /**
   * Glob(s) against module ids, package folders, package names and the finding's location file
   * (`'src/legacy/**'`, `'**\/node_modules/moment/**'`, `'moment'`). A finding is silenced when its
   * location file matches, when every module it names matches, or when any package it names matches.
   */
  modules: string | string[]
}

export interface FindingsOptions {
  /** Turn the findings step off entirely. @default true */
  enabled?: boolean
  /** Silence or re-grade rules by code: `{ 'WB-TS004': 'off', 'WB-DP001': 'error' }`. @default {} */
  rules?: Record<string, RuleSetting>
  /** Silence findings about some modules or packages, for all rules or some. @default [] */
  ignore?: (string | FindingsIgnore)[]
  /** Lazy-load candidates smaller than this (gzip bytes) are not reported. @default 1000 */
  minLazyGzipBytes?: number
  /** More than this many modules under one locale folder (`moment/locale/`) count as "all locales". @default 10 */
  minLocaleModules?: number
}

export interface ResolvedFindingsOptions {
  enabled: boolean
  rules: Record<string, RuleSetting>
  ignore: FindingsIgnore[]
  minLazyGzipBytes: number
  minLocaleModules: number
}

export const defaultFindingsOptions: ResolvedFindingsOptions = {
  enabled: true,
  rules: {},
  ignore: [],
  minLazyGzipBytes: 1000,
  minLocaleModules: 10,
}
