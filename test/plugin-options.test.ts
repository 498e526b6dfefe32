/**
 * Option validation: every mistake reported at once, before any build starts, in one message that
 * names each option, what it got, what it accepts (and the closest valid key for a typo).
 */
import { existsSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { rollup } from 'rollup'
import { describe, expect, it } from 'vitest'
import { defaultOptions, resolveOptions, WeighbridgeOptionsError } from 'weighbridge'
import weighbridgeRolldown from 'weighbridge/rolldown'
import weighbridgeRollup from 'weighbridge/rollup'
import weighbridgeVite from 'weighbridge/vite'
import { createTempDir, fixtureEntry } from './rollup-family/builds'

function catchError(run: () => unknown): Error {
  try {
    run()
  }
  catch (error) {
    return error as Error
  }
  throw new Error('expected an error')
}

describe('resolveOptions', () => {
  it('fills in the defaults and returns a copy', () => {
    const resolved = resolveOptions()
    expect(resolved).toEqual(defaultOptions)
    expect(resolved).not.toBe(defaultOptions)
    resolved.environments.push('ssr')
    expect(defaultOptions.environments).toEqual(['client'])
    expect(resolveOptions({ gzip: false, brotli: 4, reportFile: false, cache: false }))
      .toMatchObject({ gzip: false, brotli: 4, reportFile: false, cache: false, summary: true })
  })

  it('passes the reserved options through untouched', () => {
    // Options validated by their owners are kept as given (split: issue 8, which rejects unknown keys).
    const split = { out: '.weighbridge/split.mjs', goals: { maxInitialRequests: 4 } }
    expect(resolveOptions({ split }).split).toBe(split)
    expect(() => resolveOptions({ split: { strategy: 'vendor' } as never })).toThrow(/split\.strategy: unknown key/)
  })

  it('collects every mistake into one readable error', () => {
    const error = catchError(() => resolveOptions({
      reportFiel: 'stats/report.json',
      gzip: 'high',
      brotli: 12,
      cache: 42,
      summary: 'yes',
      logLevel: 'inof',
      environments: 'client',
      colour: true,
    } as never))
    expect(error).toBeInstanceOf(WeighbridgeOptionsError)
    const problems = (error as WeighbridgeOptionsError).problems
    expect(problems).toEqual([
      `reportFiel: unknown option; did you mean 'reportFile'?`,
      `gzip: got "high" (string); expected a gzip level from 0 to 9, or false to turn it off`,
      `brotli: got 12 (number); expected a brotli quality from 0 to 11, or false to turn it off`,
      `cache: got 42 (number); expected the cache directory (a non-empty path string), or false`,
      `summary: got "yes" (string); expected true or false`,
      `logLevel: got "inof" (string); expected one of 'silent', 'error', 'warn', 'info' (did you mean 'info'?)`,
      `environments: got "client" (string); expected an array of Vite environment names, e.g. ['client']`,
      expect.stringMatching(/^colour: unknown option; valid options are reportFile, gzip, brotli, /),
    ])
    expect(error.message.split('\n')[0]).toBe('8 invalid Weighbridge options:')
    for (const problem of problems)
      expect(error.message).toContain(`  - ${problem}`)
    // A user error: no stack trace under the message.
    expect(error.stack).not.toMatch(/\n\s+at /)
  })

  it('takes attribution \'auto\' (the default) or \'sourcemap\', and names both on a mistake', () => {
    expect(resolveOptions().attribution).toBe('auto')
    expect(resolveOptions({ attribution: 'sourcemap' }).attribution).toBe('sourcemap')
    expect(resolveOptions({ attribution: undefined }).attribution).toBe('auto')
    const expected = `expected 'auto' (align minified code, no source map) or 'sourcemap' (hidden source maps: exact, slower)`
    expect((catchError(() => resolveOptions({ attribution: 'sourcemaps' as never })) as WeighbridgeOptionsError).problems)
      .toEqual([`attribution: got "sourcemaps" (string); ${expected} (did you mean 'sourcemap'?)`])
    expect((catchError(() => resolveOptions({ attribution: true as never })) as WeighbridgeOptionsError).problems)
      .toEqual([`attribution: got true (boolean); ${expected}`])
    expect(() => weighbridgeVite({ attribution: 'exact' as never })).toThrowError(/attribution: got "exact" \(string\)/)
  })

  it('rejects options that are not an object', () => {
    expect(catchError(() => resolveOptions('report.json' as never)).message)
      .toBe(`Invalid Weighbridge option:\n  - options: got "report.json" (string); expected an object such as { reportFile: 'report.json' }, or nothing`)
  })

  it('fails when the plugin is created, for every bundler entry, so no build starts', async () => {
    for (const create of [weighbridgeVite, weighbridgeRollup, weighbridgeRolldown])
      expect(() => create({ gzp: 9 } as never)).toThrowError(/gzp: unknown option; did you mean 'gzip'\?/)
    const dir = createTempDir('plugin-options')
    const outDir = path.join(dir, 'out')
    await expect(async () => {
      const bundle = await rollup({ input: fixtureEntry, plugins: [weighbridgeRollup({ reportFile: 7 } as never)] })
      await bundle.write({ dir: outDir })
    }).rejects.toThrowError('Invalid Weighbridge option:\n  - reportFile: got 7 (number); expected the report.json path (a non-empty path string), or false')
    expect(existsSync(outDir)).toBe(false)
  })

  it('documents a @default for every option', () => {
    const source = readFileSync(path.resolve(import.meta.dirname, '../packages/weighbridge/src/options.ts'), 'utf8')
    const optionsInterface = source.slice(source.indexOf('export interface WeighbridgeOptions'), source.indexOf('export interface ResolvedOptions'))
    const documented = [...optionsInterface.matchAll(/@default [^\n]+\n\s+\*\/\n\s+(\w+)\?:/g)].map(match => match[1])
    expect(documented.sort()).toEqual(Object.keys(defaultOptions).sort())
  })
})
