/**
 * What every rule reads besides the report: lookups by id, each module's shipped bytes split by
 * load (initial / lazy), and the project's source files (to point at the import statement to
 * change). Built once per run by `createFindingsContext`.
 */
import { existsSync, readFileSync, realpathSync } from 'node:fs'
import path from 'node:path'
import type { Chunk, Finding, Module, Package, Report, Sizes } from '../model'
import type { ModuleGraphIndex } from './graph-index'
import { createModuleGraphIndex } from './graph-index'
import type { ImportStatement } from './import-scan'
import type { NamespaceUse } from './import-scan'
import { initImportScanner, scanImports, scanNamespaceUse } from './import-scan'
import type { ResolvedFindingsOptions } from './types'

export type Savings = Finding['savings']

export interface ModuleLoadSizes {
  /** Every copy in every chunk. */
  total: Sizes
  /** Copies in chunks some entry loads before it runs. */
  initial: Sizes
  /** Copies only in chunks loaded later. */
  lazy: Sizes
}

export interface FindingsContext {
  /** Absolute project root (module ids are relative to it); null = sources cannot be read. */
  root: string | null
  options: ResolvedFindingsOptions
  moduleById: Map<string, Module>
  /** The module graph indexed once for this run (integer ids, CSR edges); see `graph-index.ts`. */
  index: ModuleGraphIndex
  packageById: Map<string, Package>
  chunkByFile: Map<string, Chunk>
  /** Modules of each package folder (bundled or not), sorted by id. */
  modulesByPackage: Map<string, Module[]>
  /** Output files in the initial load of at least one entry. */
  initialFiles: Set<string>
  sizesOf: (moduleId: string) => ModuleLoadSizes
  /** Exports rendered for the module over all its chunks; null when some chunk did not say, undefined when not shipped. */
  renderedExportsOf: (moduleId: string) => ReadonlySet<string> | null | undefined
  isShipped: (moduleId: string) => boolean
  /** Sum of the modules' shipped bytes (all copies, or only those in initial / lazy files). */
  sumSizes: (moduleIds: Iterable<string>, load?: 'total' | 'initial' | 'lazy') => Savings
  /** Where the modules' bytes are: only in initial files, only in lazy ones, or both. */
  loadOf: (moduleIds: Iterable<string>) => Finding['load']
  isAppModule: (moduleId: string) => boolean
  packageNameOf: (moduleId: string) => string | null
  /** The module's source file, read from disk under `root`; null when virtual, missing or no root. */
  readSource: (moduleId: string) => string | null
  /** Import statements of the module's source (null when the source cannot be read). */
  importsOf: (moduleId: string) => ImportStatement[] | null
  /** How the module's source uses an imported object (see `SourceReader.namespaceUseOf`). */
  namespaceUseOf: (moduleId: string, objectName: string, importText: string) => NamespaceUse | null
  /** The statement in `importerId`'s source that imports `targetId` (best match), if found. */
  findImportStatement: (importerId: string, targetId: string) => ImportStatement | null
  /** The package folder `name` resolves to from the module's directory (node_modules lookup), relative to root. */
  resolvePackageFolder: (fromModuleId: string, name: string) => string | null
  /** A module as people read it: `react-dom/client.js` for package modules, the id for the app's own. */
  displayModule: (moduleId: string) => string
}

const zeroSizes = (): Sizes => ({ rawBytes: 0, gzipBytes: 0, brotliBytes: 0 })

function addInto(target: Sizes, add: Sizes): void {
  target.rawBytes += add.rawBytes
  target.gzipBytes = target.gzipBytes === null || add.gzipBytes === null ? null : target.gzipBytes + add.gzipBytes
  target.brotliBytes = target.brotliBytes === null || add.brotliBytes === null ? null : target.brotliBytes + add.brotliBytes
}

/** `@scope/name/sub` → `@scope/name`; `name/sub` → `name`; relative/absolute → null. */
export function readSpecifierPackageName(specifier: string): string | null {
  if (specifier.startsWith('.') || specifier.startsWith('/') || /^[a-z]+:/i.test(specifier)) return null
  const parts = specifier.split('/')
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!
}

function stripQuery(id: string): string {
  const index = id.indexOf('?')
  return index === -1 ? id : id.slice(0, index)
}

function stripExtension(file: string): string {
  return file.replace(/\.(?:[cm]?[jt]sx?|json|css|scss|sass|less|vue|svelte)$/, '')
}

