/**
 * The plugin's HTML report step: `report.html` next to report.json (option `html`: true | false | a
 * path relative to the project root), rendered by @weighbridge/report and written atomically.
 */
import path from 'node:path'
import type { Report } from '@weighbridge/core'
import { renderReport } from '@weighbridge/report'
import type { ResolvedOptions } from './options'
import { writeFileAtomic } from './write-file-atomic'

const DEFAULT_REPORT_FILE = '.weighbridge/report.json'

/** Where the HTML report goes, or null when `html: false`. */
export function resolveHtmlReportPath(resolved: Pick<ResolvedOptions, 'html' | 'reportFile'>, root: string): string | null {
  const html = resolved.html ?? true
  if (html === false) return null
  if (typeof html === 'string') return path.resolve(root, html)
  const reportFile = resolved.reportFile === false ? DEFAULT_REPORT_FILE : resolved.reportFile
  return path.join(path.dirname(path.resolve(root, reportFile)), 'report.html')
}

/** Checks the `html` option; pushes one readable problem when it is wrong. */
export function checkHtmlOption(value: unknown, optionPath: string, problems: string[], describe: (value: unknown) => string): void {
  if (value === undefined || typeof value === 'boolean') return
  if (typeof value === 'string' && value.trim() !== '') return
  problems.push(`${optionPath}: got ${describe(value)}; expected true (report.html next to report.json), false, or the path of the HTML file, e.g. 'reports/bundle.html'`)
}

/** Renders and writes the HTML report; returns its absolute path, or null when turned off. */
export async function writeHtmlReport(report: Report, root: string, resolved: Pick<ResolvedOptions, 'html' | 'reportFile'>): Promise<string | null> {
  const htmlPath = resolveHtmlReportPath(resolved, root)
  if (htmlPath === null) return null
  await writeFileAtomic(htmlPath, renderReport(report))
  return htmlPath
}
