/**
 * Runs a webpack or Rspack compiler once, closes it, and fails with the bundler's own message when
 * it reports errors: the build step of the tests that drive those bundlers through their JS API.
 */
export interface RunnableStats {
  hasErrors: () => boolean
  toString: () => string
}

export interface RunnableCompiler<S extends RunnableStats = RunnableStats> {
  run: (callback: (error: Error | null, stats?: S) => void) => void
  close: (callback: () => void) => void
}

export function runCompiler<S extends RunnableStats>(compiler: RunnableCompiler<S>): Promise<S> {
  return new Promise((resolve, reject) => compiler.run((error, stats) => {
    compiler.close(() => {})
    if (error || !stats || stats.hasErrors())
      reject(error ?? new Error(stats?.toString() ?? 'the bundler gave no stats'))
    else resolve(stats)
  }))
}