function computeInitialFiles(report: Report): Set<string> {
  const files = new Set<string>()
  for (const entry of report.entries) for (const file of entry.initialLoad.files) files.add(file)
  if (report.entries.length > 0) return files
  // No entries recorded: the static-import closure of the entry chunks.
  const chunkByFile = new Map(report.chunks.map(chunk => [chunk.file, chunk]))
  const stack = report.chunks.filter(chunk => chunk.isEntry).map(chunk => chunk.file)
  while (stack.length > 0) {
    const file = stack.pop()!
    if (files.has(file)) continue
    files.add(file)
    const chunk = chunkByFile.get(file)
    if (chunk) stack.push(...chunk.imports, ...chunk.css)
  }
  return files
}

/**
 * The project's source files as the rules read them: each file read and its imports scanned once,
 * shared by every rule of a run. Made before the findings run (`computeFindings`'s `sources`), it
 * can scan while the build's files are still being compressed (`prescan`), so that the rules find
 * the work done.
 */
export interface SourceReader {
  /** Absolute project root the module ids are relative to; null = nothing can be read. */
  root: string | null
  readSource: (moduleId: string) => string | null
  importsOf: (moduleId: string) => ImportStatement[] | null
  /** How the module's source uses the object `objectName` bound by `importText` (`scanNamespaceUse`, once per triple). */
  namespaceUseOf: (moduleId: string, objectName: string, importText: string) => NamespaceUse | null
  /**
   * Reads the files, scans their imports and how each default or namespace import is used, now
   * (the import scanner is loaded first).
   */
  prescan: (moduleIds: Iterable<string>) => Promise<void>
  /** Work done so far: files scanned for imports, and import uses scanned (each once). */
  readonly scanned: { imports: number, uses: number }
}

export function createSourceReader(root: string | null): SourceReader {
  const sourceCache = new Map<string, string | null>()
  const readSource = (moduleId: string): string | null => {
    if (root === null || moduleId.startsWith('virtual:') || moduleId.includes('\0')) return null
    const file = stripQuery(moduleId)
    if (sourceCache.has(file)) return sourceCache.get(file)!
    let source: string | null = null
    try {
      source = readFileSync(path.resolve(root, file), 'utf8')
    }
    catch {}
    sourceCache.set(file, source)
    return source
  }
  const scanned = { imports: 0, uses: 0 }
  const importsCache = new Map<string, ImportStatement[] | null>()
  const importsOf = (moduleId: string): ImportStatement[] | null => {
    const file = stripQuery(moduleId)
    if (importsCache.has(file)) return importsCache.get(file)!
    const source = readSource(file)
    if (source !== null) scanned.imports++
    const statements = source === null ? null : scanImports(source, file)
    importsCache.set(file, statements)
    return statements
  }
  const useCache = new Map<string, NamespaceUse | null>()
  const namespaceUseOf = (moduleId: string, objectName: string, importText: string): NamespaceUse | null => {
    const key = `${stripQuery(moduleId)}\0${objectName}\0${importText}`
    let use = useCache.get(key)
    if (use === undefined) {
      const source = readSource(moduleId)
      if (source !== null) scanned.uses++
      use = source === null ? null : scanNamespaceUse(source, objectName, importText)
      useCache.set(key, use)
    }
    return use
  }
  return {
    root,
    readSource,
    importsOf,
    namespaceUseOf,
    scanned,
    async prescan(moduleIds) {
      await initImportScanner()
      for (const moduleId of moduleIds) {
        for (const statement of importsOf(moduleId) ?? []) {
          if (statement.kind === 'dynamic') continue
          for (const objectName of [statement.namespaceName, statement.defaultName]) {
            if (objectName !== null) namespaceUseOf(moduleId, objectName, statement.text)
          }
        }
      }
    },
  }
}

