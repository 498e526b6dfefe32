/**
 * The compression floor: the time to gzip (level 9) and brotli (quality 11) every emitted JS and
 * CSS file once, spread over all cores with worker threads. No analyzer that reports exact gzip and
 * brotli sizes of a build can be faster than this; "extra time over plain / floor" in the table says
 * how close a tool comes to it. Runs in a child process of its own (see compression-floor-child.ts).
 */
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'

export interface CompressionFloor {
  fileCount: number
  rawBytes: number
  gzipBytes: number
  brotliBytes: number
  gzipMs: number
  brotliMs: number
  /** gzipMs + brotliMs: the two passes run one after the other, each on all cores. */
  totalMs: number
  /** User + system CPU time of both passes (all worker threads): the floor in CPU terms. */
  cpuMs: number
  workerCount: number
}

/** Every .js/.mjs/.css file under `dir`, largest first (so the pool finishes evenly). */
export async function listCompressibleFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter(entry => entry.isFile() && /\.(?:m?js|css)$/.test(entry.name))
    .map(entry => join(entry.parentPath, entry.name))
}
