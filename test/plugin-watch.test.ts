/**
 * Rollup watch mode with the plugin: 20 rebuilds each write a fresh report.json (the changed module
 * has its new size, measured against the file on disk), and the heap after the 20th rebuild is not
 * bigger than after the 5th beyond a small bound (the plugin keeps no state across builds except its
 * measurer). A large generated module makes a per-build leak visible.
 */
import type { Report } from '@weighbridge/core'
import type { RollupWatcher, RollupWatcherEvent } from 'rollup'
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { watch } from 'rollup'
import { afterAll, describe, expect, it } from 'vitest'
import weighbridge from 'weighbridge/rollup'
import { createTempDir } from './rollup-family/builds'

setFlagsFromString('--expose-gc')
const collectGarbage = runInNewContext('gc') as () => void

const REBUILDS = 20
let watcher: RollupWatcher | null = null

afterAll(async () => {
  await watcher?.close()
})

function writeCounter(file: string, round: number): void {
  writeFileSync(file, `export const round = ${round}\nexport const label = '${'#'.repeat(round * 7)}'\n`)
}

function measureHeapBytes(): number {
  collectGarbage()
  collectGarbage()
  return process.memoryUsage().heapUsed
}

describe('rollup watch mode', () => {
  it(`writes a fresh report on each of ${REBUILDS} rebuilds without growing the heap`, async () => {
    const dir = createTempDir('plugin-watch')
    const srcDir = path.join(dir, 'src')
    const counterFile = path.join(srcDir, 'counter.js')
    const reportFile = path.join(dir, 'report.json')
    writeFileSync(path.join(dir, 'package.json'), '{ "private": true, "type": "module" }\n')
    mkdirSync(srcDir)
    writeCounter(counterFile, 0)
    writeFileSync(path.join(srcDir, 'main.js'), `import { round, label } from './counter.js'\nconsole.log(round, label)\nexport const loadData = () => import('./data.js')\n`)
    // ~400 kB of data in its own chunk: a build leaked per rebuild would show in the heap.
    const rows = Array.from({ length: 4000 }, (_, index) => `  ['row-${index}', ${index * 7919 % 10007}, '${(index * 2654435761 % 4294967296).toString(36).repeat(8)}'],`)
    writeFileSync(path.join(srcDir, 'data.js'), `export const table = [\n${rows.join('\n')}\n]\n`)

    const builds: { error?: unknown }[] = []
    let notify: (() => void) | null = null
    watcher = watch({
      input: path.join(srcDir, 'main.js'),
      plugins: [weighbridge({ root: dir, reportFile, cache: false, brotli: false, summary: false })],
      output: { dir: path.join(dir, 'out'), format: 'es' },
      watch: { buildDelay: 0, clearScreen: false, exclude: [path.join(dir, 'out/**'), reportFile] },
    })
    watcher.on('event', async (event: RollupWatcherEvent) => {
      if (event.code === 'BUNDLE_END')
        await event.result.close()
      if (event.code === 'ERROR') {
        await event.result?.close()
        builds.push({ error: event.error })
      }
      if (event.code === 'END') {
        builds.push({})
        notify?.()
      }
    })
    const nextBuild = (): Promise<void> => new Promise((resolve) => {
      notify = () => {
        notify = null
        resolve()
      }
    })

    await nextBuild()
    const reports: Report[] = [JSON.parse(readFileSync(reportFile, 'utf8'))]
    let heapAfterFifth = 0
    for (let round = 1; round <= REBUILDS; round++) {
      const built = nextBuild()
      // Rollup's watcher compares mtimes at millisecond precision: make sure the write is seen.
      await new Promise(resolve => setTimeout(resolve, 20))
      writeCounter(counterFile, round)
      await built
      const report = JSON.parse(readFileSync(reportFile, 'utf8')) as Report
      const counter = report.modules.find(module => module.id === 'src/counter.js')!
      expect(counter.originalBytes, `round ${round}`).toBe(statSync(counterFile).size)
      const mainChunk = report.chunks.find(chunk => chunk.isEntry)!
      expect(report.outputs.find(output => output.file === mainChunk.file)!.rawBytes, `round ${round}`)
        .toBe(statSync(path.join(dir, mainChunk.file)).size)
      // The entry chunk grew by exactly what the counter module's source grew.
      const previous = reports.at(-1)!
      const previousCounter = previous.modules.find(module => module.id === 'src/counter.js')!
      expect(report.outputs.find(output => output.file === mainChunk.file)!.rawBytes - previous.outputs.find(output => output.file === mainChunk.file)!.rawBytes)
        .toBe(counter.originalBytes! - previousCounter.originalBytes!)
      reports.push(report)
      if (round === 5)
        heapAfterFifth = measureHeapBytes()
    }
    const heapAfterLast = measureHeapBytes()
    expect(builds.filter(build => build.error)).toEqual([])
    expect(builds.length).toBe(REBUILDS + 1)
    expect(reports.length).toBe(REBUILDS + 1)
    const growthBytes = heapAfterLast - heapAfterFifth
    // 15 leaked builds would hold > 6 MB (each has the 400 kB data chunk as a string, twice).
    expect(growthBytes).toBeLessThan(3_000_000)
    console.info(`watch: heap after rebuild 5 ${(heapAfterFifth / 1e6).toFixed(1)} MB, after ${REBUILDS} ${(heapAfterLast / 1e6).toFixed(1)} MB (growth ${(growthBytes / 1e6).toFixed(2)} MB)`)
  })
})
