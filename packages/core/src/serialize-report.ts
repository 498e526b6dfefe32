/**
 * report.json as bytes: canonical order (`sortReport`), object keys sorted, two-space indent, final
 * newline. The same build gives byte-identical output; `generatedAt` appears only when it was set.
 */
import type { Module, Report } from './model'
import { compareStrings, isCanonicalModules, sortReport } from './sort-report'

/**
 * `value` with every object's keys in sorted order, for JSON.stringify. Copy on change: an object
 * whose keys are already sorted, and whose members need no change, is returned as it is (the
 * model's builders create most records in key order, so a 20,000-module report is not copied whole).
 */
function sortKeysDeep(value: unknown): unknown {
  if (value === null || typeof value !== 'object')
    return value
  if (Array.isArray(value)) {
    let copy: unknown[] | null = null
    for (let index = 0; index < value.length; index++) {
      const item: unknown = value[index]
      const sorted = sortKeysDeep(item)
      if (copy === null && sorted !== item)
        copy = value.slice(0, index)
      copy?.push(sorted)
    }
    return copy ?? value
  }
  const record = value as Record<string, unknown>
  const keys = Object.keys(record)
  let inOrder = true
  for (let index = 1; index < keys.length && inOrder; index++)
    inOrder = compareStrings(keys[index - 1]!, keys[index]!) < 0
  let changed = !inOrder
  const members: unknown[] = Array.from({ length: keys.length })
  for (let index = 0; index < keys.length; index++) {
    const item = record[keys[index]!]
    members[index] = sortKeysDeep(item)
    changed ||= members[index] !== item
  }
  if (!changed)
    return value
  const order = keys.map((key, index) => index)
  if (!inOrder)
    order.sort((a, b) => compareStrings(keys[a]!, keys[b]!))
  const sorted: Record<string, unknown> = {}
  for (const index of order) {
    if (members[index] !== undefined)
      sorted[keys[index]!] = members[index]
  }
  return sorted
}

/** Modules arrays serialized ahead (`prepareModulesJson`), as they appear at depth 1 of report.json. */
const preparedModules = new WeakMap<readonly Module[], string>()

/**
 * Serializes a `sortModules` array now, so that `serializeReport` of a report holding this very
 * array only splices the text in: the modules are ~60 % of report.json and do not depend on the
 * compressed sizes, so the plugin does this while the files compress. Other arrays are ignored.
 */
export function prepareModulesJson(modules: readonly Module[]): void {
  if (isCanonicalModules(modules))
    preparedModules.set(modules, JSON.stringify(sortKeysDeep(modules), null, 2).replaceAll('\n', '\n  '))
}

export function serializeReport(report: Report): string {
  const sorted = sortReport(report)
  const modulesText = preparedModules.get(sorted.modules)
  if (modulesText === undefined)
    return `${JSON.stringify(sortKeysDeep(sorted), null, 2)}\n`
  // A top-level key is the only line that starts with two spaces and its name: splice the text there.
  const text = JSON.stringify(sortKeysDeep({ ...sorted, modules: 0 }), null, 2)
  const marker = '\n  "modules": 0'
  const found = text.indexOf(marker)
  if (found === -1)
    return `${JSON.stringify(sortKeysDeep(sorted), null, 2)}\n`
  const at = found + marker.length - 1
  return `${text.slice(0, at)}${modulesText}${text.slice(at + 1)}\n`
}

/**
 * `serializeReport`'s bytes in pieces: each element of the top-level arrays (modules, chunks...)
 * is stringified on its own and indented to its depth, so that writing a report never holds its
 * whole text, or a sorted copy of the whole report, at once (a 20,000-module report is 10 MB).
 */
export function* serializeReportParts(report: Report): Generator<string> {
  const sorted = sortReport(report) as unknown as Record<string, unknown>
  // The members JSON.stringify would write (it leaves out undefined, functions and symbols).
  const keys = Object.keys(sorted).sort(compareStrings).filter((key) => {
    const value = sorted[key]
    return value !== undefined && typeof value !== 'function' && typeof value !== 'symbol'
  })
  if (keys.length === 0) {
    yield '{}\n'
    return
  }
  yield '{\n'
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index]!
    const value = sorted[key]
    const comma = index < keys.length - 1 ? ',' : ''
    if (Array.isArray(value) && value.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`
      for (let item = 0; item < value.length; item++) {
        // Stringified at its depth (two levels in) by wrapping it twice, then unwrapped: `[\n  [\n    ` … `\n  ]\n]`.
        const text = JSON.stringify([[sortKeysDeep(value[item])]], null, 2).slice(10, -6)
        yield `    ${text}${item < value.length - 1 ? ',' : ''}\n`
      }
      yield `  ]${comma}\n`
    }
    else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify([sortKeysDeep(value)], null, 2).slice(4, -2)}${comma}\n`
    }
  }
  yield '}\n'
}
