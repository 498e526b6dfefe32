/**
 * @weighbridge/report: the self-contained HTML bundle report.
 * `renderReport(report)` returns the HTML; `writeReportHtml(report, file)` writes it atomically.
 */
export { renderReport } from './render'
export type { RenderReportOptions } from './render'
export { writeReportHtml } from './write'
export { decodePayload, encodePayload, PAYLOAD_VERSION, serializeForScriptTag } from './payload'
export type { Payload } from './payload'
// The one size formatter lives in core; re-exported so report users keep one import.
export { formatBytes, formatDeltaBytes } from '@weighbridge/core/format-bytes'
export { formatCount, formatPercent } from './format'
export { REPORT_DATA_ELEMENT_ID } from './client/data-element'
