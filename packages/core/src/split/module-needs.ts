/**
 * Which loads need which module: the facts a split plan is made of.
 *
 * Roots are the entry chunks (initial loads) and the dynamic-entry chunks (lazy routes). A module is
 * needed by a root when it is in the root's static import closure (static, require and CSS edges of
 * the module graph) and not already loaded whenever that root runs: for a lazy route, modules that
 * every load able to `import()` it has already fetched (Rollup's "already loaded" rule). The set of
 * roots that need a module is its signature; modules with one signature can share a chunk without
 * making any load fetch code it does not use.
 */
import type { Report } from '../model'

export interface PlanRoot {
  /** Entry name (entry chunks) or chunk name (lazy routes), unique among roots. */
  name: string
  kind: 'entry' | 'lazy'
  /** Today's JS chunk file of the root. */
  chunkFile: string
  /** The module the chunk was created for (report id), or null when the report does not say. */
  entryModule: string | null
}

export interface ModuleFigures {
  jsRawBytes: number
  jsGzipBytes: number
  cssRawBytes: number
  cssGzipBytes: number
  /** The module's bytes are all CSS (a stylesheet). */
  isStyle: boolean
}

export interface ModuleNeeds {
  /** Bundled modules (in at least one chunk), sorted by id; indexes below refer to this list. */
  ids: string[]
  figures: ModuleFigures[]
  /** `Package.id` per module, or null for app code. */
  packageOf: (string | null)[]
  /** Static (static, require, css) edges between bundled modules, through unbundled ones (barrels). */
  staticImports: number[][]
  roots: PlanRoot[]
  /** Per module, the sorted root indexes that need it (empty: no root reaches it). */
  signatures: number[][]
  /** Per lazy root, the entry root indexes that can reach it through `import()` chains. */
  entriesReaching: number[][]
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

function createBitset(size: number): Uint32Array {
  return new Uint32Array((size + 31) >>> 5)
}

function hasBit(bits: Uint32Array, index: number): boolean {
  return (bits[index >>> 5]! & (1 << (index & 31))) !== 0
}

function setBit(bits: Uint32Array, index: number): void {
  bits[index >>> 5]! |= 1 << (index & 31)
}

/** Computes roots, figures and signatures of every bundled module of a report. */
export function computeModuleNeeds(report: Report): ModuleNeeds {
  // Figures: a module's bytes per file kind; a module in several chunks of one kind (webpack
  // duplicates) counts once, from the first chunk by file name.
  const figuresById = new Map<string, ModuleFigures>()
  const seenKind = new Set<string>()
  const chunks = [...report.chunks].sort((a, b) => compareStrings(a.file, b.file))
  for (const chunk of chunks) {
    for (const part of chunk.modules) {
      let figures = figuresById.get(part.id)
      if (!figures) {
        figures = { jsRawBytes: 0, jsGzipBytes: 0, cssRawBytes: 0, cssGzipBytes: 0, isStyle: false }
        figuresById.set(part.id, figures)
      }
      const key = `${chunk.kind}\0${part.id}`
      if (seenKind.has(key))
        continue
      seenKind.add(key)
      if (chunk.kind === 'css') {
        figures.cssRawBytes += part.rawBytes
        figures.cssGzipBytes += part.gzipBytes ?? 0
      }
      else {
        figures.jsRawBytes += part.rawBytes
        figures.jsGzipBytes += part.gzipBytes ?? 0
      }
    }
  }
  const ids = [...figuresById.keys()].sort(compareStrings)
  const indexOf = new Map(ids.map((id, index) => [id, index]))
  const figures = ids.map((id) => {
    const value = figuresById.get(id)!
    value.isStyle = value.cssRawBytes > 0 || (/\.(?:css|less|sass|scss|styl|stylus|pcss|postcss)(?:\?|$)/.test(id) && value.jsRawBytes === 0)
    return value
  })

  // The whole module graph (bundled or not), so that edges through tree-shaken barrels still count.
  const graphIndex = new Map<string, number>()
  const graphIds: string[] = []
  const claim = (id: string): number => {
    let index = graphIndex.get(id)
    if (index === undefined) {
      index = graphIds.length
      graphIndex.set(id, index)
      graphIds.push(id)
    }
    return index
  }
  for (const id of ids) claim(id)
  for (const module of report.modules) claim(module.id)
  const graphStatic: number[][] = graphIds.map(() => [])
  const graphDynamicImporters: number[][] = graphIds.map(() => [])
  const packageById = new Map<string, string | null>()
  for (const module of report.modules) {
    const from = graphIndex.get(module.id)!
    packageById.set(module.id, module.package)
    for (const edge of module.imports) {
      const to = claim(edge.id)
      if (edge.kind === 'dynamic') {
        while (graphDynamicImporters.length <= to) graphDynamicImporters.push([])
        graphDynamicImporters[to]!.push(from)
      }
      else {
        while (graphStatic.length <= to) graphStatic.push([])
        graphStatic[from]!.push(to)
      }
    }
  }
  while (graphStatic.length < graphIds.length) graphStatic.push([])
  while (graphDynamicImporters.length < graphIds.length) graphDynamicImporters.push([])
  const graphSize = graphIds.length
  const bundledCount = ids.length // graph indexes 0..bundledCount-1 are the bundled modules

  // Roots: entry chunks, then lazy (dynamic entry) chunks, each sorted by file.
  const entryChunks = chunks.filter(chunk => chunk.kind === 'js' && chunk.isEntry)
  // A lazy route is a dynamic chunk created for an `import()`ed module; webpack's split chunks of
  // async chunk groups (no entry module, nothing in them imported dynamically) are not routes.
  const dynamicTargets = new Set(report.modules.filter(module => module.dynamicImporters.length > 0).map(module => module.id))
  const routeModuleOf = (chunk: Report['chunks'][number]): string | null =>
    chunk.entryModule ?? chunk.modules.find(part => dynamicTargets.has(part.id))?.id ?? null
  const lazyChunks = chunks.filter(chunk => chunk.kind === 'js' && chunk.isDynamicEntry && !chunk.isEntry && routeModuleOf(chunk) !== null)
  const entryNameByFile = new Map<string, string>()
  for (const entry of report.entries) {
    if (entry.kind === 'chunk')
      entryNameByFile.set(entry.file, entry.name)
  }
  const roots: PlanRoot[] = []
  const rootStarts: number[][] = []
  const usedNames = new Set<string>()
  for (const chunk of [...entryChunks, ...lazyChunks]) {
    const facade = chunk.isEntry ? chunk.entryModule : routeModuleOf(chunk)
    // webpack names unnamed async chunks by id (`469`): the route module's file name reads better.
    const fromModule = facade?.split('?')[0]!.split('/').pop()!.replace(/\.[^.]+$/, '') ?? chunk.name
    let name = chunk.isEntry ? (entryNameByFile.get(chunk.file) ?? chunk.name) : /^\d+$/.test(chunk.name) ? fromModule : chunk.name
    if (usedNames.has(name))
      name = chunk.file
    usedNames.add(name)
    const entryModule = facade !== null && graphIndex.has(facade) ? facade : null
    roots.push({ name, kind: chunk.isEntry ? 'entry' : 'lazy', chunkFile: chunk.file, entryModule })
    rootStarts.push(entryModule !== null ? [graphIndex.get(entryModule)!] : chunk.modules.map(part => graphIndex.get(part.id)!))
  }

  // Static closures per root (bitsets over the whole graph).
  const closures = rootStarts.map((starts) => {
    const bits = createBitset(graphSize)
    const queue = [...starts]
    for (const start of starts) setBit(bits, start)
    while (queue.length > 0) {
      const current = queue.pop()!
      for (const next of graphStatic[current]!) {
        if (!hasBit(bits, next)) {
          setBit(bits, next)
          queue.push(next)
        }
      }
    }
    return bits
  })

  // Which roots can trigger each lazy root: the roots whose closure holds an `import()` of it.
  const triggers: number[][] = roots.map(() => [])
  roots.forEach((root, rootIndex) => {
    if (root.kind !== 'lazy')
      return
    const importers = rootStarts[rootIndex]!.flatMap(start => graphDynamicImporters[start]!)
    for (let other = 0; other < roots.length; other++) {
      if (other !== rootIndex && importers.some(importer => hasBit(closures[other]!, importer)))
        triggers[rootIndex]!.push(other)
    }
  })

  // Already loaded before a lazy root runs: the intersection, over the roots that can trigger it,
  // of what they loaded (their closure and what was loaded before them). Greatest fixed point.
  const words = (graphSize + 31) >>> 5
  const loadedBefore = roots.map((root, rootIndex) => {
    const bits = createBitset(graphSize)
    if (root.kind === 'lazy' && triggers[rootIndex]!.length > 0)
      bits.fill(0xFFFFFFFF)
    return bits
  })
  for (let pass = 0; pass < 100; pass++) {
    let changed = false
    roots.forEach((root, rootIndex) => {
      if (root.kind !== 'lazy' || triggers[rootIndex]!.length === 0)
        return
      const next = new Uint32Array(words).fill(0xFFFFFFFF)
      for (const trigger of triggers[rootIndex]!) {
        const closure = closures[trigger]!
        const before = loadedBefore[trigger]!
        for (let word = 0; word < words; word++)
          next[word]! &= closure[word]! | before[word]!
      }
      const current = loadedBefore[rootIndex]!
      for (let word = 0; word < words; word++) {
        if (next[word] !== current[word]) {
          changed = true
          current.set(next)
          break
        }
      }
    })
    if (!changed)
      break
  }

  // Entries reaching each lazy root through trigger chains.
  const entriesReaching: number[][] = roots.map(() => [])
  roots.forEach((root, rootIndex) => {
    if (root.kind !== 'entry')
      return
    const seen = new Set<number>([rootIndex])
    const queue = [rootIndex]
    while (queue.length > 0) {
      const current = queue.pop()!
      roots.forEach((other, otherIndex) => {
        if (other.kind === 'lazy' && !seen.has(otherIndex) && triggers[otherIndex]!.includes(current)) {
          seen.add(otherIndex)
          queue.push(otherIndex)
          entriesReaching[otherIndex]!.push(rootIndex)
        }
      })
    }
  })

  const signatures: number[][] = ids.map(() => [])
  for (let rootIndex = 0; rootIndex < roots.length; rootIndex++) {
    const closure = closures[rootIndex]!
    const before = loadedBefore[rootIndex]!
    for (let word = 0; word < ((bundledCount + 31) >>> 5); word++) {
      let bits = closure[word]! & ~before[word]!
      while (bits !== 0) {
        const low = bits & -bits
        const module = (word << 5) + (31 - Math.clz32(low))
        if (module < bundledCount)
          signatures[module]!.push(rootIndex)
        bits ^= low
      }
    }
  }

  // Today's chunks are evidence too: a module is needed by a root only if the root loads a chunk
  // holding it today (bundlers tree-shake imports whose code is unused, which the module graph
  // still shows). A module the graph and the chunks disagree on keeps what the chunks say.
  const chunkByFile = new Map(chunks.map(chunk => [chunk.file, chunk]))
  const rootsLoadingChunk = new Map<string, number[]>()
  roots.forEach((root, rootIndex) => {
    const seen = new Set<string>()
    const queue = [root.chunkFile]
    while (queue.length > 0) {
      const file = queue.pop()!
      if (seen.has(file))
        continue
      seen.add(file)
      const list = rootsLoadingChunk.get(file) ?? []
      list.push(rootIndex)
      rootsLoadingChunk.set(file, list)
      const chunk = chunkByFile.get(file)
      queue.push(...chunk?.imports ?? [], ...chunk?.css ?? [])
    }
  })
  // Per chunk, which roots load it (a byte per root); per module, the chunks holding it.
  const loaderBytesOfChunk = chunks.map((chunk) => {
    const bytes = new Uint8Array(roots.length)
    for (const root of rootsLoadingChunk.get(chunk.file) ?? []) bytes[root] = 1
    return bytes
  })
  const chunksOfModule: number[][] = ids.map(() => [])
  chunks.forEach((chunk, chunkIndex) => {
    for (const part of chunk.modules) chunksOfModule[indexOf.get(part.id)!]!.push(chunkIndex)
  })
  const isLoadedBy = (module: number, root: number): boolean => chunksOfModule[module]!.some(chunk => loaderBytesOfChunk[chunk]![root] === 1)
  for (let module = 0; module < ids.length; module++) {
    if (!chunksOfModule[module]!.some(chunk => loaderBytesOfChunk[chunk]!.includes(1)))
      continue
    const both = signatures[module]!.filter(root => isLoadedBy(module, root))
    if (both.length > 0) {
      if (both.length !== signatures[module]!.length)
        signatures[module] = both
      continue
    }
    // Disagreement (or no graph edges): the chunks' loaders, without routes whose every reaching
    // entry also loads the module.
    const loaders = roots.map((_, root) => root).filter(root => isLoadedBy(module, root))
    signatures[module] = loaders.filter(rootIndex => roots[rootIndex]!.kind === 'entry' || entriesReaching[rootIndex]!.length === 0 || !entriesReaching[rootIndex]!.some(entry => isLoadedBy(module, entry)))
  }

  const staticImports = ids.map((_, index) => {
    // Bundled targets reached directly or through unbundled modules.
    const found = new Set<number>()
    const seen = new Set<number>([index])
    const queue = [...graphStatic[index]!]
    while (queue.length > 0) {
      const next = queue.pop()!
      if (seen.has(next))
        continue
      seen.add(next)
      if (next < bundledCount)
        found.add(next)
      else
        queue.push(...graphStatic[next]!)
    }
    return [...found].sort((a, b) => a - b)
  })

  return { ids, figures, packageOf: ids.map(id => packageById.get(id) ?? null), staticImports, roots, signatures, entriesReaching }
}
