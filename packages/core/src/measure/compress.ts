/**
 * Compression off the main thread: brotli in worker threads that keep their own queue, gzip on
 * node's thread pool.
 *
 * Why workers and not node's async zlib (the libuv thread pool, our first design): with the pool, a
 * finished job is replaced by the next one from a JavaScript callback on the main thread. The plugin
 * keeps the main thread busy for seconds while compression runs (reading the module graph,
 * attributing bytes to modules: ~4 s at 20,000 modules), and every small file finished in that time
 * left a pool thread idle until the main thread was free again. A worker holds the jobs it was
 * given, takes the largest next without asking the main thread, and answers with a message that
 * waits until the main thread reads it. Measured before on 2 cores, 648 real files: async zlib
 * 1.93-2.06 s, 2 workers with sync zlib 1.89 s, sync on the main thread 3.60 s.
 *
 * One worker per core (at most 4). A job goes to the worker with the fewest bytes outstanding. The
 * bytes are copied once into a buffer transferred to the worker (the bundler's buffer stays as it
 * was). Workers are started on the first job, keep the process alive only while they have work, and
 * end on `close()`. The worker's code is a short CommonJS script evaluated from a string, so that
 * it runs the same from the TypeScript sources and from the built package. When a worker cannot
 * start or dies, its jobs (and later ones) run on node's async zlib instead: slower, same bytes.
 */
import { Buffer } from 'node:buffer'
import { availableParallelism } from 'node:os'
import { Worker } from 'node:worker_threads'
import zlib from 'node:zlib'

export interface CompressionQueue {
  /** The gzip stream of `bytes` at `level` (equals `zlib.gzipSync(bytes, { level })`), on node's thread pool. */
  gzip: (bytes: Buffer, level: number) => Promise<Buffer>
  /** The brotli size of `bytes` at `quality` (equals `brotliCompressSync` with BROTLI_PARAM_QUALITY only). */
  brotliBytes: (bytes: Buffer, quality: number) => Promise<number>
  /** Ends the workers (idle ones do not keep the process alive either); a later job starts new ones. */
  close: () => Promise<void>
}

interface JobMessage {
  id: number
  kind: 'gzip' | 'brotli'
  level: number
  bytes: Uint8Array
}

interface ResultMessage {
  id: number
  /** gzip: the stream; brotli: its length. */
  gzip?: Uint8Array
  brotliBytes?: number
  error?: string
}

/**
 * The worker: collects jobs (draining its port between jobs, so that the largest waiting job goes
 * first), compresses with sync zlib, and posts each result (gzip streams transferred, not copied).
 */
const WORKER_SOURCE = `
const { parentPort, receiveMessageOnPort } = require('node:worker_threads')
const zlib = require('node:zlib')
const queue = []
let busy = false
function take() {
  for (let message = receiveMessageOnPort(parentPort); message; message = receiveMessageOnPort(parentPort))
    queue.push(message.message)
  let largest = 0
  for (let index = 1; index < queue.length; index++) {
    if (queue[index].bytes.length > queue[largest].bytes.length) largest = index
  }
  return queue.splice(largest, 1)[0]
}
parentPort.on('message', (job) => {
  queue.push(job)
  if (busy) return
  busy = true
  while (queue.length > 0) {
    const next = take()
    try {
      if (next.kind === 'gzip') {
        const out = zlib.gzipSync(next.bytes, { level: next.level })
        const stream = new Uint8Array(out.buffer, out.byteOffset, out.byteLength)
        const owned = out.byteOffset === 0 && out.byteLength === out.buffer.byteLength ? stream : stream.slice()
        parentPort.postMessage({ id: next.id, gzip: owned }, [owned.buffer])
      } else {
        const out = zlib.brotliCompressSync(next.bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: next.level } })
        parentPort.postMessage({ id: next.id, brotliBytes: out.length })
      }
    } catch (error) {
      parentPort.postMessage({ id: next.id, error: String(error && error.message || error) })
    }
  }
  busy = false
})
`

interface Pending {
  kind: JobMessage['kind']
  level: number
  /** The caller's bytes (the job's copy was transferred): for a rerun on the thread pool. */
  source: Buffer
  worker: PoolWorker
  resolve: (result: ResultMessage) => void
  reject: (error: Error) => void
}

interface PoolWorker {
  worker: Worker
  /** Bytes of the jobs given to it and not answered yet. */
  outstandingBytes: number
  outstandingJobs: number
  dead: boolean
}

function countDefaultWorkers(): number {
  return Math.max(1, Math.min(availableParallelism(), 4))
}

/** The same job on node's async zlib (the thread pool): the fallback when a worker is unavailable. */
function runOnThreadPool(kind: JobMessage['kind'], bytes: Buffer, level: number): Promise<ResultMessage> {
  return new Promise((resolve, reject) => {
    if (kind === 'gzip') {
      zlib.gzip(bytes, { level }, (error, out) => error ? reject(error) : resolve({ id: 0, gzip: out }))
    }
    else {
      zlib.brotliCompress(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: level } }, (error, out) =>
        error ? reject(error) : resolve({ id: 0, brotliBytes: out.length }))
    }
  })
}

