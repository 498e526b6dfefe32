/**
 * The runtime in builds, checked on the emitted files:
 * - a Vite production build with `runtime: true` ships none of the runtime (no hooks, no wrappers,
 *   no bootstrap), while its report.json carries the static leak findings (WB-LK001…004) at the
 *   fixture's source lines;
 * - a Vite development build and a production build with `runtime.production` do ship it, with the
 *   bootstrap first in the HTML (so the grep above can fail);
 * - Rollup imports the runtime first in the entry chunk.
 */
import type { Report } from '@weighbridge/core'
import fs from 'node:fs'
import path from 'node:path'
import { rollup } from 'rollup'
import { build } from 'vite'
import { beforeAll, describe, expect, it } from 'vitest'
import weighbridgeRollup from 'weighbridge/rollup'
import weighbridge from 'weighbridge/vite'
import { copyRuntimeFixture, RUNTIME_FIXTURE } from './runtime-helpers'

const RUNTIME_MARKERS = ['__WEIGHBRIDGE__', 'installRuntime', '__wb$', 'weighbridge/runtime', 'FinalizationRegistry']

let root: string

function readTree(dir: string): Map<string, string> {
  const files = new Map<string, string>()
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (entry.isFile()) {
      const file = path.join(entry.parentPath, entry.name)
      files.set(path.relative(dir, file), fs.readFileSync(file, 'utf8'))
    }
  }
  return files
}

function markersIn(files: Map<string, string>): string[] {
  const found = new Set<string>()
  for (const text of files.values()) for (const marker of RUNTIME_MARKERS) if (text.includes(marker)) found.add(marker)
  return [...found].sort()
}

async function buildVite(name: string, mode: 'production' | 'development', runtime: unknown, findings?: unknown): Promise<{ files: Map<string, string>, report: Report }> {
  const outDir = path.join(root, '..', name)
  const reportFile = path.join(root, '..', `${name}.report.json`)
  await build({
    root,
    configFile: false,
    logLevel: 'silent',
    mode,
    cacheDir: path.join(root, '../vite-cache'),
    build: {
      outDir,
      emptyOutDir: true,
      minify: mode === 'production',
      rollupOptions: { input: { leaky: path.join(root, 'leaky.html'), clean: path.join(root, 'clean.html') } },
    },
    plugins: [weighbridge({ runtime, reportFile, summary: false, cache: false, gzip: false, brotli: false, findings } as never)],
  })
  return { files: readTree(outDir), report: JSON.parse(fs.readFileSync(reportFile, 'utf8')) as Report }
}

function lineOf(file: string, needle: string): number {
  const text = fs.readFileSync(path.join(RUNTIME_FIXTURE, file), 'utf8')
  return text.slice(0, text.indexOf(needle)).split('\n').length
}

let production: Awaited<ReturnType<typeof buildVite>>
let development: Awaited<ReturnType<typeof buildVite>>
let forced: Awaited<ReturnType<typeof buildVite>>
let silenced: Awaited<ReturnType<typeof buildVite>>

beforeAll(async () => {
  root = copyRuntimeFixture('runtime-builds')
  production = await buildVite('prod', 'production', true)
  development = await buildVite('dev', 'development', true)
  forced = await buildVite('forced', 'production', { production: true, sampleRate: 0.5 })
  silenced = await buildVite('silenced', 'production', false, {
    rules: { 'WB-LK004': 'off', 'WB-LK002': 'error' },
    ignore: [{ rule: 'WB-LK001', modules: 'src/clean-*.ts' }, 'src/leaky-route.ts'],
  })
})

