import { describe, expect, it } from 'vitest'
import type { Report } from '@weighbridge/core'
import { checkBudgets, diffReports, GITHUB_COMMENT_LIMIT, measureBytes, renderMarkdownSummary, validateBudgets } from '@weighbridge/core'
import type { FakeModule } from './budgets-report-fixture'
import { makeAppBuild, makeReport } from './budgets-report-fixture'

/** Every table in the markdown: consecutive `|` lines; each must have a header, a separator and equal cell counts. */
function readTables(markdown: string): string[][] {
  const tables: string[][] = []
  let current: string[] | null = null
  for (const line of markdown.split('\n')) {
    if (line.startsWith('|')) {
      current ??= []
      current.push(line)
    }
    else if (current) {
      tables.push(current)
      current = null
    }
  }
  if (current)
    tables.push(current)
  return tables
}

const countCells = (row: string): number => row.replace(/\\\|/g, '').split('|').length - 2

function expectWellFormedTables(markdown: string): void {
  for (const table of readTables(markdown)) {
    expect(table.length).toBeGreaterThanOrEqual(3)
    expect(table[1]).toMatch(/^\| (:?---:?)( \| :?---:?)* \|$/)
    const cells = countCells(table[0]!)
    for (const row of table) {
      expect(row.endsWith(' |')).toBe(true)
      expect(countCells(row)).toBe(cells)
    }
  }
}

function withBudgetsAndDiff(before: Report, after: Report): Report {
  const { budgets } = validateBudgets([
    { kind: 'initial', limit: '20 kB' },
    { kind: 'total', type: 'js', warn: '1 kB' },
    { kind: 'asset', limit: '1 MB', metric: 'raw' },
  ])
  return { ...after, budgets: checkBudgets(after, budgets, { baseline: before }).results, diff: diffReports(before, after, { baselineLabel: 'main' }) }
}

describe('markdown summary', () => {
  it('shows budgets, initial loads and the biggest changes', () => {
    const before = makeReport(makeAppBuild())
    const after = makeReport(makeAppBuild({ extraMainModules: [{ id: 'node_modules/date-fns/index.js', pkg: 'date-fns', raw: 9_000, gzip: 4_000 }] }))
    const markdown = renderMarkdownSummary(withBudgetsAndDiff(before, after))
    expect(markdown.split('\n')[0]).toBe('## Weighbridge: ❌ 1 of 4 budgets broken, 1 over the warn limit')
    const beforeGzip = before.outputs.filter(output => output.kind !== 'map').reduce((sum, output) => sum + output.gzipBytes!, 0)
    expect(markdown).toContain(`+4.0 kB gzip (+${((4_000 / beforeGzip) * 100).toFixed(1)}%) against baseline \`main\``)
    expectWellFormedTables(markdown)
    const [budgets, loads, packages] = readTables(markdown)
    expect(budgets![2]).toMatch(/^\| ❌ \| initial load of index\.html \(gzip\) <sub>budgets\[0\]<\/sub> \| 26\.9 kB \| error 20\.0 kB \| react 16\.0 kB, date-fns 4\.0 kB \(\+4\.0 kB\), src\/app\.ts 3\.0 kB \|$/)
    expect(loads![2]).toBe('| `index.html` | 3 | 81.4 kB | 26.9 kB | 24.2 kB | +4.0 kB |')
    expect(packages![2]).toBe('| `date-fns` | added | — | 4.0 kB | +4.0 kB | +9.0 kB |')
    expect(markdown).not.toContain('left out')
  })

  it('keeps a diff of 10,000 changed modules under 65,536 characters and says what it left out', () => {
    const many = (count: number, gzip: (i: number) => number): FakeModule[] => Array.from({ length: count }, (_, i) => ({
      id: `src/generated/feature-${String(i).padStart(5, '0')}/components/some-rather-long-component-name-${i}.tsx`,
      raw: gzip(i) * 3,
      gzip: gzip(i),
    }))
    const before = makeReport(makeAppBuild({ extraMainModules: many(10_000, i => 100 + i) }))
    const after = makeReport(makeAppBuild({ extraMainModules: many(10_000, i => 100 + i + (i % 7) + 1) }))
    const report = withBudgetsAndDiff(before, after)
    expect(report.diff!.modules.length).toBe(10_000)

    // Everything listed: the module table alone would be ~1.5 MB; it must be cut by whole rows.
    const markdown = renderMarkdownSummary(report, { maxChanges: 20_000 })
    expect(markdown.length).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT)
    expect(measureBytes(markdown)).toBeLessThanOrEqual(GITHUB_COMMENT_LIMIT)
    expect(Buffer.byteLength(markdown)).toBe(measureBytes(markdown))
    expectWellFormedTables(markdown)
    const moduleTable = readTables(markdown).find(table => table[0]!.startsWith('| Module'))!
    const shownRows = moduleTable.length - 2
    expect(shownRows).toBeGreaterThan(100)
    expect(shownRows).toBeLessThan(10_000)
    expect(markdown).toContain(`… ${(10_000 - shownRows).toLocaleString('en-US')} more modules left out to fit GitHub's 65,536-character limit (the smallest changes)`)
    // The largest changes come first: the first shown row is one of the modules that grew by 7 bytes.
    expect(moduleTable[2]).toMatch(/\| \+7 B \| \+21 B \|$/)
    // Budgets and initial loads come before module rows and are whole.
    expect(readTables(markdown)[0]!.length).toBe(2 + 4)

    // With the default cap the summary names how many changes exist.
    const capped = renderMarkdownSummary(report)
    expect(capped).toContain('The 50 largest of 10,000 changed modules; the rest are in report.json.')
    expect(readTables(capped).find(table => table[0]!.startsWith('| Module'))!.length).toBe(52)
  })

  it('drops whole tables with a note when even one row does not fit', () => {
    const before = makeReport(makeAppBuild())
    const after = makeReport(makeAppBuild({ chartGzip: 61_000 }))
    const report = withBudgetsAndDiff(before, after)
    const full = renderMarkdownSummary(report)
    const maxBytes = measureBytes(full) - 100
    const small = renderMarkdownSummary(report, { maxBytes })
    expect(measureBytes(small)).toBeLessThanOrEqual(maxBytes)
    expectWellFormedTables(small)
    const note = /<sub>Left out to fit GitHub's 65,536-character limit: (.*)\. See report\.json or the HTML report\.<\/sub>/.exec(small)
    expect(note).not.toBeNull()
    const dropped = note![1]!.split('; ')
    expect(dropped.at(-1)).toBe('the Modules changed table (1 row)')
    // Whatever is shown is shown whole, in the same order as in the full summary.
    expect(full.startsWith(small.slice(0, note!.index).trimEnd())).toBe(true)
    for (const text of dropped)
      expect(small).not.toContain(`### ${text.replace(/^the (.*) table.*$/, '$1')}`)
    expect(readTables(small)[0]).toEqual(readTables(full)[0])
  })
})
