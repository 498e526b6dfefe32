/**
 * The report UI prints sizes with core's formatter, not a copy: the client bundle (the same esbuild
 * options as every report) takes `formatBytes` from packages/core/src/format-bytes.ts, pulls in no
 * Node built-in, and that file, bundled alone for the browser, runs in a bare VM context (no
 * `require`, no `process`) and prints exactly what the Node side prints.
 */
import { fileURLToPath } from 'node:url'
import { createContext, runInContext } from 'node:vm'
import { build } from 'esbuild'
import { describe, expect, it } from 'vitest'
import { formatBytes, formatDeltaBytes } from '@weighbridge/core'
import { CLIENT_BUILD_OPTIONS } from '../src/client-bundle'
import * as reportFormat from '../src/format'
import * as reportIndex from '../src/index'

const clientEntry = fileURLToPath(new URL('../src/client/main.ts', import.meta.url))
const coreFormatFile = fileURLToPath(new URL('../../core/src/format-bytes.ts', import.meta.url))

describe('the report UI formats sizes with core', () => {
  it('bundles core\'s format-bytes.ts into the client and no Node built-in', async () => {
    const result = await build({ ...CLIENT_BUILD_OPTIONS, entryPoints: [clientEntry], metafile: true })
    const inputs = Object.keys(result.metafile.inputs)
    expect(inputs.filter(input => input.endsWith('core/src/format-bytes.ts'))).toHaveLength(1)
    // Only the formatter comes from core: the rest of core (zlib, workers, fs) stays out of the page.
    expect(inputs.filter(input => /core\/src\//.test(input))).toEqual(inputs.filter(input => input.endsWith('core/src/format-bytes.ts')))
    expect(inputs.filter(input => input.startsWith('node:') || /^(fs|path|zlib|worker_threads)$/.test(input))).toEqual([])
    expect(result.outputFiles![0]!.text).toContain(' kB')
  })

  it('has no formatter of its own left', () => {
    expect(Object.keys(reportFormat).sort()).toEqual(['formatCount', 'formatPercent'])
    expect(reportIndex.formatBytes).toBe(formatBytes)
    expect(reportIndex.formatDeltaBytes).toBe(formatDeltaBytes)
  })

  it('runs in a bare browser-like context and prints what Node prints', async () => {
    const result = await build({ entryPoints: [coreFormatFile], bundle: true, platform: 'browser', format: 'iife', globalName: 'weighbridgeFormat', write: false, metafile: true, logLevel: 'silent' })
    expect(Object.keys(result.metafile.inputs)).toHaveLength(1)
    const sandbox = createContext({}) as { weighbridgeFormat?: { formatBytes: typeof formatBytes, formatDeltaBytes: typeof formatDeltaBytes } }
    runInContext(result.outputFiles[0]!.text, sandbox)
    const bundled = sandbox.weighbridgeFormat!
    for (const bytes of [0, 999, 999.5, 212_400, 999_949, 999_950, 999_960, 1_250_000, 999_995_000, -340, null]) {
      expect(bundled.formatBytes(bytes)).toBe(formatBytes(bytes))
      expect(bundled.formatDeltaBytes(bytes)).toBe(formatDeltaBytes(bytes))
    }
    expect(bundled.formatBytes(999_960)).toBe('1.00 MB')
  })
})
