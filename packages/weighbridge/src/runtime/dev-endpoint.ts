/**
 * The Vite dev-server endpoint `/__weighbridge/runtime`: the page POSTs its raw runtime counters
 * (periodically and after every `iteration()`); the server analyses them (`analyzeRuntimeSnapshot`:
 * leaks, heap trend) and GET returns the latest analysed snapshot. Each new leak is printed once in
 * the terminal with file:line, live count and growth per iteration, and the latest snapshot is saved
 * to `.weighbridge/runtime.json` (attach it to a report with `runtime.snapshot`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { RuntimeSnapshot } from '@weighbridge/core'
import type { Logger } from '../logger'
import { toRuntimeSnapshot, writeRuntimeSnapshotFile } from './runtime-snapshot-file'

const MAX_BODY_BYTES = 10_000_000

export interface RuntimeEndpoint {
  handle: (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void
  /** The last snapshot received, or null. */
  latest: () => RuntimeSnapshot | null
}

export function formatLeakLine(leak: RuntimeSnapshot['leaks'][number]): string {
  return `weighbridge: leak at ${leak.file}:${leak.line}:${leak.column} (${leak.api}): ${leak.live} live, +${leak.growthPerIteration} per iteration over ${leak.iterations} iterations`
}

export function createRuntimeEndpoint(savePath: string | null, logger: Logger): RuntimeEndpoint {
  let latest: RuntimeSnapshot | null = null
  const reported = new Set<string>()
  let saving = Promise.resolve()

  function receive(snapshot: RuntimeSnapshot): void {
    latest = snapshot
    for (const leak of snapshot.leaks) {
      const key = `${leak.file}:${leak.line}:${leak.column}:${leak.api}`
      if (reported.has(key)) continue
      reported.add(key)
      logger.warn(formatLeakLine(leak))
    }
    if (savePath) saving = saving.then(() => writeRuntimeSnapshotFile(savePath, snapshot)).catch(() => {})
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    if (req.method === 'GET') {
      res.statusCode = 200
      res.setHeader('content-type', 'application/json')
      res.end(JSON.stringify(latest))
      return
    }
    if (req.method !== 'POST') {
      res.statusCode = 405
      res.setHeader('allow', 'GET, POST')
      res.end()
      return
    }
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size <= MAX_BODY_BYTES) chunks.push(chunk)
    })
    req.on('end', () => {
      let value: unknown
      try {
        value = size > MAX_BODY_BYTES ? undefined : JSON.parse(Buffer.concat(chunks).toString('utf8'))
      }
      catch {}
      const converted = size > MAX_BODY_BYTES ? { problem: `larger than ${MAX_BODY_BYTES} bytes` } : toRuntimeSnapshot(value)
      if ('problem' in converted) {
        res.statusCode = 400
        res.setHeader('content-type', 'text/plain')
        res.end(`not a runtime snapshot: ${converted.problem}`)
        return
      }
      receive(converted.snapshot)
      res.statusCode = 204
      res.end()
    })
  }

  return {
    handle: (req, res, next) => {
      const url = req.url ?? ''
      if (url.split('?')[0] !== '/__weighbridge/runtime') return next()
      handle(req, res)
    },
    latest: () => latest,
  }
}
