/**
 * A build output folder with source maps → `CollectedBuild`, the way source-map-explorer reads one:
 * every JS/CSS file is a chunk, its modules are the sources its map attributes bytes to, bytes no
 * mapping covers stay glue ("unmapped"). Chunk edges come from the ES module imports of the files
 * (`import './chunk.js'`, `import('./lazy.js')`); files no other file imports are the entries.
 */
import { Buffer } from 'node:buffer'
import fs from 'node:fs'
import path from 'node:path'
import { init, parse } from 'es-module-lexer'
import type { CollectedBuild, CollectedChunk, CollectedFile, CollectedHtmlPage, CollectedModule } from '@weighbridge/core'
import { InputError } from './input-error'
import { findSourceMappingUrl, readSourceMapOf, toModuleRanges } from './source-map'

const JS_FILE = /\.(?:m|c)?js$/
const CSS_FILE = /\.css$/
/** `import` / `export` as a word (not `importScripts`): a file without it has no ES module edges. */
const MODULE_KEYWORD = /\b(?:import|export)\b/
const SKIPPED_DIRS = new Set(['node_modules', '.git', '.weighbridge'])

export interface DistFolderSource {
  /** The folder (absolute). */
  dir: string
  /** Absolute project root: module ids are made relative to it. */
  root: string
}

function listFiles(dir: string): string[] {
  const found: string[] = []
  const walk = (current: string): void => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const full = path.join(current, entry.name)
      if (entry.isDirectory()) {
        if (!SKIPPED_DIRS.has(entry.name))
          walk(full)
      }
      else if (entry.isFile()) {
        found.push(full)
      }
    }
  }
  walk(dir)
  return found.sort()
}

