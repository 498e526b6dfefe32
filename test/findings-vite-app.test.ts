/**
 * The findings on examples/vite-app, built with Vite through the plugin: every planted problem
 * (CommonJS lodash for two functions, moment with all locales, `import * as _` from lodash-es read
 * with computed keys, date-fns at two versions) is found, priced in bytes and located at the import.
 */
import type { Finding, Report } from '@weighbridge/core'
import { computeFindings, createSourceReader, formatFindingsLines, serializeReport } from '@weighbridge/core'
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import path from 'node:path'
import { build } from 'vite'
import weighbridge from 'weighbridge/vite'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const repoRoot = path.resolve(import.meta.dirname, '..')
const appDir = path.join(repoRoot, 'examples/vite-app')
const workDir = path.join(repoRoot, 'test/.tmp', `findings-vite-app-${process.pid}-${Date.now()}`)

function findOne(report: Report, rule: string, predicate: (finding: Finding) => boolean): Finding {
  const found = report.findings.filter(finding => finding.rule === rule && predicate(finding))
  expect(found, `${rule} findings: ${report.findings.filter(f => f.rule === rule).map(f => f.id).join(', ')}`).toHaveLength(1)
  return found[0]!
}

/** A module's shipped sizes summed over the chunks, straight from the chunk records. */
function shippedRawBytes(report: Report, predicate: (id: string) => boolean): number {
  return report.chunks.flatMap(chunk => chunk.modules).filter(module => predicate(module.id)).reduce((sum, module) => sum + module.rawBytes, 0)
}

