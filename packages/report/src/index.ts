/**
 * @weighbridge/report: the self-contained HTML bundle report.
 * `renderReport(report)` returns the HTML; `writeReportHtml(report, file)` writes it atomically.
 */
export { renderReport } from './render'
export type { RenderReportOptions } from './render'
export { writeReportHtml } from './write'
export { decodePayload, encodePayload, PAYLOAD_VERSION, serializeForScriptTag } from './payload'
export type { Payload } from './payload'
export { formatBytes, formatCount, formatDeltaBytes, formatPercent } from './format'
export { REPORT_DATA_ELEMENT_ID } from './client/data-element'
