/**
 * `weighbridge analyze <input>`: a report from artefacts of a build we did not run. The input is a
 * dist folder with source maps, a webpack/Rspack stats.json, an esbuild metafile or a saved
 * report.json; the kind is detected from the content (or forced with `--kind`).
 */
import fs from 'node:fs'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import type { CollectedBuild, Report } from '@weighbridge/core'
import { buildReport, createMeasurer, parseReportText, ReportFileError } from '@weighbridge/core'
import { collectDistFolder } from '../importers/dist-folder'
import { collectMetafile } from '../importers/esbuild-metafile'
import { InputError } from '../importers/input-error'
import { readJsonFile, SHADOWED_STATS_KEYS, UNUSED_STATS_KEYS } from '../importers/read-json'
import { collectWebpackStats } from '../importers/webpack-stats'
import type { WebpackStats } from '../importers/webpack-stats'
import { generatorVersion } from '../version'

export const INPUT_KINDS = ['dist', 'stats', 'metafile', 'report'] as const
export type InputKind = typeof INPUT_KINDS[number]

export interface AnalyzeInputOptions {
  /** Force the kind instead of detecting it. */
  kind?: InputKind
  /** Project root: module ids are made relative to it. @default cwd */
  root: string
  /** For stats: the folder holding the emitted files. @default stats.outputPath, else the stats file's folder */
  dist?: string
  /** gzip level; false = not measured. @default 9 */
  gzip?: number | false
  /** brotli quality; false = not measured. @default 11 */
  brotli?: number | false
  /** Read stats files above this many bytes in chunks, dropping the keys no reader needs before parsing. @default 4_000_000 */
  streamAboveBytes?: number
  /** Called after each step (`collect`, then `buildReport.<step>`) with its wall time, for the timing log. */
  onPhase?: (phase: string, durationMs: number) => void
}

export interface AnalyzeResult {
  kind: InputKind
  report: Report
}

const SNIFF_BYTES = 64 * 1024

/** Detects what an input is: a folder is a dist; a JSON file by its first keys. */
export function detectInputKind(input: string): InputKind {
  const stat = fs.statSync(input)
  if (stat.isDirectory())
    return 'dist'
  const fd = fs.openSync(input, 'r')
  let head: string
  try {
    const buffer = Buffer.alloc(Math.min(SNIFF_BYTES, stat.size))
    fs.readSync(fd, buffer, 0, buffer.length, 0)
    head = buffer.toString('utf8')
  }
  finally {
    fs.closeSync(fd)
  }
  const trimmed = head.replace(/^\uFEFF/, '').trimStart()
  if (trimmed.length === 0)
    throw new InputError(input, `${input}: the file is empty; expected a dist folder, a stats.json, an esbuild metafile or a report.json.`)
  if (!trimmed.startsWith('{'))
    throw new InputError(input, `${input}: not a JSON object (starts with ${JSON.stringify(trimmed.slice(0, 12))}); expected a dist folder, a webpack/Rspack stats.json, an esbuild metafile or a report.json.`)
  const keys = [...trimmed.matchAll(/"([A-Za-z]+)"\s*:/g)].map(match => match[1]!)
  if (keys.length === 0)
    throw new InputError(input, `${input}: not valid JSON (no "key": value found in the first ${formatCount(head.length)} characters); expected a webpack/Rspack stats.json, an esbuild metafile or a report.json.`)
  if (keys.includes('schemaVersion') && keys.includes('generator'))
    return 'report'
  if (keys[0] === 'inputs' || keys[0] === 'outputs' || keys.includes('bytesInOutput'))
    return 'metafile'
  const statsKeys = ['assetsByChunkName', 'chunks', 'modules', 'entrypoints', 'namedChunkGroups', 'outputPath', 'builtAt', 'children', 'rspackVersion', 'hash', 'assets', 'errorsCount']
  if (keys.some(key => statsKeys.includes(key)))
    return 'stats'
  throw new InputError(input, `${input}: unknown JSON shape (first keys: ${keys.slice(0, 5).join(', ') || 'none'}); expected a webpack/Rspack stats.json, an esbuild metafile or a report.json. Force the kind with --kind.`)
}

