/**
 * Reads a JSON input file. Small files go through `JSON.parse` (fast); files above
 * `streamAboveBytes` are parsed as a token stream (stream-json) and never held as one string, with
 * the bulky keys we do not use (`source`, `issuerPath`, `profile`...) dropped while parsing.
 */
import fs from 'node:fs'
import { parser } from 'stream-json'
import Assembler from 'stream-json/assembler.js'
import { ignore } from 'stream-json/filters/ignore.js'
import { InputError } from './input-error'

/** Keys of webpack stats that can be huge and that no reader here needs. */
export const UNUSED_STATS_KEYS: ReadonlySet<string> = new Set(['source', 'issuerPath', 'profile', 'optimizationBailout', 'loc', 'explanation', 'warnings', 'errors', 'logging', 'filteredModules', 'depth', 'usedExports', 'sizes', 'assetsByChunkName', 'namedChunkGroups', 'origins', 'hash', 'childrenByOrder', 'idHints'])

export interface ReadJsonOptions {
  /** Parse as a stream above this size. @default 64_000_000 */
  streamAboveBytes?: number
  /** What the file should be, for messages (`stats.json`, `esbuild metafile`). */
  expected: string
  /** Keys dropped (with their values) while streaming. */
  dropKeys?: ReadonlySet<string>
}

export async function readJsonFile(file: string, options: ReadJsonOptions): Promise<unknown> {
  const sizeBytes = fs.statSync(file).size
  if (sizeBytes === 0)
    throw new InputError(file, `${file}: the file is empty; expected ${options.expected}.`)
  if (sizeBytes <= (options.streamAboveBytes ?? 64_000_000))
    return parseJsonText(fs.readFileSync(file, 'utf8'), file, options.expected)
  return streamJsonFile(file, options.expected, options.dropKeys ?? new Set())
}

export function parseJsonText(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text)
  }
  catch (error) {
    const truncated = isProbablyTruncated(text)
    const detail = (error as Error).message.replace(/^JSON\.parse: /, '')
    throw new InputError(file, `${file}: ${truncated ? 'the JSON ends early (truncated file?)' : 'not valid JSON'} (${detail}); expected ${expected}. Write the file again from the bundler.`)
  }
}

function isProbablyTruncated(text: string): boolean {
  const trimmed = text.trimEnd()
  return trimmed.length > 0 && !trimmed.endsWith('}') && !trimmed.endsWith(']')
}

async function streamJsonFile(file: string, expected: string, dropKeys: ReadonlySet<string>): Promise<unknown> {
  const assembler = new Assembler()
  const dropKey = (stack: (string | number | null)[]): boolean => {
    const key = stack.at(-1)
    return typeof key === 'string' && dropKeys.has(key)
  }
  if (dropKeys.size === 0)
    return streamAll(file, expected, assembler)
  const pipeline = fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(ignore.withParserAsStream({ filter: dropKey }))
  try {
    for await (const token of pipeline as AsyncIterable<{ name: string, value?: unknown }>)
      assembler.consume(token as never)
  }
  catch (error) {
    throw new InputError(file, `${file}: not valid JSON (${(error as Error).message}); expected ${expected}. Write the file again from the bundler.`)
  }
  if (!assembler.done)
    throw new InputError(file, `${file}: the JSON ends early (truncated file?); expected ${expected}. Write the file again from the bundler.`)
  return assembler.current
}

async function streamAll(file: string, expected: string, assembler: Assembler): Promise<unknown> {
  const pipeline = fs.createReadStream(file, { highWaterMark: 1 << 20 }).pipe(parser.asStream())
  try {
    for await (const token of pipeline as AsyncIterable<{ name: string, value?: unknown }>)
      assembler.consume(token as never)
  }
  catch (error) {
    throw new InputError(file, `${file}: not valid JSON (${(error as Error).message}); expected ${expected}. Write the file again from the bundler.`)
  }
  if (!assembler.done)
    throw new InputError(file, `${file}: the JSON ends early (truncated file?); expected ${expected}. Write the file again from the bundler.`)
  return assembler.current
}
