/**
 * One self-contained HTML file: inline CSS, the UI as one inline script, and the report embedded once
 * as compact JSON (see payload.ts) in a `<script type="application/json">` element that the UI reads
 * with JSON.parse(textContent). Works from file:// with no network.
 */
import type { Report } from '@weighbridge/core'
import { loadClientScript } from './client-bundle'
import { encodePayload, serializeForScriptTag } from './payload'
import { REPORT_CSS } from './client/styles'
import { REPORT_DATA_ELEMENT_ID } from './client/data-element'

export interface RenderReportOptions {
  /** Page title. @default 'Weighbridge report' (plus the bundler name) */
  title?: string
}

function escapeHtmlText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
}

export function renderReport(report: Report, options: RenderReportOptions = {}): string {
  const title = options.title ?? `Weighbridge report${report.bundler?.name ? ` (${report.bundler.name})` : ''}`
  const data = serializeForScriptTag(encodePayload(report))
  const script = loadClientScript()
  const css = REPORT_CSS.replace(/<\/(style)/gi, '<\\/$1')
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="color-scheme" content="light dark">',
    `<title>${escapeHtmlText(title)}</title>`,
    `<style>${css}</style>`,
    '</head>',
    '<body>',
    '<div id="app"><noscript>This report needs JavaScript to draw its views; the data is in the script element below.</noscript></div>',
    `<script type="application/json" id="${REPORT_DATA_ELEMENT_ID}">${data}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
