export { diffReports } from './diff-reports'
export type { DiffReportsOptions } from './diff-reports'
export { parseReportText, readReportFile, ReportFileError, saveBaselineFile, toBaseline, writeFileAtomic } from './report-file'
export type { ReadReportOptions } from './report-file'
