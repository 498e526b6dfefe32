/**
 * `weighbridge report <report.json> [--out] [--open]` and the plugin's `html` option, on real files.
 */
import type { Report } from '@weighbridge/core'
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { cac } from 'cac'
import { beforeAll, describe, expect, it } from 'vitest'
import { serializeReport } from '@weighbridge/core'
import { decodePayload } from '@weighbridge/report'
import { registerReportCommand, runReportCommand, type ReportCommandIo } from '../packages/weighbridge/src/cli/report'
import { resolveHtmlReportPath, writeHtmlReport } from '../packages/weighbridge/src/html-report-step'
import { resolveOptions } from '../packages/weighbridge/src/options'
import { createTempDir } from './report-helpers/browser'
import { generateReport } from './report-helpers/generate-report'

let dir: string
let report: Report
let reportFile: string

function createIo(cwd: string): ReportCommandIo & { out: string[], err: string[], opened: string[] } {
  const io = {
    out: [] as string[],
    err: [] as string[],
    opened: [] as string[],
    cwd,
    stdout: { write: (text: string) => io.out.push(text) },
    stderr: { write: (text: string) => io.err.push(text) },
    openFile: (file: string) => {
      io.opened.push(file)
    },
  }
  return io
}

function embeddedReport(htmlFile: string): Report {
  const html = readFileSync(htmlFile, 'utf8')
  return decodePayload(JSON.parse(/<script type="application\/json" id="weighbridge-data">(.*?)<\/script>/s.exec(html)![1]!))
}

beforeAll(() => {
  dir = createTempDir('report-cli')
  report = generateReport({ modules: 300, seed: 3 })
  reportFile = path.join(dir, 'saved', 'report.json')
  mkdirSync(path.dirname(reportFile), { recursive: true })
  writeFileSync(reportFile, serializeReport(report))
})

describe('weighbridge report', () => {
  it('writes report.html next to the report by default, and it holds the report', async () => {
    const io = createIo(dir)
    expect(await runReportCommand('saved/report.json', {}, io)).toBe(0)
    const htmlFile = path.join(dir, 'saved', 'report.html')
    expect(embeddedReport(htmlFile)).toEqual(JSON.parse(readFileSync(reportFile, 'utf8')))
    expect(io.out.join('')).toMatch(/^Wrote saved\/report\.html \(\d+\.\d kB, 300 modules\)\n$/)
    expect(io.err).toEqual([])
    expect(io.opened).toEqual([])
    expect(readdirSync(path.dirname(htmlFile)).sort()).toEqual(['report.html', 'report.json'])
  })

  it('writes to --out (creating folders) and hands the file to the opener with --open', async () => {
    const io = createIo(dir)
    expect(await runReportCommand(reportFile, { out: 'nested/deeper/bundle.html', open: true }, io)).toBe(0)
    const outFile = path.join(dir, 'nested/deeper/bundle.html')
    expect(existsSync(outFile)).toBe(true)
    expect(io.opened).toEqual([outFile])
    expect(embeddedReport(outFile).modules).toHaveLength(300)
  })

  it('registers on the CLI as `report <report> [--out] [--open]`', async () => {
    const io = createIo(dir)
    const cli = cac('weighbridge')
    let task: Promise<number> | undefined
    registerReportCommand(cli, io, (started) => {
      task = started
    })
    cli.parse(['node', 'weighbridge', 'report', 'saved/report.json', '--out', 'from-cli.html', '--open'], { run: false })
    await cli.runMatchedCommand()
    expect(await task).toBe(0)
    expect(io.opened).toEqual([path.join(dir, 'from-cli.html')])
  })

  it('refuses bad input with one readable line and exit code 2', async () => {
    writeFileSync(path.join(dir, 'broken.json'), '{"schemaVersion": 1, "outputs": [')
    writeFileSync(path.join(dir, 'array.json'), '[1, 2]')
    const cases: [string, { out?: string }, RegExp][] = [
      ['missing.json', {}, /^weighbridge: report \S+missing\.json does not exist; /],
      ['broken.json', {}, /^weighbridge: report \S+broken\.json is not valid JSON \(/],
      ['array.json', {}, /^weighbridge: report \S+array\.json is not a Weighbridge report \(got JSON array\)/],
      ['saved/report.json', { out: 'saved/report.json' }, /^weighbridge: --out saved\/report\.json is the input report itself; choose an \.html path/],
    ]
    for (const [input, flags, message] of cases) {
      const io = createIo(dir)
      expect(await runReportCommand(input, flags, io), input).toBe(2)
      const stderr = io.err.join('')
      expect(stderr).toMatch(message)
      expect(stderr.trim().split('\n'), input).toHaveLength(1)
      expect(stderr).not.toContain('    at ')
      expect(io.out).toEqual([])
    }
    expect(existsSync(path.join(dir, 'broken.html'))).toBe(false)
    expect(existsSync(path.join(dir, 'missing.html'))).toBe(false)
  })
})

describe('the plugin option `html`', () => {
  it('defaults to report.html next to report.json; a path or false are honoured', async () => {
    const root = path.join(dir, 'project')
    expect(resolveOptions({}).html).toBe(true)
    expect(resolveHtmlReportPath(resolveOptions({}), root)).toBe(path.join(root, '.weighbridge/report.html'))
    expect(resolveHtmlReportPath(resolveOptions({ reportFile: 'out/stats/r.json' }), root)).toBe(path.join(root, 'out/stats/report.html'))
    expect(resolveHtmlReportPath(resolveOptions({ html: 'reports/bundle.html' }), root)).toBe(path.join(root, 'reports/bundle.html'))
    expect(resolveHtmlReportPath(resolveOptions({ html: false }), root)).toBeNull()

    const written = await writeHtmlReport(report, root, resolveOptions({ html: 'reports/bundle.html' }))
    expect(written).toBe(path.join(root, 'reports/bundle.html'))
    expect(embeddedReport(written!).chunks.map(chunk => chunk.file)).toEqual(report.chunks.map(chunk => chunk.file))
    expect(readdirSync(path.join(root, 'reports'))).toEqual(['bundle.html'])
    expect(await writeHtmlReport(report, root, resolveOptions({ html: false }))).toBeNull()
  })

  it('rejects a wrong value, naming the option and the fix', () => {
    expect(() => resolveOptions({ html: 3 as unknown as boolean })).toThrow(/html: got 3 \(number\); expected true \(report\.html next to report\.json\), false, or the path of the HTML file/)
    expect(() => resolveOptions({ html: '' })).toThrow(/html: got/)
  })
})
