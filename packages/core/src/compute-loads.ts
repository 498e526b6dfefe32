/**
 * Entries and their loads, from the chunk graph alone:
 * - initial load = the entry chunks, their static-import closure, the CSS of every chunk in it (and,
 *   for an HTML page, the page itself and the scripts and stylesheets it links);
 * - lazy load = what `import()` reaches from the initial chunks (following static and dynamic imports
 *   from there), with its CSS, minus everything already in the initial load.
 */
import type { Chunk, Entry, LoadSizes, Output } from './model'

export interface PageInput {
  name: string
  /** The HTML file (report path). */
  file: string
  /** Files its script tags load (report paths). */
  scripts: string[]
  /** Stylesheets it links (report paths). */
  styles: string[]
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function sumLoad(files: Set<string>, outputByFile: Map<string, Output>): LoadSizes {
  const present = [...files].filter(file => outputByFile.has(file)).sort(compareStrings)
  let rawBytes = 0
  let gzipBytes: number | null = 0
  let brotliBytes: number | null = 0
  for (const file of present) {
    const output = outputByFile.get(file)!
    rawBytes += output.rawBytes
    gzipBytes = gzipBytes === null || output.gzipBytes === null ? null : gzipBytes + output.gzipBytes
    brotliBytes = brotliBytes === null || output.brotliBytes === null ? null : brotliBytes + output.brotliBytes
  }
  return { files: present, rawBytes, gzipBytes, brotliBytes }
}

/** Chunk files reachable from `start` through static imports (including `start`). */
function collectStaticClosure(start: Iterable<string>, chunkByFile: Map<string, Chunk>): Set<string> {
  const seen = new Set<string>()
  const queue = [...start]
  while (queue.length > 0) {
    const file = queue.pop()!
    if (seen.has(file))
      continue
    seen.add(file)
    for (const imported of chunkByFile.get(file)?.imports ?? [])
      queue.push(imported)
  }
  return seen
}

function addChunkCss(files: Set<string>, chunkFiles: Iterable<string>, chunkByFile: Map<string, Chunk>): void {
  for (const file of [...chunkFiles]) {
    for (const css of chunkByFile.get(file)?.css ?? [])
      files.add(css)
  }
}

function computeLoads(startChunks: string[], extraInitialFiles: string[], chunkByFile: Map<string, Chunk>, outputByFile: Map<string, Output>): { initialLoad: LoadSizes, lazyLoad: LoadSizes } {
  const initialChunks = collectStaticClosure(startChunks, chunkByFile)
  const initialFiles = new Set<string>([...extraInitialFiles, ...initialChunks])
  addChunkCss(initialFiles, initialChunks, chunkByFile)

  const lazyChunks = new Set<string>()
  const queue = [...initialChunks].flatMap(file => chunkByFile.get(file)?.dynamicImports ?? [])
  while (queue.length > 0) {
    const file = queue.pop()!
    if (lazyChunks.has(file) || initialChunks.has(file))
      continue
    lazyChunks.add(file)
    const chunk = chunkByFile.get(file)
    queue.push(...chunk?.imports ?? [], ...chunk?.dynamicImports ?? [])
  }
  const lazyFiles = new Set(lazyChunks)
  addChunkCss(lazyFiles, lazyChunks, chunkByFile)
  for (const file of initialFiles)
    lazyFiles.delete(file)
  return { initialLoad: sumLoad(initialFiles, outputByFile), lazyLoad: sumLoad(lazyFiles, outputByFile) }
}

/** One entry per entry chunk and one per HTML page; names made unique (a clash falls back to the file). */
export function computeEntries(chunks: Chunk[], outputs: Output[], pages: PageInput[]): Entry[] {
  const chunkByFile = new Map(chunks.map(chunk => [chunk.file, chunk]))
  const outputByFile = new Map(outputs.map(output => [output.file, output]))
  const entries: Entry[] = []
  const usedNames = new Set<string>()
  const claimName = (name: string, file: string): string => {
    const unique = usedNames.has(name) ? file : name
    usedNames.add(unique)
    return unique
  }
  const entryChunks = chunks.filter(chunk => chunk.isEntry && chunk.kind === 'js').sort((a, b) => compareStrings(a.file, b.file))
  for (const chunk of entryChunks) {
    entries.push({
      name: claimName(chunk.name, chunk.file),
      kind: 'chunk',
      file: chunk.file,
      chunks: [chunk.file],
      ...computeLoads([chunk.file], [], chunkByFile, outputByFile),
    })
  }
  for (const page of [...pages].sort((a, b) => compareStrings(a.file, b.file))) {
    const pageChunks = [...new Set(page.scripts.filter(file => chunkByFile.has(file)))].sort(compareStrings)
    entries.push({
      name: claimName(page.name, page.file),
      kind: 'html',
      file: page.file,
      chunks: pageChunks,
      ...computeLoads(pageChunks, [page.file, ...page.scripts, ...page.styles], chunkByFile, outputByFile),
    })
  }
  return entries
}