describe('vite production build with runtime: true', () => {
  it('contains none of the runtime', () => {
    expect([...production.files.keys()].some(file => file.endsWith('.js'))).toBe(true)
    expect(markersIn(production.files)).toEqual([])
  })

  it('reports the static leak patterns at the source lines, without a browser', () => {
    const leaks = production.report.findings.filter(finding => finding.rule.startsWith('WB-LK'))
    const at = (rule: string, file: string) => leaks.filter(l => l.rule === rule && l.location?.file === file).map(l => l.location!.line)
    expect(at('WB-LK001', 'src/leaky-route.ts')).toEqual([lineOf('src/leaky-route.ts', 'addEventListener(')])
    expect(at('WB-LK002', 'src/leaky-dialog.ts')).toEqual([lineOf('src/leaky-dialog.ts', 'setInterval(')])
    expect(at('WB-LK003', 'src/leaky-dialog.ts')).toEqual([lineOf('src/leaky-dialog.ts', 'new ResizeObserver')])
    expect(at('WB-LK004', 'src/leaky-cache.ts')).toEqual([lineOf('src/leaky-cache.ts', 'renderedRows = new Map')])
    // The clean page: its window/document listeners release themselves or are removed; only the
    // listener on a transient element is mentioned, with low confidence.
    const clean = leaks.filter(l => l.location?.file === 'src/clean-page.ts')
    expect(clean.map(l => [l.rule, l.location!.line, l.confidence])).toEqual([['WB-LK001', lineOf('src/clean-page.ts', 'addEventListener(\'click\''), 'low']])
    const route = leaks.find(l => l.rule === 'WB-LK001' && l.location?.file === 'src/leaky-route.ts')!
    expect(route.confidence).toBe('high')
    expect(route.message).toContain(`src/leaky-route.ts:${route.location!.line}:`)
    expect(production.report.runtime).toBeNull()
  })
})

it('leak findings obey the findings options (rules off, severities, ignore globs)', () => {
  const leaks = (report: Report) => report.findings.filter(f => f.rule.startsWith('WB-LK')).map(f => `${f.rule} ${f.severity} ${f.location!.file}`).sort()
  expect(leaks(production.report)).toEqual([
    'WB-LK001 warn src/clean-page.ts',
    'WB-LK001 warn src/leaky-route.ts',
    'WB-LK002 warn src/leaky-dialog.ts',
    'WB-LK003 warn src/leaky-dialog.ts',
    'WB-LK004 info src/leaky-cache.ts',
  ])
  expect(leaks(silenced.report)).toEqual([
    'WB-LK002 error src/leaky-dialog.ts',
    'WB-LK003 warn src/leaky-dialog.ts',
  ])
})

describe('builds that ship the runtime', () => {
  it('a development build bootstraps the runtime before the page code', () => {
    // (The bundler renames the hooks' binding `__wb$`.)
    expect(markersIn(development.files)).toEqual(RUNTIME_MARKERS.filter(marker => marker !== '__wb$').sort())
    const html = development.files.get('leaky.html')!
    const scripts = [...html.matchAll(/<script type="module"[^>]*src="([^"]+)"/g)].map(match => match[1]!)
    expect(scripts).toHaveLength(1)
    const entry = development.files.get(scripts[0]!.replace(/^\//, ''))!
    // The entry's first import is the chunk that installs the runtime: it evaluates before the page.
    const firstImport = /^import[^"]*"\.\/([^"]+)"/.exec(entry)
    expect(firstImport).not.toBeNull()
    const runtimeChunk = development.files.get(`assets/${firstImport![1]}`)!
    expect(runtimeChunk).toContain('installRuntime(')
    expect(runtimeChunk).toMatch(/installRuntime\(\{\s*"?sampleRate"?:\s*0?\.1,/)
    expect(entry).not.toContain('installRuntime(')
    expect(entry).toContain('interact')
  })

  it('runtime.production instruments a production build', () => {
    expect(markersIn(forced.files)).toEqual(expect.arrayContaining(['__WEIGHBRIDGE__', 'FinalizationRegistry']))
    const js = [...forced.files.entries()].filter(([file]) => file.endsWith('.js')).map(([, text]) => text).join('\n')
    expect(js).toMatch(/sampleRate["']?:0?\.5/)
  })
})

describe('rollup', () => {
  it('imports the runtime first in the entry chunk and tags the sites', async () => {
    const bundle = await rollup({
      input: path.join(root, 'src/plain-entry.js'),
      plugins: [weighbridgeRollup({ runtime: true, reportFile: false, summary: false, cache: false, root } as never)],
      onwarn: () => {},
    })
    const { output } = await bundle.generate({ format: 'es' })
    await bundle.close()
    const code = output[0].code
    expect(code.indexOf('installRuntime(')).toBeGreaterThan(-1)
    expect(code.indexOf('installRuntime(')).toBeLessThan(code.indexOf('startPolling'))
    // Rollup renames the hooks' import binding; the site table and the tags stay.
    const site = `[1,${lineOf('src/plain-entry.js', 'setInterval(')},10,1]`
    expect(code).toMatch(new RegExp(`(\\w+)\\.r\\("src/plain-entry\\.js",\\${site.slice(0, -1)}\\]\\);\\1\\.s\\(`))
    expect(code).toMatch(/(\w+)\.u\(setInterval\(poll, \1\.t\(1,1000\)\)\)/)
  })
})
