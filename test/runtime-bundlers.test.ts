/**
 * The runtime wired into webpack, Rspack (the runtime becomes the first import of every entry) and
 * esbuild (`inject`): a development build of test/fixtures/runtime-app/src/bundler-entry.js runs
 * the runtime before the entry's first import (checked by running the emitted bundle in a fresh
 * `node:vm` realm: `record-runtime.js`, which is not instrumented, records whether `__WEIGHBRIDGE__`
 * already existed) and tags the interval at its source line in `bundler-timer.js`; a production build of the same entry contains none of the runtime
 * (checked on the emitted file) and the entry finds no runtime.
 */
import type { RawRuntimeSnapshot } from '@weighbridge/runtime'
import fs from 'node:fs'
import path from 'node:path'
import vm from 'node:vm'
import { rspack } from '@rspack/core'
import { analyzeRuntimeSnapshot } from '@weighbridge/runtime'
import * as esbuild from 'esbuild'
import { beforeAll, describe, expect, it } from 'vitest'
import webpack from 'webpack'
import weighbridgeEsbuild from 'weighbridge/esbuild'
import weighbridgeRspack from 'weighbridge/rspack'
import weighbridgeWebpack from 'weighbridge/webpack'
import { copyRuntimeFixture, RUNTIME_FIXTURE } from './runtime-helpers'

const ENTRY = 'src/bundler-entry.js'
const TIMER = 'src/bundler-timer.js'
const RUNTIME_MARKERS = ['__WEIGHBRIDGE__', 'installRuntime', 'FinalizationRegistry', 'weighbridge/runtime', '__wb$']
const PLUGIN_OPTIONS = { runtime: true, reportFile: false, summary: false, cache: false, gzip: false, brotli: false } as never

type Mode = 'development' | 'production'
type Bundler = 'webpack' | 'rspack' | 'esbuild'

let root: string

function compileWebpackLike(bundler: 'webpack' | 'rspack', mode: Mode): Promise<string> {
  const outDir = path.join(root, '..', `${bundler}-${mode}`)
  const config = {
    mode,
    context: root,
    devtool: false as const,
    entry: { main: `./${ENTRY}` },
    output: { path: outDir, filename: 'main.js' },
    plugins: [(bundler === 'webpack' ? weighbridgeWebpack : weighbridgeRspack)(PLUGIN_OPTIONS)],
    infrastructureLogging: { level: 'none' as const },
  }
  interface RunnableCompiler {
    run: (callback: (error: Error | null, stats?: { hasErrors: () => boolean, toString: () => string }) => void) => void
    close: (callback: () => void) => void
  }
  const compiler = (bundler === 'webpack' ? webpack(config as never) : rspack(config as never)) as unknown as RunnableCompiler
  return new Promise((resolve, reject) => {
    compiler.run((error, stats) => {
      compiler.close(() => {})
      if (error || !stats || stats.hasErrors()) return reject(error ?? new Error(stats?.toString() ?? `${bundler} gave no stats`))
      resolve(fs.readFileSync(path.join(outDir, 'main.js'), 'utf8'))
    })
  })
}

async function compileEsbuild(mode: Mode): Promise<string> {
  const outfile = path.join(root, '..', `esbuild-${mode}`, 'main.js')
  await esbuild.build({
    absWorkingDir: root,
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    outfile,
    minify: mode === 'production',
    logLevel: 'silent',
    plugins: [weighbridgeEsbuild(PLUGIN_OPTIONS)],
  })
  return fs.readFileSync(outfile, 'utf8')
}

/** Runs a bundle in a fresh realm with the few globals the runtime and the entry use. */
function runBundle(code: string): vm.Context {
  const context = vm.createContext({ setInterval, clearInterval, setTimeout, clearTimeout, EventTarget, Event, performance, FinalizationRegistry, WeakMap, console })
  vm.runInContext(code, context)
  return context
}

function lineOf(needle: string): number {
  const text = fs.readFileSync(path.join(RUNTIME_FIXTURE, TIMER), 'utf8')
  return text.slice(0, text.indexOf(needle)).split('\n').length
}

const outputs = {} as Record<`${Bundler}-${Mode}`, string>

beforeAll(async () => {
  root = copyRuntimeFixture('runtime-bundlers')
  for (const mode of ['development', 'production'] as const) {
    outputs[`webpack-${mode}`] = await compileWebpackLike('webpack', mode)
    outputs[`rspack-${mode}`] = await compileWebpackLike('rspack', mode)
    outputs[`esbuild-${mode}`] = await compileEsbuild(mode)
  }
})

describe.each(['webpack', 'rspack', 'esbuild'] as const)('%s', (bundler) => {
  it('a development build runs the runtime before the entry and tags its sites', () => {
    const code = outputs[`${bundler}-development`]
    expect(code).toContain('installRuntime(')
    // One copy of the runtime (esbuild's inject file and the tagged module share it).
    expect(code.split('function installRuntime(').length - 1).toBe(1)
    const context = runBundle(code)
    expect(context.runtimeInstalledFirst).toBe(true)
    expect(context.pollsSeen).toBe(0)
    const snapshot = analyzeRuntimeSnapshot((context.__WEIGHBRIDGE__ as { snapshot: () => RawRuntimeSnapshot }).snapshot())
    const interval = snapshot.sites.find(site => site.api === 'setInterval')
    expect(interval).toMatchObject({ file: TIMER, line: lineOf('setInterval('), column: 22, added: 1, released: 1, live: 0 })
    expect(snapshot.sites.find(site => site.api === 'clearInterval')).toMatchObject({ file: TIMER, line: lineOf('clearInterval('), added: 1 })
  })

  it('a production build contains none of the runtime', () => {
    const code = outputs[`${bundler}-production`]
    expect(code).toContain('BRIDGE__')
    expect(RUNTIME_MARKERS.filter(marker => code.includes(marker))).toEqual([])
    const context = runBundle(code)
    expect(context.runtimeInstalledFirst).toBe(false)
    expect(context.__WEIGHBRIDGE__).toBeUndefined()
  })
})

// esbuild hands plugins raw TypeScript: the transform must still tag its sites (oxc-parser reads TS).
it('esbuild: a development build of a TypeScript module tags its sites at their source lines', async () => {
  const source = [
    'interface Ticker { handle: ReturnType<typeof setInterval> | null }',
    'const ticker: Ticker = { handle: null }',
    'ticker.handle = setInterval((): void => {}, 1000) as ReturnType<typeof setInterval>',
    'clearInterval(ticker.handle as ReturnType<typeof setInterval>)',
    'export const typed = true',
  ].join('\n')
  fs.writeFileSync(path.join(root, 'src/typed-timer.ts'), source)
  const outfile = path.join(root, '..', 'esbuild-typed', 'main.js')
  await esbuild.build({ absWorkingDir: root, entryPoints: ['src/typed-timer.ts'], bundle: true, format: 'iife', outfile, logLevel: 'silent', plugins: [weighbridgeEsbuild(PLUGIN_OPTIONS)] })
  const context = runBundle(fs.readFileSync(outfile, 'utf8'))
  const snapshot = analyzeRuntimeSnapshot((context.__WEIGHBRIDGE__ as { snapshot: () => RawRuntimeSnapshot }).snapshot())
  expect(snapshot.sites.find(site => site.api === 'setInterval')).toMatchObject({ file: 'src/typed-timer.ts', line: 3, added: 1, released: 1, live: 0 })
  expect(snapshot.sites.find(site => site.api === 'clearInterval')).toMatchObject({ file: 'src/typed-timer.ts', line: 4, added: 1 })
})
