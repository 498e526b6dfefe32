/**
 * Turns static leak patterns into `Finding`s (rule codes WB-LK001…WB-LK004). A leak costs memory, not
 * bytes: `savings` is zero and `load` is `total`; the ranking figure is the confidence.
 */
import type { Finding } from '../../model'
import type { RuleMeta } from '../types'
import type { LeakPattern, LeakRuleCode } from './scan-leak-patterns'

export const LEAK_RULES: Record<LeakRuleCode, RuleMeta> = {
  'WB-LK001': {
    code: 'WB-LK001',
    title: 'Event listener that is never removed',
    severity: 'warn',
    docs: 'addEventListener with no removeEventListener for the same event type in the same module (or a removal given a different inline function, which never matches). Each call on a long-lived target (window, document, a persistent element) keeps the listener and everything its closure holds. Listeners with { once: true } or { signal } release themselves and are not reported. Fix: remove the listener on teardown, or pass an AbortSignal and abort it.',
  },
  'WB-LK002': {
    code: 'WB-LK002',
    title: 'Interval whose handle is discarded',
    severity: 'warn',
    docs: 'setInterval called as a statement: its handle is thrown away, so clearInterval can never stop it. The callback and its closure stay alive until the page unloads, and each call (a route visit, a dialog opened) adds another. Fix: keep the handle and clear it on teardown.',
  },
  'WB-LK003': {
    code: 'WB-LK003',
    title: 'Observer that is never disconnected',
    severity: 'warn',
    docs: 'A ResizeObserver, MutationObserver or IntersectionObserver created in a module that never calls disconnect() or unobserve(). An observer stays alive as long as an element it observes does, with its callback. Fix: disconnect it on teardown.',
  },
  'WB-LK004': {
    code: 'WB-LK004',
    title: 'Module-level cache that only grows',
    severity: 'info',
    docs: 'A module-level Map, Set or array filled from functions (set/add/push) and never deleted from, cleared, spliced or reset, and not handed to other code. It grows for the life of the page. Fix: bound it, clear it, or use a WeakMap/WeakSet keyed by the objects it describes.',
  },
}

/** Findings for the patterns, one per pattern, sorted by file, line, column. */
export function createLeakFindings(patterns: readonly LeakPattern[]): Finding[] {
  const findings = new Map<string, Finding>()
  for (const pattern of patterns) {
    const id = `${pattern.rule}:${pattern.file}:${pattern.line}:${pattern.column}`
    if (findings.has(id)) continue
    findings.set(id, {
      id,
      rule: pattern.rule,
      severity: LEAK_RULES[pattern.rule].severity,
      title: pattern.title,
      message: pattern.message.startsWith(`${pattern.file}:`)
        ? `${pattern.file}:${pattern.line}:${pattern.column}${pattern.message.slice(pattern.file.length)}`
        : pattern.message,
      modules: [pattern.file],
      packages: [],
      savings: { rawBytes: 0, gzipBytes: 0, brotliBytes: 0 },
      load: 'total',
      confidence: pattern.confidence,
      location: { file: pattern.file, line: pattern.line, column: pattern.column },
      fix: pattern.fix,
      snippet: pattern.snippet,
    })
  }
  return [...findings.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
}
