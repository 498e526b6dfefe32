/**
 * The Weighbridge browser runtime. The build injects it (only when the `runtime` option is on) and
 * tags call sites with the hooks returned by `installRuntime`; the page reads the results from
 * `globalThis.__WEIGHBRIDGE__` (`snapshot()`, `reset()`, `iteration()`, `span()`, `flush()`).
 *
 * The page only collects: `snapshot()` returns the raw counters (`RawRuntimeSnapshot`), and
 * `analyzeRuntimeSnapshot` (node side: the dev-server endpoint, the report, tests) finds the leaks
 * and the heap trend. That keeps what ships to the browser under 3 kB gzip.
 *
 * Nothing here throws into user code: every wrapped API calls the native one first and counts after
 * it. The runtime uses the native timers and `fetch` it captured at install time.
 */
import type { RawRuntimeSnapshot } from './raw-snapshot'
import { observerCreators, patchApis, tag } from './patch-apis'
import { RUNTIME_GLOBAL } from './runtime-global'
import { addHeapSample, addSpan, countAdded, markIteration, registerSites, resetState, takeRawSnapshot } from './state'

export interface RuntimeConfig {
  /** Fraction of module evaluations and user spans measured. @default 0.1 */
  sampleRate?: number
  /** Dev-server URL the snapshot is POSTed to; null = never posted. @default null */
  endpoint?: string | null
  /** How often the snapshot is posted to `endpoint`. @default 5000 */
  flushIntervalMs?: number
}

/** The hooks instrumented modules call (short names: they are written at every call site). */
export interface RuntimeHooks {
  /** Registers a module's sites: `[id, line, column, apiCode, ...]`. */
  r: (file: string, table: number[]) => void
  /** Module evaluation start / end. */
  s: (file: string) => void
  e: (file: string) => void
  /** Tags the call about to run with site `id`; returns `value` (the call's last argument). */
  t: <T>(id: number, value: T) => T
  /** Ends a tagged call (clears a tag no wrapper consumed); returns the call's result. */
  u: <T>(value: T) => T
  /** A tagged `new XObserver()`; returns the observer. */
  n: <T>(id: number, observer: T) => T
  /** A release call ran at site `id`; returns its result. */
  x: <T>(id: number, value: T) => T
}

export interface WeighbridgeRuntime {
  version: 1
  sampleRate: number
  /** The raw counters as JSON-serialisable data; `analyzeRuntimeSnapshot` (node) interprets them. */
  snapshot: () => RawRuntimeSnapshot
  /** Forgets iteration marks, spans and heap samples (live registrations stay counted). */
  reset: () => void
  /** Marks one repetition of the interaction under test (open and close a dialog, visit a route). */
  iteration: () => void
  /** Runs `fn` and, when sampled, records its duration (until settled for a returned promise). */
  span: <T>(name: string, fn: () => T) => T
  /** Posts the snapshot to the dev-server endpoint now (no-op without one). */
  flush: () => Promise<void>
  hooks: RuntimeHooks
}

type RuntimeGlobal = typeof globalThis & { [RUNTIME_GLOBAL]?: WeighbridgeRuntime }

interface PerformanceWithMemory extends Performance {
  memory?: { usedJSHeapSize: number, jsHeapSizeLimit: number }
}

/**
 * Installs the runtime once per realm and returns the hooks; a second install (two bundles on one
 * page) returns the first one's hooks.
 */
export function installRuntime(config: RuntimeConfig = {}): RuntimeHooks {
  const global = globalThis as RuntimeGlobal
  const existing = global[RUNTIME_GLOBAL]
  if (existing && existing.version === 1) return existing.hooks

  const sampleRate = Math.min(1, Math.max(0, config.sampleRate ?? 0.1))
  const endpoint = config.endpoint ?? null
  const perf = global.performance as PerformanceWithMemory | undefined
  const now = (): number => perf ? perf.now() : Date.now()
  const nativeSetInterval = global.setInterval
  const nativeFetch = global.fetch
  const moduleStarts = new Map<string, number>()
  const every = (fn: () => void, ms: number): void => void nativeSetInterval.call(global, fn, ms)

  const hooks: RuntimeHooks = {
    r: registerSites,
    s(file) {
      if (Math.random() < sampleRate) moduleStarts.set(file, now())
    },
    e(file) {
      const start = moduleStarts.get(file)
      if (start !== undefined) {
        moduleStarts.delete(file)
        addSpan('module', file, now() - start)
      }
    },
    t(id, value) {
      tag.pending = id
      return value
    },
    u(value) {
      tag.pending = 0
      return value
    },
    n(id, observer) {
      tag.pending = 0
      if (typeof observer === 'object' && observer !== null) observerCreators.set(observer, id)
      return observer
    },
    x(id, value) {
      tag.pending = 0
      countAdded(id)
      return value
    },
  }

  // Heap figures: `performance.memory` (Chromium, the only engine that gives one synchronously; its
  // `measureUserAgentSpecificMemory` needs cross-origin isolation and exists only where this does).
  let heap: { source: 'performance.memory', limitBytes: number | null } | null = null
  const sampleHeap = (): void => {
    const used = perf?.memory?.usedJSHeapSize
    if (typeof used === 'number') addHeapSample(Math.round(now()), used)
  }
  if (typeof perf?.memory?.usedJSHeapSize === 'number') {
    heap = { source: 'performance.memory', limitBytes: perf.memory.jsHeapSizeLimit || null }
    every(sampleHeap, 2000)
  }

  try {
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) addSpan('longtask', 'longtask', entry.duration)
    }).observe({ type: 'longtask', buffered: true })
  }
  catch {}

  function snapshot(): RawRuntimeSnapshot {
    const href = (global as { location?: { href?: unknown } }).location?.href
    return takeRawSnapshot({ url: typeof href === 'string' ? href : null, sampleRate, takenAtMs: Math.round(now()) }, heap)
  }

  async function flush(): Promise<void> {
    if (endpoint && nativeFetch) {
      try {
        await nativeFetch.call(global, endpoint, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(snapshot()), keepalive: true })
      }
      catch {}
    }
  }

  const runtime: WeighbridgeRuntime = {
    version: 1,
    sampleRate,
    snapshot,
    reset: resetState,
    iteration() {
      sampleHeap()
      markIteration()
      if (endpoint) void flush()
    },
    span(name, fn) {
      if (Math.random() >= sampleRate) return fn()
      const start = now()
      const end = (): void => addSpan('user', String(name), now() - start)
      let result: ReturnType<typeof fn>
      try {
        result = fn()
      }
      catch (error) {
        end()
        throw error
      }
      if (result instanceof Promise) {
        // The caller gets the chained promise: its rejection stays unhandled exactly when theirs would.
        return result.then((value) => {
          end()
          return value
        }, (error) => {
          end()
          throw error
        }) as typeof result
      }
      end()
      return result
    },
    flush,
    hooks,
  }

  patchApis(global)
  Object.defineProperty(global, RUNTIME_GLOBAL, { value: runtime, configurable: true })
  if (endpoint) {
    every(() => void flush(), config.flushIntervalMs ?? 5000)
    global.setTimeout(() => void flush(), 1000)
  }
  return hooks
}