export async function analyzeInput(inputPath: string, options: AnalyzeInputOptions): Promise<AnalyzeResult> {
  const input = path.resolve(options.root, inputPath)
  if (!fs.existsSync(input))
    throw new InputError(input, `${inputPath}: no such file or folder (looked in ${options.root}); pass a dist folder, a stats.json, an esbuild metafile or a report.json.`)
  const kind = options.kind ?? detectInputKind(input)
  if (kind === 'report') {
    const data = await readJsonFile(input, { expected: 'a Weighbridge report.json', streamAboveBytes: options.streamAboveBytes })
    try {
      return { kind, report: parseReportText(JSON.stringify(data), input) }
    }
    catch (error) {
      if (error instanceof ReportFileError)
        throw new InputError(input, error.message)
      throw error
    }
  }
  const collectStartMs = performance.now()
  const collected = await collectInput(input, kind, options)
  options.onPhase?.('collect', performance.now() - collectStartMs)
  const gzip = options.gzip ?? 9
  const brotli = options.brotli ?? 11
  const measurer = createMeasurer({ gzip, brotli, cacheDir: false })
  try {
    const buildStartMs = performance.now()
    const report = await buildReport(collected, {
      measurer,
      generatorVersion,
      compression: { gzipLevel: gzip === false ? null : gzip, brotliQuality: brotli === false ? null : brotli },
      ...(options.onPhase ? { onPhase: (phase: string, durationMs: number) => options.onPhase!(`buildReport.${phase}`, durationMs) } : {}),
    })
    options.onPhase?.('buildReport', performance.now() - buildStartMs)
    return { kind, report }
  }
  finally {
    await measurer.close()
  }
}

async function collectInput(input: string, kind: Exclude<InputKind, 'report'>, options: AnalyzeInputOptions): Promise<CollectedBuild> {
  if (kind === 'dist') {
    if (!fs.statSync(input).isDirectory())
      throw new InputError(input, `${input}: --kind dist needs a folder; pass the build's output folder.`)
    return collectDistFolder({ dir: input, root: options.root })
  }
  if (fs.statSync(input).isDirectory())
    throw new InputError(input, `${input}: a folder, but --kind ${kind} needs a JSON file.`)
  if (kind === 'stats') {
    const stats = await readJsonFile(input, { expected: 'a webpack or Rspack stats.json', streamAboveBytes: options.streamAboveBytes, dropKeys: UNUSED_STATS_KEYS, shadowedKeys: SHADOWED_STATS_KEYS }) as WebpackStats
    const outputPath = chooseOutputFolder(input, stats, options.dist)
    return collectWebpackStats({
      stats,
      label: input,
      root: options.root,
      outputPath,
      readFile: name => readFileOrNull(path.resolve(outputPath, name)),
    })
  }
  const metafile = await readJsonFile(input, { expected: 'an esbuild metafile', streamAboveBytes: options.streamAboveBytes })
  return collectMetafile({
    metafile: metafile as never,
    label: input,
    workingDir: options.root,
    root: options.root,
    readFile: readFileOrNull,
  })
}

/** Where the stats' files are: `--dist`, else `outputPath` when it exists, else the stats file's folder. */
function chooseOutputFolder(statsFile: string, stats: WebpackStats, dist: string | undefined): string {
  if (dist)
    return path.resolve(dist)
  const first = stats && typeof stats === 'object' ? (stats.assets ?? stats.children?.[0]?.assets ?? [])[0]?.name : undefined
  const recorded = stats && typeof stats === 'object' ? stats.outputPath ?? stats.children?.[0]?.outputPath : undefined
  if (typeof recorded === 'string' && fs.existsSync(recorded) && (!first || fs.existsSync(path.resolve(recorded, first))))
    return recorded
  return path.dirname(statsFile)
}

function readFileOrNull(file: string): Uint8Array | null {
  try {
    return fs.readFileSync(file)
  }
  catch {
    return null
  }
}

function formatCount(count: number): string {
  return count.toLocaleString('en-US')
}
