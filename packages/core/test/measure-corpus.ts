/** Real JS from node_modules for the measurement tests, and a unique temp dir per test file. */
import type { ByteSegment } from '@weighbridge/core'
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

const coreDir = path.dirname(path.dirname(fileURLToPath(import.meta.url)))
const repoDir = path.resolve(coreDir, '../..')

export function makeTempDir(name: string): string {
  const dir = path.join(repoDir, 'test/.tmp', `${name}-${process.pid}-${Date.now()}`)
  mkdirSync(dir, { recursive: true })
  return dir
}

export interface CorpusFile {
  /** npm package name. */
  pkg: string
  path: string
  bytes: Buffer
}

function packageDir(name: string): string {
  return path.join(coreDir, 'node_modules', name)
}

/** react-dom, lodash, moment, chart.js as one big file each; lodash-es as its ~640 small modules. */
export function readCorpusFiles(): CorpusFile[] {
  const bigFiles: [string, string][] = [
    ['react-dom', 'cjs/react-dom-client.production.js'],
    ['lodash', 'lodash.js'],
    ['moment', 'min/moment-with-locales.js'],
    ['chart.js', 'dist/chart.js'],
  ]
  const files = bigFiles.map(([pkg, file]) => {
    const filePath = path.join(packageDir(pkg), file)
    return { pkg, path: filePath, bytes: readFileSync(filePath) }
  })
  const esDir = packageDir('lodash-es')
  for (const name of readdirSync(esDir).filter(name => name.endsWith('.js')).sort()) {
    const filePath = path.join(esDir, name)
    files.push({ pkg: 'lodash-es', path: filePath, bytes: readFileSync(filePath) })
  }
  return files
}

export function statFileBytes(filePath: string): number {
  return statSync(filePath).size
}

export interface Bundle {
  bytes: Buffer
  /** One segment per corpus file (key = its index); the glue between files is a gap. */
  segments: ByteSegment[]
}

/** Concatenates files like a bundler would, with a small glue comment between modules. */
export function concatenateAsBundle(files: { bytes: Buffer }[]): Bundle {
  const parts: Buffer[] = []
  const segments: ByteSegment[] = []
  let position = 0
  files.forEach((file, key) => {
    const glue = Buffer.from(`\n// module ${key}\n`)
    parts.push(glue, file.bytes)
    position += glue.length
    segments.push({ start: position, end: position + file.bytes.length, key })
    position += file.bytes.length
  })
  return { bytes: Buffer.concat(parts), segments }
}
