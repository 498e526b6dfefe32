/**
 * The webpack adapter hands the emitted files to the measurer (`prefetch`) before it reads the
 * compilation, so that compression (brotli 11 of the largest chunk: the longest job of a cold
 * report) runs on the thread pool while the main thread turns the compilation into stats and
 * locates the modules. On a real webpack build, with and without the prefetch: the measurer's
 * compressions were started by the prefetch, and the sizes stay exact (zlib on the emitted files).
 */
import type { Report } from '@weighbridge/core'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import zlib from 'node:zlib'
import { buildReport, createMeasurer } from '@weighbridge/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import webpack from 'webpack'
import { tapWebpackLikeCompiler } from '../packages/weighbridge/src/adapters/webpack-like'
import type { WebpackLikeCompiler } from '../packages/weighbridge/src/adapters/webpack-like'

const tmp = path.resolve(import.meta.dirname, `.tmp/webpack-prefetch-${process.pid}-${Date.now().toString(36)}`)

interface Built {
  report: Report
  stats: { compressedFiles: number, cacheHits: number, prefetchedFiles: number }
  /** Sizes of the files `prefetch` was given, in the order given. */
  prefetchedBytes: number[]
  outDir: string
}

function writeFixture(root: string): void {
  mkdirSync(path.join(root, 'src'), { recursive: true })
  // Enough code that the files are worth compressing, different per module so they do not dedupe.
  const body = (name: string, count: number): string => Array.from({ length: count }, (_, index) =>
    `export function ${name}${index}(value) { return { ${name}: value * ${index + 1}, label: '${name} item ${index}', list: [${index}, value, '${name}'] } }`).join('\n')
  writeFileSync(path.join(root, 'src/shared.js'), body('shared', 60))
  writeFileSync(path.join(root, 'src/lazy.js'), `import * as shared from './shared.js'\n${body('lazy', 80)}\nexport const all = Object.values(shared).map(fn => fn(2))`)
  writeFileSync(path.join(root, 'src/main.js'), `import * as shared from './shared.js'\n${body('main', 120)}\nconsole.log(Object.values(shared).map(fn => fn(1)).length)\nexport const load = () => import('./lazy.js')`)
}

async function build(root: string, name: string, withPrefetch: boolean): Promise<Built> {
  const outDir = path.join(root, `dist-${name}`)
  const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: false })
  const prefetchedBytes: number[] = []
  let report: Report | undefined
  const plugin = {
    apply(compiler: unknown) {
      tapWebpackLikeCompiler(compiler as WebpackLikeCompiler, 'webpack', async (collected) => {
        report = await buildReport(collected, { measurer, generatorVersion: 'test', compression: { gzipLevel: 9, brotliQuality: 11 } })
      }, withPrefetch
        ? (bytes) => {
            prefetchedBytes.push(bytes.length)
            measurer.prefetch(bytes)
          }
        : undefined)
    },
  }
  const compiler = webpack({ mode: 'production', context: root, entry: './src/main.js', output: { path: outDir, clean: true }, plugins: [plugin] })
  await new Promise<void>((resolve, reject) => {
    compiler.run((error, stats) => {
      if (error || stats?.hasErrors())
        reject(error ?? new Error(stats!.toString('errors-only')))
      else compiler.close(closeError => closeError ? reject(closeError) : resolve())
    })
  })
  if (!report)
    throw new Error('the adapter produced no report')
  return { report, stats: { ...measurer.stats }, prefetchedBytes, outDir }
}

describe('webpack adapter: compression starts before the compilation is read', () => {
  let root: string
  let prefetched: Built
  let plain: Built

  beforeAll(async () => {
    root = path.join(tmp, 'app')
    writeFixture(root)
    prefetched = await build(root, 'prefetch', true)
    plain = await build(root, 'plain', false)
  }, 120_000)

  afterAll(() => {
    rmSync(tmp, { recursive: true, force: true })
  })

  it('hands every emitted file to the measurer, largest first, and the report takes over that work', () => {
    const jsOutputs = prefetched.report.outputs.filter(output => output.file.endsWith('.js'))
    expect(jsOutputs.length).toBe(2)
    expect(prefetched.prefetchedBytes.length).toBe(prefetched.report.outputs.length)
    expect(prefetched.prefetchedBytes).toEqual([...prefetched.prefetchedBytes].sort((a, b) => b - a))
    expect(prefetched.prefetchedBytes.sort((a, b) => a - b)).toEqual(prefetched.report.outputs.map(output => output.rawBytes).sort((a, b) => a - b))
    // Every file was compressed once, and each compression was one the prefetch had started.
    expect(prefetched.stats.compressedFiles).toBe(prefetched.report.outputs.length)
    expect(prefetched.stats.prefetchedFiles).toBe(prefetched.stats.compressedFiles)
    // Without the prefetch the measurer starts the same work itself.
    expect(plain.prefetchedBytes).toEqual([])
    expect(plain.stats.compressedFiles).toBe(plain.report.outputs.length)
    expect(plain.stats.prefetchedFiles).toBe(0)
  })

  it('measures exactly what zlib gives on the emitted files, with or without the prefetch', () => {
    for (const built of [prefetched, plain]) {
      for (const output of built.report.outputs) {
        const bytes = readFileSync(path.join(built.outDir, path.basename(output.file)))
        expect(output.rawBytes).toBe(bytes.length)
        expect(output.gzipBytes).toBe(zlib.gzipSync(bytes, { level: 9 }).length)
        expect(output.brotliBytes).toBe(zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11 } }).length)
      }
    }
    const sizes = (report: Report): unknown => report.chunks.map(chunk => [path.basename(chunk.file), chunk.modules.map(m => [m.id, m.rawBytes, m.gzipBytes, m.brotliBytes]), chunk.glue])
    expect(sizes(prefetched.report)).toEqual(sizes(plain.report))
  })
})
