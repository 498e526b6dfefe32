/**
 * Child process of the compression floor: argv[2] is a JSON list of files. Starts one worker per
 * core, waits until all are up, then times a gzip-9 pass and a brotli-11 pass over all files (a
 * shared queue, largest file first). The result goes back over IPC.
 */
import { readFileSync, statSync } from 'node:fs'
import { availableParallelism } from 'node:os'
import { performance } from 'node:perf_hooks'
import { Worker } from 'node:worker_threads'
import { readChildArgument } from './child-process'
import type { CompressionFloor } from './compression-floor'

const workerSource = `
const { parentPort } = require('node:worker_threads')
const { readFileSync } = require('node:fs')
const zlib = require('node:zlib')
const cache = new Map()
parentPort.on('message', ({ file, algorithm }) => {
  let bytes = cache.get(file)
  if (!bytes) { bytes = readFileSync(file); cache.set(file, bytes) }
  if (algorithm === 'load') { parentPort.postMessage(0); return }
  const compressed = algorithm === 'gzip'
    ? zlib.gzipSync(bytes, { level: 9 })
    : zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: bytes.length } })
  parentPort.postMessage(compressed.length)
})
parentPort.postMessage('ready')
`

async function runPass(workers: Worker[], files: string[], algorithm: 'load' | 'gzip' | 'brotli'): Promise<{ bytes: number, durationMs: number }> {
  const startedMs = performance.now()
  let next = 0
  let bytes = 0
  await Promise.all(workers.map(worker => new Promise<void>((resolve) => {
    const sendNext = (): void => {
      if (next >= files.length) {
        worker.off('message', onMessage)
        resolve()
        return
      }
      worker.postMessage({ file: files[next++], algorithm })
    }
    const onMessage = (compressedBytes: number): void => {
      bytes += compressedBytes
      sendNext()
    }
    worker.on('message', onMessage)
    sendNext()
  })))
  return { bytes, durationMs: performance.now() - startedMs }
}

async function measureFloor(files: string[]): Promise<CompressionFloor> {
  const sorted = files.map(file => ({ file, size: statSync(file).size })).sort((a, b) => b.size - a.size)
  const workerCount = Math.max(1, Math.min(availableParallelism(), sorted.length))
  const workers = Array.from({ length: workerCount }, () => new Worker(workerSource, { eval: true }))
  await Promise.all(workers.map(worker => new Promise(resolve => worker.once('message', resolve))))
  let rawBytes = 0
  for (const { file } of sorted) rawBytes += readFileSync(file).length
  const ordered = sorted.map(entry => entry.file)
  // Untimed: every worker reads the files it gets into memory (a bundler plugin has them in memory).
  for (const worker of workers) await runPass([worker], ordered, 'load')
  const startedUsage = process.resourceUsage()
  const gzip = await runPass(workers, ordered, 'gzip')
  const brotli = await runPass(workers, ordered, 'brotli')
  const endedUsage = process.resourceUsage()
  const cpuMs = (endedUsage.userCPUTime + endedUsage.systemCPUTime - startedUsage.userCPUTime - startedUsage.systemCPUTime) / 1000
  await Promise.all(workers.map(worker => worker.terminate()))
  return {
    fileCount: files.length,
    rawBytes,
    gzipBytes: gzip.bytes,
    brotliBytes: brotli.bytes,
    gzipMs: gzip.durationMs,
    brotliMs: brotli.durationMs,
    totalMs: gzip.durationMs + brotli.durationMs,
    cpuMs,
    workerCount,
  }
}

const files = readChildArgument<string[]>()
measureFloor(files).then(
  floor => process.send?.({ ok: true, result: floor }, () => process.disconnect()),
  (error: unknown) => {
    process.exitCode = 1
    process.send?.({ ok: false, error: String(error) }, () => process.disconnect())
  },
)
