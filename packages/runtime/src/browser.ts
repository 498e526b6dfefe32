/**
 * The browser entry of the runtime: only what the build injects into the page (collection). The
 * analysis of what it collected lives in the node entry (`analyzeRuntimeSnapshot`).
 */
export { installRuntime } from './install-runtime'
