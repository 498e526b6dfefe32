/**
 * The compression queue on real files: brotli in worker threads and gzip on the thread pool give
 * the bytes zlib gives, whichever worker a job lands on; the caller's buffers stay intact (the workers get copies); a queue closed while
 * jobs are in flight still answers them (on node's thread pool); and a closed queue starts again.
 */
import type { CorpusFile } from './measure-corpus'
import { Buffer } from 'node:buffer'
import zlib from 'node:zlib'
import { beforeAll, describe, expect, it } from 'vitest'
import { createCompressionQueue } from '../src/measure/compress'
import { readCorpusFiles } from './measure-corpus'

let files: CorpusFile[]

const brotliSize = (bytes: Buffer, quality: number): number =>
  zlib.brotliCompressSync(bytes, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: quality } }).length

beforeAll(() => {
  // Three big files and 40 small modules: jobs of very different sizes on the same workers.
  const corpus = readCorpusFiles()
  files = [...corpus.filter(file => file.pkg !== 'lodash-es').slice(0, 3), ...corpus.filter(file => file.pkg === 'lodash-es').slice(0, 40)]
})

describe('the compression queue', () => {
  for (const workerCount of [1, 3]) {
    it(`gives zlib's bytes with ${workerCount} brotli worker(s), and leaves the caller's buffers intact`, async () => {
      const queue = createCompressionQueue(workerCount)
      const copies = files.map(file => Buffer.from(file.bytes))
      const [streams, sizes] = await Promise.all([
        Promise.all(files.map(file => queue.gzip(file.bytes, 9))),
        Promise.all(files.map(file => queue.brotliBytes(file.bytes, 5))),
      ])
      await queue.close()
      files.forEach((file, index) => {
        expect(Buffer.compare(streams[index]!, zlib.gzipSync(file.bytes, { level: 9 })), file.path).toBe(0)
        expect(sizes[index], file.path).toBe(brotliSize(file.bytes, 5))
        expect(file.bytes.byteLength).toBe(copies[index]!.byteLength)
        expect(Buffer.compare(file.bytes, copies[index]!)).toBe(0)
      })
    })
  }

  it('answers jobs in flight when it is closed, and starts again after', async () => {
    const queue = createCompressionQueue(2)
    const inFlight = Promise.all(files.slice(0, 10).map(file => queue.brotliBytes(file.bytes, 9)))
    await queue.close()
    const sizes = await inFlight
    expect(sizes).toEqual(files.slice(0, 10).map(file => brotliSize(file.bytes, 9)))
    const again = await queue.gzip(files[3]!.bytes, 6)
    expect(Buffer.compare(again, zlib.gzipSync(files[3]!.bytes, { level: 6 }))).toBe(0)
    await queue.close()
  })

  it('rejects a job zlib rejects, with zlib\'s message, and keeps working', async () => {
    const queue = createCompressionQueue(1)
    await expect(queue.gzip(files[3]!.bytes, 42)).rejects.toThrow(/level/i)
    expect(await queue.brotliBytes(files[4]!.bytes, 4)).toBe(brotliSize(files[4]!.bytes, 4))
    await queue.close()
  })
})
