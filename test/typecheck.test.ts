import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { expect, it } from 'vitest'

const root = fileURLToPath(new URL('..', import.meta.url))

// The whole workspace (packages, tests, bench, example app) must typecheck under the strict base
// tsconfig: a type error anywhere fails the suite, with tsc's own lines as the message.
it('typechecks the workspace with tsc --noEmit', () => {
  const run = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.json', '--noEmit', '--pretty', 'false'], { cwd: root, encoding: 'utf8' })
  const errors = `${run.stdout}${run.stderr}`.split('\n').filter(line => line.includes('error TS'))
  expect(errors).toEqual([])
  expect(run.status).toBe(0)
}, 240_000)
