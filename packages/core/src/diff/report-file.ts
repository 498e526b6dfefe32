/**
 * Reading saved reports (report.json, baselines) with one clear error per problem, and writing them
 * atomically: a temp file in the same folder, flushed, then renamed over the target, so a crash or a
 * kill at any moment leaves either the old file or the new one, never half of one.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import type { Report } from '../model'
import { SCHEMA_VERSION } from '../model'
import { serializeReport } from '../serialize-report'

/** A problem with a file the user gave us: the message is one readable line, no stack needed. */
export class ReportFileError extends Error {
  readonly isUserError = true
  constructor(message: string, readonly file: string) {
    super(message)
    this.name = 'ReportFileError'
  }
}

export interface ReadReportOptions {
  /** How the file is called in messages. @default 'report' */
  role?: 'report' | 'baseline'
  /** The path as the user wrote it, for messages. @default file */
  displayName?: string
}

/** Reads and checks a saved Weighbridge report; throws `ReportFileError` naming the file otherwise. */
export function readReportFile(file: string, options: ReadReportOptions = {}): Report {
  const role = options.role ?? 'report'
  const shown = options.displayName ?? file
  const fix = role === 'baseline'
    ? 'save a new one with `weighbridge baseline save` (or delete it)'
    : 'build again to write a new report'
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  }
  catch (error) {
    const code = (error as NodeJS.ErrnoException).code
    if (code === 'ENOENT')
      throw new ReportFileError(`${role} ${shown} does not exist; ${role === 'baseline' ? 'save one with `weighbridge baseline save`' : 'build with the weighbridge plugin first, or pass the path of a report.json'}`, file)
    throw new ReportFileError(`${role} ${shown} cannot be read (${code ?? String(error)}); check the path and its permissions`, file)
  }
  return parseReportText(text, shown, role, fix)
}

export function parseReportText(text: string, file: string, role: 'report' | 'baseline' = 'report', fix = 'write it again'): Report {
  let data: unknown
  try {
    data = JSON.parse(text)
  }
  catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    throw new ReportFileError(`${role} ${file} is not valid JSON (${reason}; ${text.length} characters read), it may be truncated or corrupted; ${fix}`, file)
  }
  if (data === null || typeof data !== 'object' || Array.isArray(data))
    throw new ReportFileError(`${role} ${file} is not a Weighbridge report (got JSON ${Array.isArray(data) ? 'array' : typeof data}); ${fix}`, file)
  const record = data as Record<string, unknown>
  const version = record.schemaVersion
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1)
    throw new ReportFileError(`${role} ${file} is not a Weighbridge report (schemaVersion ${version === undefined ? 'missing' : JSON.stringify(version)}); ${fix}`, file)
  if (version > SCHEMA_VERSION)
    throw new ReportFileError(`${role} ${file} has schemaVersion ${version}, newer than this weighbridge reads (${SCHEMA_VERSION}); upgrade weighbridge, or ${fix}`, file)
  const missing = ['outputs', 'chunks', 'modules', 'packages', 'entries'].filter(key => !Array.isArray(record[key]))
  if (missing.length)
    throw new ReportFileError(`${role} ${file} is incomplete (no ${missing.join(', ')} list); ${fix}`, file)
  const report = data as Report
  // Older writers may omit the later, optional parts.
  report.findings ??= []
  report.budgets ??= []
  report.diff ??= null
  report.runtime ??= null
  return report
}

/**
 * Writes `data` to `file` through a temp file in the same folder and a rename. `data` may be an
 * (async) iterable of pieces, so large reports need not be one string in memory.
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array | Iterable<string | Uint8Array> | AsyncIterable<string | Uint8Array>): Promise<void> {
  const folder = dirname(file)
  mkdirSync(folder, { recursive: true })
  const tempFile = join(folder, `.${basename(file)}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`)
  const fd = openSync(tempFile, 'wx')
  let closed = false
  try {
    if (typeof data === 'string' || data instanceof Uint8Array) {
      writeFully(fd, data)
    }
    else {
      for await (const piece of data as AsyncIterable<string | Uint8Array>)
        writeFully(fd, piece)
    }
    fsyncSync(fd)
    closeSync(fd)
    closed = true
    renameSync(tempFile, file)
  }
  catch (error) {
    if (!closed)
      closeSync(fd)
    rmSync(tempFile, { force: true })
    throw error
  }
}

function writeFully(fd: number, piece: string | Uint8Array): void {
  const bytes = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece
  let offset = 0
  while (offset < bytes.length)
    offset += writeSync(fd, bytes, offset, bytes.length - offset)
}

/** The baseline copy of a report: the report without its own diff (no nested comparisons). */
export function toBaseline(report: Report): Report {
  const { generatedAt: _generatedAt, ...rest } = report
  return { ...rest, diff: null }
}

/** Saves a report as a baseline, atomically. */
export async function saveBaselineFile(report: Report, file: string): Promise<void> {
  await writeFileAtomic(file, serializeReport(toBaseline(report)))
}
