/**
 * report.json as bytes: canonical order (`sortReport`), object keys sorted, two-space indent, final
 * newline. The same build gives byte-identical output; `generatedAt` appears only when it was set.
 */
import type { Report } from './model'
import { compareStrings, sortReport } from './sort-report'

function sortKeysDeep(value: unknown): unknown {
  if (Array.isArray(value))
    return value.map(sortKeysDeep)
  if (value === null || typeof value !== 'object')
    return value
  const sorted: Record<string, unknown> = {}
  for (const key of Object.keys(value).sort(compareStrings)) {
    const item = (value as Record<string, unknown>)[key]
    if (item !== undefined)
      sorted[key] = sortKeysDeep(item)
  }
  return sorted
}

export function serializeReport(report: Report): string {
  return `${JSON.stringify(sortKeysDeep(sortReport(report)), null, 2)}\n`
}
