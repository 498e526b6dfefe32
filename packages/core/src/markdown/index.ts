export { escapeCell, fitMarkdown, formatCode, measureBytes } from './fit-markdown'
export type { FitOptions, MarkdownTable } from './fit-markdown'
export { GITHUB_COMMENT_LIMIT, renderMarkdownSummary } from './render-markdown-summary'
export type { MarkdownSummaryOptions } from './render-markdown-summary'