describe('findings on examples/vite-app (Vite + weighbridge/vite)', () => {
  let report: Report
  let printed: string[]

  beforeAll(async () => {
    mkdirSync(workDir, { recursive: true })
    // The plugin prints its summary on stdout: capture it for the build.
    const lines: string[] = []
    const write = process.stdout.write.bind(process.stdout)
    process.stdout.write = ((chunk: string | Uint8Array) => {
      lines.push(String(chunk))
      return true
    }) as typeof process.stdout.write
    try {
      await build({
        root: appDir,
        configFile: false,
        logLevel: 'silent',
        build: { outDir: path.join(workDir, 'dist'), emptyOutDir: true },
        plugins: [weighbridge({ reportFile: path.join(workDir, 'report.json'), cache: false, brotli: false, logLevel: 'info' })],
      })
    }
    finally {
      process.stdout.write = write
    }
    report = JSON.parse(readFileSync(path.join(workDir, 'report.json'), 'utf8')) as Report
    printed = lines
  })

  afterAll(() => {
    rmSync(workDir, { recursive: true, force: true })
  })

  it('CommonJS lodash used for two functions: WB-TS001 with the lodash-es imports to paste', () => {
    const finding = findOne(report, 'WB-TS001', f => f.packages.some(id => id.endsWith('/lodash')))
    expect(finding.severity).toBe('warn')
    expect(finding.message).toContain('debounce, throttle')
    expect(finding.snippet).toBe('import debounce from \'lodash-es/debounce\'\nimport throttle from \'lodash-es/throttle\'')
    expect(finding.location).toEqual({ file: 'src/components/search-box.tsx', line: 4, column: 1 })
    expect(finding.load).toBe('initial')
    expect(finding.confidence).toBe('medium')
    // Savings: the shipped lodash module minus the estimated lodash-es functions — positive, below the shipped bytes.
    const shipped = shippedRawBytes(report, id => id.endsWith('/lodash/lodash.js'))
    expect(finding.savings.rawBytes).toBeGreaterThan(0.8 * shipped)
    expect(finding.savings.rawBytes).toBeLessThan(shipped)
    expect(finding.savings.gzipBytes!).toBeGreaterThan(1000)
  })

  it('moment with every locale: WB-TS005 priced as the locales\' share of the file (sizes on disk)', () => {
    const finding = findOne(report, 'WB-TS005', f => f.modules.some(id => id.endsWith('moment/min/moment-with-locales.js')))
    expect(finding.location).toEqual({ file: 'src/components/locale-clock.tsx', line: 4, column: 1 })
    const momentDir = path.join(appDir, 'node_modules/moment')
    const share = 1 - statSync(path.join(momentDir, 'moment.js')).size / statSync(path.join(momentDir, 'min/moment-with-locales.js')).size
    const shipped = shippedRawBytes(report, id => id.endsWith('moment/min/moment-with-locales.js'))
    expect(finding.savings.rawBytes).toBeGreaterThan(0)
    expect(Math.abs(finding.savings.rawBytes - shipped * share)).toBeLessThanOrEqual(1)
    expect(finding.snippet).toContain('import moment from \'moment\'')
  })

  it('namespace import of lodash-es read with computed keys: WB-TS003 on the lazy reports route', () => {
    const finding = findOne(report, 'WB-TS003', f => f.location?.file === 'src/lib/transforms.ts')
    expect(finding.location).toEqual({ file: 'src/lib/transforms.ts', line: 5, column: 1 })
    expect(finding.load).toBe('lazy')
    expect(finding.confidence).toBe('low')
    expect(finding.modules.length).toBeGreaterThan(100)
    expect(finding.modules.every(id => id.includes('/lodash-es/'))).toBe(true)
    expect(finding.savings.gzipBytes!).toBeGreaterThan(1000)
    // Priced as the shipped lodash-es modules (upper bound): equal to their sum in the chunks.
    const shipped = shippedRawBytes(report, id => id.includes('/lodash-es/'))
    expect(finding.savings.rawBytes).toBeLessThanOrEqual(shipped)
    expect(finding.savings.rawBytes).toBeGreaterThan(0.9 * shipped)
  })

  it('date-fns at two versions: WB-DP001 naming both copies, their importers and the alias', () => {
    const finding = findOne(report, 'WB-DP001', f => f.id === 'WB-DP001:date-fns')
    expect(finding.message).toContain('4.4.0')
    expect(finding.message).toContain('2.30.0')
    expect(finding.message).toContain('src/components/header.tsx:3')
    expect(finding.message).toContain('src/components/footer.tsx:3 as \'date-fns-2\'')
    expect(finding.location).toEqual({ file: 'src/components/footer.tsx', line: 3, column: 1 })
    expect(finding.snippet).toContain('import { formatDistanceToNow } from \'date-fns\'')
    expect(finding.modules.length).toBeGreaterThan(0)
    expect(finding.modules.every(id => id.includes('date-fns@2.30.0'))).toBe(true)
    expect(finding.savings.gzipBytes!).toBeGreaterThan(0)
    expect(finding.savings.rawBytes).toBe(shippedRawBytes(report, id => id.includes('date-fns@2.30.0')))
  })

  it('lazy-load candidates point at imports in the app\'s own scripts, never at the HTML page or lazy routes', () => {
    const candidates = report.findings.filter(finding => finding.rule === 'WB-LL001' || finding.rule === 'WB-LL002')
    expect(candidates.length).toBeGreaterThan(0)
    for (const candidate of candidates) {
      expect(candidate.location!.file).toMatch(/^src\/.*\.tsx?$/)
      expect(candidate.load).toBe('initial')
      expect(candidate.snippet).toContain('import(')
      expect(candidate.modules.some(id => id.includes('chart.js'))).toBe(false)
    }
    const ids = candidates.map(candidate => candidate.id)
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('findings are sorted by gzip savings and the terminal summary shows the top five', () => {
    const gzip = report.findings.map(finding => finding.savings.gzipBytes ?? finding.savings.rawBytes)
    expect(gzip).toEqual([...gzip].sort((a, b) => b - a))
    const lines = formatFindingsLines(report.findings)
    expect(lines[0]).toBe(`Findings: ${report.findings.length} (top 5 by gzip savings; all in the report)`)
    expect(lines).toHaveLength(11)
    const summary = printed.join('\n')
    for (const finding of report.findings.slice(0, 5)) expect(summary).toContain(finding.title)
  })

  it('wrote report.json with its modules serialized ahead: the same bytes as serializing it whole', () => {
    const text = readFileSync(path.join(workDir, 'report.json'), 'utf8')
    expect(serializeReport(JSON.parse(text) as Report)).toBe(text)
  })

  it('reads sources once, before the rules run: a prescanned reader leaves the rules little to scan', async () => {
    const withoutFindings: Report = { ...report, findings: [] }
    // Without a prescan, the rules scan what they need as they go.
    const unprepared = createSourceReader(appDir)
    const fresh = await computeFindings(withoutFindings, { root: appDir, sources: unprepared })
    expect(unprepared.scanned.imports).toBeGreaterThan(5)
    expect(unprepared.scanned.uses).toBeGreaterThan(1)
    // With one (what the plugin does while the files compress), the same findings, the scans done before.
    const sources = createSourceReader(appDir)
    await sources.prescan(report.modules.filter(module => module.package === null).map(module => module.id))
    const before = { ...sources.scanned }
    const prescanned = await computeFindings(withoutFindings, { root: appDir, sources })
    expect(prescanned).toEqual(fresh)
    expect(prescanned.length).toBeGreaterThan(3)
    const duringRules = { imports: sources.scanned.imports - before.imports, uses: sources.scanned.uses - before.uses }
    expect(duringRules.imports).toBeLessThan(unprepared.scanned.imports / 2)
    expect(duringRules.uses).toBeLessThan(unprepared.scanned.uses / 2)
  })
})