export async function collectDistFolder(source: DistFolderSource): Promise<CollectedBuild> {
  const { dir, root } = source
  const all = listFiles(dir)
  const scripts = all.filter(f => JS_FILE.test(f))
  if (scripts.length === 0)
    throw new InputError(dir, `${dir}: no JavaScript files (.js, .mjs, .cjs) in this folder; pass the build's output folder (e.g. dist/).`)
  await init

  const files: CollectedFile[] = []
  const modules = new Map<string, CollectedModule>()
  const mapFiles = new Set<string>()
  const chunksByFile = new Map<string, CollectedChunk>()
  /** Maps are reported raw only: their size is kept, not their bytes. */
  const mapSizes = new Map<string, number>()
  let mappedFiles = 0

  for (const file of all) {
    if (!JS_FILE.test(file) && !CSS_FILE.test(file))
      continue
    const contents = fs.readFileSync(file)
    const code = contents.toString('utf8')
    const chunk: CollectedChunk = {
      name: path.basename(file).replace(/\.[^.]+$/, ''),
      kind: JS_FILE.test(file) ? 'js' : 'css',
      isEntry: false,
      isDynamicEntry: false,
      imports: [],
      dynamicImports: [],
      css: [],
      assets: [],
      modules: [],
    }
    const found = loadMapOf(file, code)
    if (found) {
      if (found.mapFile) {
        mapFiles.add(found.mapFile)
        mapSizes.set(found.mapFile, found.bytes.length)
      }
      const { sources, scan } = readSourceMapOf(found.bytes, found.label, code, contents.length, file, root, found.mapFile ?? file)
      // The modules are the sources the mappings use, in source order (two sources may resolve to one id).
      const moduleOfSource = new Int32Array(sources.length).fill(-1)
      const indexById = new Map<string, number>()
      sources.forEach((id, index) => {
        if (id === null || scan.usedSources[index] !== 1)
          return
        let moduleIndex = indexById.get(id)
        if (moduleIndex === undefined) {
          moduleIndex = indexById.size
          indexById.set(id, moduleIndex)
          chunk.modules.push({ id })
          if (!modules.has(id))
            modules.set(id, { id })
        }
        moduleOfSource[index] = moduleIndex
      })
      // The ranges are the attribution: the map itself (its mappings string) is not kept.
      chunk.ranges = { method: 'sourcemap', segments: toModuleRanges(scan, moduleOfSource) }
      mappedFiles += 1
    }
    // Lexing costs time and wasm memory (twice the file): only where module syntax may be.
    if (chunk.kind === 'js' && MODULE_KEYWORD.test(code))
      readChunkImports(file, code, chunk)
    chunksByFile.set(file, chunk)
    files.push({ fileName: file, contents, chunk })
  }
  if (mappedFiles === 0)
    throw new InputError(dir, `${dir}: none of the ${scripts.length} JavaScript files has a source map, so bytes cannot be attributed to modules. Build with source maps (Vite/Rollup \`build.sourcemap: true\` or 'hidden', webpack \`devtool: 'hidden-source-map'\`, esbuild \`sourcemap: true\`).`)

  // Entries: JS chunks no other chunk imports; dynamic entries: chunks only reached by import().
  const staticTargets = new Set<string>()
  const dynamicTargets = new Set<string>()
  for (const chunk of chunksByFile.values()) {
    chunk.imports.forEach(f => staticTargets.add(f))
    chunk.dynamicImports.forEach(f => dynamicTargets.add(f))
  }
  for (const [file, chunk] of chunksByFile) {
    if (chunk.kind !== 'js')
      continue
    chunk.isDynamicEntry = dynamicTargets.has(file)
    chunk.isEntry = !staticTargets.has(file) && !dynamicTargets.has(file)
  }

  const htmlPages: CollectedHtmlPage[] = []
  for (const file of all) {
    if (mapFiles.has(file) || JS_FILE.test(file) || CSS_FILE.test(file))
      continue
    if (file.endsWith('.html'))
      htmlPages.push(readHtmlPage(file, chunksByFile))
    files.push({ fileName: file, contents: fs.readFileSync(file) })
  }
  for (const mapFile of mapFiles) {
    if (mapFile.startsWith(dir + path.sep))
      files.push({ fileName: mapFile, contents: new Uint8Array(0), sizeBytes: mapSizes.get(mapFile)! })
  }

  return {
    bundler: 'unknown',
    root,
    files: files.sort((a, b) => (a.fileName < b.fileName ? -1 : a.fileName > b.fileName ? 1 : 0)),
    modules: [...modules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    ...(htmlPages.length > 0 ? { htmlPages } : {}),
  }
}

/** The map of a file: its `sourceMappingURL` (file or data: URL), else `<file>.map` beside it. */
function loadMapOf(file: string, code: string): { bytes: Buffer, label: string, mapFile: string | null } | null {
  const url = findSourceMappingUrl(code)
  if (url?.startsWith('data:')) {
    const comma = url.indexOf(',')
    const payload = url.slice(comma + 1)
    let text: string
    try {
      text = /;base64/.test(url.slice(0, comma)) ? Buffer.from(payload, 'base64').toString('utf8') : decodeURIComponent(payload)
    }
    catch {
      throw new InputError(file, `${file}: its inline source map (data: URL) cannot be decoded. Re-build the file with its source map.`)
    }
    return { bytes: Buffer.from(text, 'utf8'), label: `${file} (inline source map)`, mapFile: null }
  }
  if (url) {
    let mapFile: string
    try {
      mapFile = path.resolve(path.dirname(file), decodeURI(url))
    }
    catch {
      mapFile = path.resolve(path.dirname(file), url)
    }
    const bytes = readFileOrNull(mapFile)
    if (!bytes)
      throw new InputError(file, `${file}: its sourceMappingURL points at ${url}, but ${mapFile} does not exist. Copy the .map files along with the build, or rebuild.`)
    return { bytes, label: mapFile, mapFile }
  }
  const sibling = `${file}.map`
  const bytes = readFileOrNull(sibling)
  return bytes ? { bytes, label: sibling, mapFile: sibling } : null
}

function readFileOrNull(file: string): Buffer | null {
  try {
    return fs.statSync(file).isFile() ? fs.readFileSync(file) : null
  }
  catch {
    return null
  }
}

function readChunkImports(file: string, code: string, chunk: CollectedChunk): void {
  let imports: ReturnType<typeof parse>[0]
  try {
    imports = parse(code)[0]
  }
  catch {
    return // not parseable as a module (a classic script): no edges known
  }
  const dir = path.dirname(file)
  for (const entry of imports) {
    if (entry.type === 'import-meta')
      continue
    const specifier = entry.specifier
    if (!specifier || !(specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')))
      continue
    const target = specifier.startsWith('/') ? null : path.resolve(dir, specifier.replace(/[?#].*$/, ''))
    if (!target)
      continue
    if (CSS_FILE.test(target)) {
      chunk.css!.push(target)
      continue
    }
    if (!JS_FILE.test(target))
      continue
    const list = entry.type === 'dynamic' ? chunk.dynamicImports : chunk.imports
    if (!list.includes(target))
      list.push(target)
  }
  chunk.imports.sort()
  chunk.dynamicImports.sort()
}

function readHtmlPage(file: string, chunks: Map<string, CollectedChunk>): CollectedHtmlPage {
  const html = fs.readFileSync(file, 'utf8')
  const dir = path.dirname(file)
  const resolve = (ref: string): string | null => {
    if (/^(?:[a-z]+:)?\/\//i.test(ref) || ref.startsWith('data:'))
      return null
    const target = path.resolve(dir, ref.replace(/^\//, '').replace(/[?#].*$/, ''))
    return chunks.has(target) ? target : null
  }
  const scripts = [...html.matchAll(/<script\b[^>]*\bsrc=["']([^"']+)["']/gi)].map(m => resolve(m[1]!)).filter((f): f is string => f !== null)
  const styles = [...html.matchAll(/<link\b[^>]*\bhref=["']([^"']+\.css)["']/gi)].map(m => resolve(m[1]!)).filter((f): f is string => f !== null)
  return { fileName: file, scripts, styles }
}
