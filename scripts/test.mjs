#!/usr/bin/env node
// Runs the whole suite with vitest, prints its own summary, then one plain closing line
// `N passed, N failed` read from vitest's JSON report, so a run that tested nothing shows.
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, rmSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const resultsFile = `${root}.vitest-results.json`
rmSync(resultsFile, { force: true })
const run = spawnSync(
  process.execPath,
  [`${root}node_modules/vitest/vitest.mjs`, 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${resultsFile}`, ...process.argv.slice(2)],
  { cwd: root, stdio: 'inherit' },
)
let passed = 0
let failed = 0
if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'))
  passed = results.numPassedTests ?? 0
  // Failed tests, plus test files that failed without a failing test (they did not load or run).
  const brokenFiles = (results.testResults ?? []).filter(file => file.status === 'failed'
    && !(file.assertionResults ?? []).some(test => test.status === 'failed')).length
  failed = (results.numFailedTests ?? 0) + brokenFiles
}
else {
  failed = 1
}
console.log(`${passed} passed, ${failed} failed`)
process.exit(run.status ?? 1)
