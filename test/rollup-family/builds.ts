/**
 * Builds the rollup-family fixtures with the real Rollup 4, Rolldown and Vite 8, with or without
 * Weighbridge, each into its own directory under test/.tmp/. Also reads the emitted chunk graph
 * back from the files on disk (es-module-lexer), independently of any bundler or plugin output.
 */
import type { Plugin as RollupPlugin } from 'rollup'
import { mkdirSync, readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import commonjs from '@rollup/plugin-commonjs'
import nodeResolve from '@rollup/plugin-node-resolve'
import { init, parse } from 'es-module-lexer'
import { rolldown } from 'rolldown'
import { rollup } from 'rollup'
import { build as viteBuild } from 'vite'

export const testRoot = path.resolve(import.meta.dirname, '..')
export const fixtureRoot = path.join(testRoot, 'fixtures/rollup-family')
export const cssOnlyFixtureRoot = path.join(testRoot, 'fixtures/rollup-family-css-only')
export const fixtureEntry = path.join(fixtureRoot, 'src/main.js')

let tempCounter = 0
export function createTempDir(label: string): string {
  const dir = path.join(testRoot, '.tmp', `${label}-${process.pid}-${Date.now().toString(36)}-${++tempCounter}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

/** Rollup and Rolldown have no CSS support: emit each imported stylesheet as an asset. */
export function cssAsAssetPlugin(): RollupPlugin {
  return {
    name: 'test:css-as-asset',
    load(id) {
      if (!id.endsWith('.css'))
        return null
      this.emitFile({ type: 'asset', name: path.basename(id), source: readFileSync(id) })
      return { code: 'export default undefined', moduleType: 'js' } as { code: string }
    },
  }
}

type AnyPlugin = object

export async function buildWithRollup(outDir: string, plugins: AnyPlugin[]): Promise<void> {
  const bundle = await rollup({
    input: fixtureEntry,
    plugins: [cssAsAssetPlugin(), nodeResolve(), commonjs(), ...plugins as RollupPlugin[]],
    onwarn: () => {},
  })
  try {
    await bundle.write({ dir: outDir, format: 'es' })
  }
  finally {
    await bundle.close()
  }
}

export async function buildWithRolldown(outDir: string, plugins: AnyPlugin[]): Promise<void> {
  const bundle = await rolldown({
    input: fixtureEntry,
    cwd: fixtureRoot,
    plugins: [cssAsAssetPlugin() as never, ...plugins as never[]],
    onwarn: () => {},
  })
  try {
    await bundle.write({ dir: outDir, format: 'es', minify: true })
  }
  finally {
    await bundle.close()
  }
}

export async function buildWithVite(root: string, outDir: string, plugins: AnyPlugin[]): Promise<void> {
  await viteBuild({
    root,
    configFile: false,
    logLevel: 'silent',
    build: { outDir, emptyOutDir: true, assetsInlineLimit: 0 },
    plugins: plugins as never[],
  })
}

/** Every file under `dir`, as POSIX paths relative to it. */
export function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(path.join(dir, prefix), { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory() ? listFiles(dir, path.posix.join(prefix, entry.name)) : [path.posix.join(prefix, entry.name)])
}

export interface EmittedChunkGraph {
  /** JS file (relative to the out dir) → JS files it imports statically. */
  imports: Map<string, string[]>
  /** JS file → JS files it imports with import(). */
  dynamicImports: Map<string, string[]>
}

/** The chunk graph as the emitted JS files on disk say it (relative specifiers only). */
export async function readEmittedChunkGraph(outDir: string): Promise<EmittedChunkGraph> {
  await init
  const graph: EmittedChunkGraph = { imports: new Map(), dynamicImports: new Map() }
  for (const file of listFiles(outDir).filter(name => name.endsWith('.js'))) {
    const [imports] = parse(readFileSync(path.join(outDir, file), 'utf8'))
    const resolveSpecifier = (specifier: string | undefined): string[] => specifier && specifier.startsWith('.')
      ? [path.posix.join(path.posix.dirname(file), specifier)]
      : []
    graph.imports.set(file, imports.filter(item => item.type === 'static' || item.type === 'reexport-star').flatMap(item => resolveSpecifier(item.specifier ?? undefined)))
    graph.dynamicImports.set(file, imports.filter(item => item.type === 'dynamic').flatMap(item => resolveSpecifier(item.specifier ?? undefined)))
  }
  return graph
}

/** Static closure of `start` in the emitted graph, and what import() reaches beyond it. */
export function computeEmittedLoads(graph: EmittedChunkGraph, start: string[]): { initial: string[], lazy: string[] } {
  const initial = new Set<string>()
  const visit = (file: string, into: Set<string>, followDynamic: boolean, skip: Set<string>): void => {
    if (into.has(file) || skip.has(file))
      return
    into.add(file)
    for (const next of graph.imports.get(file) ?? [])
      visit(next, into, followDynamic, skip)
    if (followDynamic) {
      for (const next of graph.dynamicImports.get(file) ?? [])
        visit(next, into, followDynamic, skip)
    }
  }
  start.forEach(file => visit(file, initial, false, new Set()))
  const lazy = new Set<string>()
  for (const file of initial) {
    for (const next of graph.dynamicImports.get(file) ?? [])
      visit(next, lazy, true, initial)
  }
  return { initial: [...initial].sort(), lazy: [...lazy].sort() }
}