export function createFindingsContext(report: Report, options: ResolvedFindingsOptions, root: string | null, sources?: SourceReader): FindingsContext {
  const moduleById = new Map(report.modules.map(module => [module.id, module]))
  const packageById = new Map(report.packages.map(pkg => [pkg.id, pkg]))
  const chunkByFile = new Map(report.chunks.map(chunk => [chunk.file, chunk]))
  const modulesByPackage = new Map<string, Module[]>()
  for (const module of report.modules) {
    if (module.package === null) continue
    const list = modulesByPackage.get(module.package)
    if (list) list.push(module)
    else modulesByPackage.set(module.package, [module])
  }
  const initialFiles = computeInitialFiles(report)
  const index = createModuleGraphIndex(report)

  const sizesById = new Map<string, ModuleLoadSizes>()
  for (const chunk of report.chunks) {
    const isInitial = initialFiles.has(chunk.file)
    for (const part of chunk.modules) {
      let sizes = sizesById.get(part.id)
      if (!sizes) {
        sizes = { total: zeroSizes(), initial: zeroSizes(), lazy: zeroSizes() }
        sizesById.set(part.id, sizes)
      }
      addInto(sizes.total, part)
      addInto(isInitial ? sizes.initial : sizes.lazy, part)
    }
  }
  const emptySizes: ModuleLoadSizes = { total: zeroSizes(), initial: zeroSizes(), lazy: zeroSizes() }
  const sizesOf = (moduleId: string): ModuleLoadSizes => sizesById.get(moduleId) ?? emptySizes
  const isShipped = (moduleId: string): boolean => sizesById.has(moduleId)

  const sumSizes = (moduleIds: Iterable<string>, load: 'total' | 'initial' | 'lazy' = 'total'): Savings => {
    const sum = zeroSizes()
    for (const id of new Set(moduleIds)) {
      const sizes = sizesById.get(id)
      if (sizes) addInto(sum, sizes[load])
    }
    return sum
  }
  const loadOf = (moduleIds: Iterable<string>): Finding['load'] => {
    let initial = false
    let lazy = false
    for (const id of moduleIds) {
      const sizes = sizesById.get(id)
      if (!sizes) continue
      if (sizes.initial.rawBytes > 0) initial = true
      if (sizes.lazy.rawBytes > 0) lazy = true
    }
    return initial && lazy ? 'total' : lazy ? 'lazy' : 'initial'
  }

  let rendered: Map<string, Set<string> | null> | null = null
  const renderedExportsOf = (moduleId: string): ReadonlySet<string> | null | undefined => {
    if (rendered === null) {
      rendered = new Map()
      for (const chunk of report.chunks) {
        for (const part of chunk.modules) {
          const known = rendered.get(part.id)
          if (known === null) continue
          if (part.renderedExports === null) rendered.set(part.id, null)
          else if (known === undefined) rendered.set(part.id, new Set(part.renderedExports))
          else for (const name of part.renderedExports) known.add(name)
        }
      }
    }
    return rendered.get(moduleId)
  }

  const isAppModule = (moduleId: string): boolean => {
    const i = index.indexOf.get(moduleId)
    return i !== undefined && index.isApp[i] === 1
  }
  const packageNameOf = (moduleId: string): string | null => {
    const pkgId = moduleById.get(moduleId)?.package
    return pkgId ? packageById.get(pkgId)?.name ?? null : null
  }

  const { readSource, importsOf, namespaceUseOf } = sources && sources.root === root ? sources : createSourceReader(root)

  // Node's lookup: `node_modules/<name>` in the importer's folder, then each parent. The existing
  // node_modules folders per folder and each (node_modules, name) answer are looked up once.
  const nodeModulesCache = new Map<string, string[]>()
  const listNodeModules = (dir: string): string[] => {
    let list = nodeModulesCache.get(dir)
    if (list) return list
    const parent = path.dirname(dir)
    const own = path.join(dir, 'node_modules')
    list = [...(existsSync(own) ? [own] : []), ...(parent === dir ? [] : listNodeModules(parent))]
    nodeModulesCache.set(dir, list)
    return list
  }
  const installedCache = new Map<string, string | null | undefined>()
  const findInstalled = (nodeModules: string, name: string): string | null | undefined => {
    const key = `${nodeModules}\0${name}`
    if (installedCache.has(key)) return installedCache.get(key)
    const candidate = path.join(nodeModules, name)
    let found: string | null | undefined
    if (existsSync(path.join(candidate, 'package.json'))) {
      found = null
      try {
        found = path.relative(root!, realpathSync(candidate)).split(path.sep).join('/')
      }
      catch {}
    }
    installedCache.set(key, found)
    return found
  }
  const folderCache = new Map<string, string | null>()
  const resolvePackageFolder = (fromModuleId: string, name: string): string | null => {
    if (root === null) return null
    const id = stripQuery(fromModuleId)
    const key = `${id.slice(0, id.lastIndexOf('/') + 1)}\0${name}`
    if (folderCache.has(key)) return folderCache.get(key)!
    let found: string | null = null
    for (const nodeModules of listNodeModules(path.dirname(path.resolve(root, id)))) {
      const installed = findInstalled(nodeModules, name)
      if (installed !== undefined) {
        found = installed
        break
      }
    }
    folderCache.set(key, found)
    return found
  }

  /** A relative specifier resolved against the importer's folder: the path and its extension-less stem. */
  const relativeCache = new Map<string, { resolved: string, stem: string }>()
  const resolveRelative = (importerId: string, specifier: string): { resolved: string, stem: string } => {
    const key = `${importerId}\0${specifier}`
    let found = relativeCache.get(key)
    if (!found) {
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(stripQuery(importerId)), specifier))
      found = { resolved, stem: stripExtension(resolved) }
      relativeCache.set(key, found)
    }
    return found
  }

  /** An import statement with what scoring needs of its specifier, worked out once per importer. */
  interface ResolvedStatement {
    statement: ImportStatement
    /** Package name of a bare specifier; null for a relative one. */
    name: string | null
    /** Relative: the resolved path and its stem; bare: the package folder it resolves to (or null). */
    resolved: string | null
    stem: string | null
    folder: string | null
  }
  const resolvedStatements = new Map<string, ResolvedStatement[] | null>()
  const resolvedStatementsOf = (importerId: string): ResolvedStatement[] | null => {
    let list = resolvedStatements.get(importerId)
    if (list !== undefined) return list
    const statements = importsOf(importerId)
    list = statements === null
      ? null
      : statements.filter(statement => !statement.typeOnly).map((statement) => {
          const name = readSpecifierPackageName(statement.specifier)
          if (name !== null) return { statement, name, resolved: null, stem: null, folder: resolvePackageFolder(importerId, name) }
          if (!statement.specifier.startsWith('.')) return { statement, name, resolved: null, stem: null, folder: null }
          const { resolved, stem } = resolveRelative(importerId, statement.specifier)
          return { statement, name, resolved, stem, folder: null }
        })
    resolvedStatements.set(importerId, list)
    return list
  }

  /** 2 = the specifier names the target file itself, 1 = its package, 0 = no match. */
  const scoreSpecifier = (item: ResolvedStatement, target: string, targetId: string, targetStem: string): number => {
    const { statement: { specifier }, name } = item
    if (name === null) {
      if (item.resolved === null) return 0
      if (target === item.resolved || targetStem === item.stem) return 2
      if (targetStem === `${item.resolved}/index`) return 2
      return 0
    }
    const targetModule = moduleById.get(targetId)
    if (!targetModule?.package) return 0
    const samePackage = item.folder !== null ? item.folder === targetModule.package : packageById.get(targetModule.package)?.name === name
    if (!samePackage) return 0
    const subpath = specifier.slice(name.length + 1)
    if (subpath === '') return 1
    const inPackage = target.slice(targetModule.package.length + 1)
    return stripExtension(inPackage) === stripExtension(subpath) || stripExtension(inPackage) === `${subpath}/index` ? 2 : 1
  }

  const statementCache = new Map<string, ImportStatement | null>()
  const findImportStatement = (importerId: string, targetId: string): ImportStatement | null => {
    const key = `${importerId}\0${targetId}`
    let found = statementCache.get(key)
    if (found === undefined) {
      found = findBestStatement(importerId, targetId)
      statementCache.set(key, found)
    }
    return found
  }
  const findBestStatement = (importerId: string, targetId: string): ImportStatement | null => {
    const statements = resolvedStatementsOf(importerId)
    if (!statements) return null
    const target = stripQuery(targetId)
    const targetStem = stripExtension(target)
    let best: ImportStatement | null = null
    let bestScore = 0
    for (const item of statements) {
      const score = scoreSpecifier(item, target, targetId, targetStem)
      if (score > bestScore) {
        best = item.statement
        bestScore = score
      }
    }
    return best
  }

  const displayModule = (moduleId: string): string => {
    const pkgId = moduleById.get(moduleId)?.package
    const pkg = pkgId ? packageById.get(pkgId) : undefined
    return pkg && moduleId.startsWith(`${pkg.id}/`) ? `${pkg.name}/${moduleId.slice(pkg.id.length + 1)}` : moduleId
  }

  return {
    root,
    options,
    moduleById,
    index,
    packageById,
    chunkByFile,
    modulesByPackage,
    initialFiles,
    sizesOf,
    renderedExportsOf,
    isShipped,
    sumSizes,
    loadOf,
    isAppModule,
    packageNameOf,
    readSource,
    importsOf,
    namespaceUseOf,
    findImportStatement,
    resolvePackageFolder,
    displayModule,
  }
}

/** `savings` minus `other`, floored at zero (nulls stay null). */
export function subtractSavings(savings: Savings, other: Savings): Savings {
  const minus = (a: number | null, b: number | null): number | null => a === null || b === null ? null : Math.max(0, a - b)
  return { rawBytes: Math.max(0, savings.rawBytes - other.rawBytes), gzipBytes: minus(savings.gzipBytes, other.gzipBytes), brotliBytes: minus(savings.brotliBytes, other.brotliBytes) }
}

/** Scales all three figures by `factor` (rounded). */
export function scaleSavings(savings: Savings, factor: number): Savings {
  const scale = (value: number | null): number | null => value === null ? null : Math.round(value * factor)
  return { rawBytes: Math.round(savings.rawBytes * factor), gzipBytes: scale(savings.gzipBytes), brotliBytes: scale(savings.brotliBytes) }
}

/** The ranking figure: gzip bytes, or raw bytes when gzip was not measured. */
export function rankingBytes(savings: Savings): number {
  return savings.gzipBytes ?? savings.rawBytes
}
