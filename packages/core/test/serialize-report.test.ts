/**
 * report.json bytes: modules serialized ahead (`prepareModulesJson`, what the plugin does while the
 * files compress) give the same bytes as serializing the whole report at once, also with module
 * ids full of JSON syntax, newlines, `<script>` and the marker the splice looks for.
 */
import type { Module, Report } from '@weighbridge/core'
import { prepareModulesJson, serializeReport, sortReport } from '@weighbridge/core'
import { describe, expect, it } from 'vitest'
import { sortModules } from '../src/sort-report'
import { makeAppBuild, makeReport } from './budgets-report-fixture'

const hostileIds = [
  'src/\n  "modules": 0,\n.js',
  'src/"modules": 0.js',
  'src/<script>alert(1)</script>.ts',
  '\u0000virtual:entry',
  'src/ünïcødé/😀.js',
]

function withHostileModules(report: Report): Report {
  const extra: Module[] = hostileIds.map((id, index) => ({
    id,
    package: null,
    originalBytes: 10 + index,
    format: 'esm',
    exports: ['b', 'a', '"modules": 0'],
    sideEffects: null,
    isEntry: false,
    imports: [{ id: report.modules[0]!.id, kind: 'static' }],
    importers: [report.modules[1]!.id, report.modules[0]!.id],
    dynamicImporters: [],
  }))
  // Unsorted on purpose: the canonical order is the serializer's job.
  return { ...report, modules: [...extra, ...report.modules].reverse() }
}

describe('serializeReport with modules prepared ahead', () => {
  const report = withHostileModules(makeReport(makeAppBuild()))
  const plain = serializeReport(structuredClone(report))

  it('writes the same bytes as serializing everything at once', () => {
    const modules = sortModules(report.modules)
    prepareModulesJson(modules)
    const prepared = serializeReport({ ...report, modules })
    expect(prepared).toBe(plain)
    // The bytes parse back to the report in canonical order, hostile ids intact.
    const parsed = JSON.parse(prepared) as Report
    expect(parsed).toEqual(JSON.parse(JSON.stringify(sortReport(report))))
    expect(parsed.modules.map(module => module.id)).toEqual(expect.arrayContaining(hostileIds))
  })

  it('keeps a sortModules array as it is in sortReport, and ignores arrays it did not sort', () => {
    const modules = sortModules(report.modules)
    expect(sortReport({ ...report, modules }).modules).toBe(modules)
    const handMade = [...modules]
    expect(sortReport({ ...report, modules: handMade }).modules).not.toBe(handMade)
    prepareModulesJson(handMade)
    expect(serializeReport({ ...report, modules: handMade })).toBe(plain)
  })

  it('serializes an empty module list the same way', () => {
    const empty = { ...report, modules: [] }
    const modules = sortModules([])
    prepareModulesJson(modules)
    expect(serializeReport({ ...report, modules })).toBe(serializeReport(empty))
  })
})
