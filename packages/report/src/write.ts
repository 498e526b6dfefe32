import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { Report } from '@weighbridge/core'
import { renderReport, type RenderReportOptions } from './render'

/**
 * Renders `report` and writes it to `file` atomically (temp file in the same folder + rename), so a
 * reader never sees half a report. Returns the number of bytes written.
 */
export function writeReportHtml(report: Report, file: string, options?: RenderReportOptions): { file: string, bytes: number } {
  const html = renderReport(report, options)
  mkdirSync(dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`
  try {
    writeFileSync(temp, html)
    renameSync(temp, file)
  }
  catch (error) {
    rmSync(temp, { force: true })
    throw error
  }
  return { file, bytes: Buffer.byteLength(html) }
}
