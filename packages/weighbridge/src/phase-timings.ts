/**
 * Opt-in durations of the plugin's phases (collect, buildReport's own steps, findings, budgets,
 * write json, html, split, summary), printed after each build when `WEIGHBRIDGE_DEBUG` contains
 * `timings`. Off, it costs one branch per phase.
 */
import { performance } from 'node:perf_hooks'

export interface PhaseTimings {
  readonly enabled: boolean
  /** Adds `durationMs` to `phase` (phases keep the order they were first seen in). */
  record: (phase: string, durationMs: number) => void
  /** Runs `work` (sync or async) and records how long it took, also when it throws. */
  time: <T>(phase: string, work: () => T) => T
  /** Adds a short fact to the end of the line (`14 files compressed`). */
  note: (text: string) => void
  /** `weighbridge timings: total 812 ms · collect 40 ms · measure 610 ms ...`, or null when off. */
  format: () => string | null
}

/** Whether the env asks for timings: `WEIGHBRIDGE_DEBUG=timings` (a comma list may name more). */
export function isTimingsRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  return (env.WEIGHBRIDGE_DEBUG ?? '').split(/[\s,]+/).includes('timings')
}

function formatMs(durationMs: number): string {
  return durationMs >= 10 ? `${Math.round(durationMs)} ms` : `${durationMs.toFixed(1)} ms`
}

export function createPhaseTimings(enabled: boolean): PhaseTimings {
  const durations = new Map<string, number>()
  const notes: string[] = []
  const record = (phase: string, durationMs: number): void => {
    if (enabled)
      durations.set(phase, (durations.get(phase) ?? 0) + durationMs)
  }
  return {
    enabled,
    record,
    note(text) {
      if (enabled)
        notes.push(text)
    },
    time(phase, work) {
      if (!enabled)
        return work()
      const startMs = performance.now()
      const done = (): void => record(phase, performance.now() - startMs)
      let result: ReturnType<typeof work>
      try {
        result = work()
      }
      catch (error) {
        done()
        throw error
      }
      if (result instanceof Promise)
        return result.finally(done) as typeof result
      done()
      return result
    },
    format() {
      if (!enabled)
        return null
      // Sub-phases (`buildReport.measure`) are part of their parent's time: the total counts top levels only.
      let totalMs = 0
      for (const [phase, durationMs] of durations) {
        if (!phase.includes('.'))
          totalMs += durationMs
      }
      // Sub-phases under 5 ms (most findings rules) would only make the line longer.
      const parts = [...durations]
        .filter(([phase, durationMs]) => !phase.includes('.') || durationMs >= 5)
        .map(([phase, durationMs]) => `${phase} ${formatMs(durationMs)}`)
      return `weighbridge timings: total ${formatMs(totalMs)} · ${[...parts, ...notes].join(' · ')}`
    },
  }
}
