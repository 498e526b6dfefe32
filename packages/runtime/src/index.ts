/**
 * `@weighbridge/runtime`: the opt-in profiler and leak hooks.
 *
 * - Browser (`@weighbridge/runtime/browser`, injected by the build): `installRuntime` wraps the APIs
 *   and collects raw counters; `globalThis.__WEIGHBRIDGE__.snapshot()` returns them as a
 *   `RawRuntimeSnapshot`.
 * - Node (this entry): `analyzeRuntimeSnapshot` turns a raw snapshot into the `RuntimeSnapshot` of
 *   report.json (leaks, heap trend), plus the site-table codes the transform writes.
 */
export { analyzeRuntimeSnapshot, describeRawSnapshotProblem, isRawRuntimeSnapshot, LEAK_GROWTH_PER_ITERATION, MIN_LEAK_ITERATIONS } from './analyze-snapshot'
export { installRuntime } from './install-runtime'
export type { RuntimeConfig, RuntimeHooks, WeighbridgeRuntime } from './install-runtime'
export type { RawRuntimeSnapshot, RawSpan } from './raw-snapshot'
export { getSiteApiCode, RUNTIME_GLOBAL, SITE_APIS } from './site-apis'
export { estimateTheilSenSlope } from './theil-sen'
export type { SlopeEstimate } from './theil-sen'