/** Jobs in flight on node's thread pool: cores + 1, at most its size − 1 (the pool also serves fs). */
function countThreadPoolJobs(): number {
  const poolSize = Number(process.env.UV_THREADPOOL_SIZE) || 4
  return Math.max(1, Math.min(availableParallelism() + 1, poolSize - 1))
}

export function createCompressionQueue(workerCount: number = countDefaultWorkers()): CompressionQueue {
  /** Thread-pool jobs waiting (largest first when started), and how many run: bounded, so memory stays flat. */
  const waiting: { sizeBytes: number, run: () => void }[] = []
  let running = 0
  const maxRunning = countThreadPoolJobs()
  function startWaiting(): void {
    while (running < maxRunning && waiting.length > 0) {
      let largest = 0
      for (let index = 1; index < waiting.length; index++) {
        if (waiting[index]!.sizeBytes > waiting[largest]!.sizeBytes)
          largest = index
      }
      running++
      waiting.splice(largest, 1)[0]!.run()
    }
  }
  function onThreadPool(kind: JobMessage['kind'], bytes: Buffer, level: number): Promise<ResultMessage> {
    return new Promise((resolve, reject) => {
      waiting.push({
        sizeBytes: bytes.length,
        run: () => runOnThreadPool(kind, bytes, level).then(resolve, reject).finally(() => {
          running--
          startWaiting()
        }),
      })
      startWaiting()
    })
  }

  const pool: PoolWorker[] = []
  const pending = new Map<number, Pending>()
  let nextId = 1
  /** Set when a worker could not start or died: later jobs use the thread pool. */
  let workersFailed = false

  function settle(poolWorker: PoolWorker, message: ResultMessage): void {
    const job = pending.get(message.id)
    if (!job)
      return
    pending.delete(message.id)
    poolWorker.outstandingBytes -= job.source.length
    poolWorker.outstandingJobs -= 1
    if (poolWorker.outstandingJobs === 0)
      poolWorker.worker.unref()
    if (message.error !== undefined)
      job.reject(new Error(message.error))
    else
      job.resolve(message)
  }

  /** A worker failed: its unanswered jobs go to the thread pool, and so does everything later. */
  function retire(poolWorker: PoolWorker): void {
    if (poolWorker.dead)
      return
    poolWorker.dead = true
    workersFailed = true
    pool.splice(pool.indexOf(poolWorker), 1)
    void poolWorker.worker.terminate().catch(() => {})
    for (const [id, job] of pending) {
      if (job.worker !== poolWorker)
        continue
      pending.delete(id)
      onThreadPool(job.kind, job.source, job.level).then(job.resolve, job.reject)
    }
  }

  function startWorker(): PoolWorker | null {
    let worker: Worker
    try {
      worker = new Worker(WORKER_SOURCE, { eval: true })
    }
    catch {
      workersFailed = true
      return null
    }
    const poolWorker: PoolWorker = { worker, outstandingBytes: 0, outstandingJobs: 0, dead: false }
    worker.on('message', (message: ResultMessage) => settle(poolWorker, message))
    worker.on('error', () => retire(poolWorker))
    worker.on('exit', () => retire(poolWorker))
    worker.unref()
    pool.push(poolWorker)
    return poolWorker
  }

  function pickWorker(): PoolWorker | null {
    while (!workersFailed && pool.length < workerCount) {
      if (startWorker() === null)
        break
    }
    let best: PoolWorker | null = null
    for (const poolWorker of pool) {
      if (!best || poolWorker.outstandingBytes < best.outstandingBytes)
        best = poolWorker
    }
    return best
  }

  function submit(kind: JobMessage['kind'], bytes: Buffer, level: number): Promise<ResultMessage> {
    // An exact-size copy that is transferred: the caller's buffer (often the bundler's) stays intact.
    const poolWorker = workersFailed ? null : pickWorker()
    if (!poolWorker)
      return onThreadPool(kind, bytes, level)
    const job: JobMessage = { id: nextId++, kind, level, bytes: new Uint8Array(bytes) }
    return new Promise<ResultMessage>((resolve, reject) => {
      pending.set(job.id, { kind, level, source: bytes, worker: poolWorker, resolve, reject })
      poolWorker.outstandingBytes += bytes.length
      poolWorker.outstandingJobs += 1
      if (poolWorker.outstandingJobs === 1)
        poolWorker.worker.ref()
      try {
        poolWorker.worker.postMessage(job, [job.bytes.buffer as ArrayBuffer])
      }
      catch {
        retire(poolWorker)
      }
    })
  }

  return {
    // gzip is ~60× cheaper than brotli-11: a short job on the thread pool costs less than starting
    // workers for it (23-36 ms each), and a stalled pool delays little. Brotli goes to the workers.
    gzip: async (bytes, level) => toBuffer((await onThreadPool('gzip', bytes, level)).gzip!),
    brotliBytes: async (bytes, quality) => (await submit('brotli', bytes, quality)).brotliBytes!,
    async close() {
      const workers = pool.splice(0)
      for (const poolWorker of workers)
        poolWorker.dead = true
      await Promise.all(workers.map(poolWorker => poolWorker.worker.terminate().catch(() => {})))
      // Jobs still waiting on those workers (a close during a measure) finish on the thread pool.
      for (const [id, job] of pending) {
        pending.delete(id)
        onThreadPool(job.kind, job.source, job.level).then(job.resolve, job.reject)
      }
    },
  }
}

export function toBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)
}
