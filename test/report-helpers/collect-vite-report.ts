/**
 * Test helper for the report tests: a real Vite build of a fixture, collected into a `Report` by the
 * core (`buildReport` + the real measurer). Used until the weighbridge plugin can write report.json
 * for us; it hands the core exactly what an adapter would (CollectedBuild).
 */
import { cpSync, mkdirSync } from 'node:fs'
import path from 'node:path'
import { build, type Plugin } from 'vite'
import { buildReport, createMeasurer, type CollectedBuild, type CollectedFile, type CollectedModule, type Report } from '@weighbridge/core'

function collectHtmlReferences(html: string, outDir: string): { scripts: string[], styles: string[] } {
  const toFile = (url: string): string => path.join(outDir, url.replace(/^\.?\//, ''))
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc="([^"]+)"/g)].map(match => toFile(match[1]!))
  const styles = [...html.matchAll(/<link\b[^>]*rel="stylesheet"[^>]*href="([^"]+)"/g)].map(match => toFile(match[1]!))
  return { scripts, styles }
}

/**
 * Copies `fixtureDir` to `workDir/app` (so paths in the report are short and the build writes only
 * under `workDir`), builds it into `workDir/app/dist` and returns the report (root = the app copy).
 */
export async function buildViteFixtureReport(fixtureDir: string, workDir: string): Promise<{ report: Report, appDir: string, outDir: string }> {
  const appDir = path.join(workDir, 'app')
  const outDir = path.join(appDir, 'dist')
  cpSync(fixtureDir, appDir, { recursive: true })
  mkdirSync(outDir, { recursive: true })
  let collected: CollectedBuild | undefined
  const collector: Plugin = {
    name: 'report-test-collector',
    apply: 'build',
    enforce: 'post',
    generateBundle(_options, bundle) {
      const files: CollectedFile[] = []
      const htmlPages: CollectedBuild['htmlPages'] = []
      for (const item of Object.values(bundle)) {
        const fileName = path.join(outDir, item.fileName)
        if (item.type === 'chunk') {
          const importedCss = [...((item as { viteMetadata?: { importedCss?: Set<string> } }).viteMetadata?.importedCss ?? [])]
          files.push({
            fileName,
            contents: item.code,
            chunk: {
              name: item.name,
              kind: 'js',
              isEntry: item.isEntry,
              isDynamicEntry: item.isDynamicEntry,
              entryModule: item.facadeModuleId ?? undefined,
              imports: item.imports.map(file => path.join(outDir, file)),
              dynamicImports: item.dynamicImports.map(file => path.join(outDir, file)),
              css: importedCss.map(file => path.join(outDir, file)),
              modules: Object.entries(item.modules).map(([id, module]) => ({
                id,
                renderedLength: module.renderedLength,
                code: module.code,
                renderedExports: module.renderedExports,
              })),
              map: item.map ? { ...item.map, sources: item.map.sources, mappings: item.map.mappings } : null,
            },
          })
        }
        else {
          files.push({ fileName, contents: item.source })
          if (item.fileName.endsWith('.html')) {
            htmlPages.push({ fileName, name: item.fileName, ...collectHtmlReferences(String(item.source), outDir) })
          }
        }
      }
      const modules: CollectedModule[] = []
      for (const id of this.getModuleIds()) {
        const info = this.getModuleInfo(id)
        if (!info) continue
        modules.push({
          id,
          importedIds: [...info.importedIds],
          dynamicallyImportedIds: [...info.dynamicallyImportedIds],
          importers: [...info.importers],
          dynamicImporters: [...info.dynamicImporters],
          isEntry: info.isEntry,
        })
      }
      collected = { bundler: 'vite', bundlerVersion: null as unknown as string, root: appDir, files, modules, htmlPages }
    },
  }
  await build({
    root: appDir,
    configFile: false,
    logLevel: 'silent',
    plugins: [collector],
    build: { outDir, emptyOutDir: true, sourcemap: 'hidden' },
  })
  if (!collected) throw new Error('the Vite build produced no bundle')
  collected.bundlerVersion = (await import('vite')).version
  const measurer = createMeasurer({ gzip: 9, brotli: 11, cacheDir: false })
  try {
    const report = await buildReport(collected, { measurer, generatorVersion: '0.0.0-test', compression: { gzipLevel: 9, brotliQuality: 11 } })
    return { report, appDir, outDir }
  }
  finally {
    await measurer.close()
  }
}
