/**
 * An unchanged rebuild reuses the last analysis: when everything that decides report.json and
 * report.html is what it was at the last full analysis (the key below) and both files are still on
 * disk as they were written, `finishBuild()` skips buildReport, findings, budgets, writing and
 * rendering, prints the stored summary and replays the stored warnings and errors (a broken budget
 * still fails the build, with the same message).
 *
 * The key (sha256) covers:
 * - the generator version, zlib/brotli versions and the resolved options (all but `summary`,
 *   `logLevel` and `cache`, which cannot change the report);
 * - the `CollectedBuild`: every file's name and content hash (shared with the measurer through
 *   `CollectedFile.contentHash`: each file is hashed once per build), chunk metadata (modules in
 *   order with their rendered code, lengths and exports, imports, source map), the module graph
 *   (ids, edges, format, sideEffects, exports) and the HTML pages;
 * - each source file's size and mtime (a comment-only edit leaves the output alone but changes
 *   original sizes and source lines), the `package.json` files package lookups read in
 *   node_modules, and the install state findings look at (lockfiles, `node_modules/.modules.yaml`,
 *   `.package-lock.json`... in the root and its parents);
 * - what budgets depend on beyond the build, so that reuse stays exact with them on: the config
 *   file as loaded (values, not text: a config that imports or computes its budgets is covered),
 *   the inline budgets / baseline / saveBaseline, and the baseline file's content hash; a saved
 *   baseline is checked on disk like the report files. Also the runtime snapshot file's content
 *   hash (static leak findings come from the original files, which are in the key already).
 *
 * The key is computed in two parts: the settings and the emitted files first (the files digest),
 * then the graph and the source stamps (~0.7 s at 20,000 modules, mostly `stat` of every source).
 * When the files digest differs from the stored one (or nothing is stored), the build is a miss
 * whatever the rest says: the second part is then computed while the files compress
 * (`completeKey`), only to be stored for the next build.
 *
 * Never reused (each build is analysed): `split` (its plan and files are made from the fresh report,
 * with more report files as inputs), `timestamps: true` (every report records its own build time)
 * and `reportFile: false` (no report on disk for `FinishBuildResult.report` to be read from).
 *
 * The state is `analysis-state.json` in the cache folder (`false`: in memory, per plugin instance),
 * one entry per report.json location, written temp-then-rename and validated on read; anything
 * unexpected (a missing or corrupt state, a report file edited or deleted) means a full analysis.
 */
import type { CollectedBuild, CollectedChunk, Measurer, Report } from '@weighbridge/core'
import type { BudgetStep } from './budgets-step'
import type { LoadedConfig } from './config-file'
import type { Logger } from './logger'
import type { ResolvedOptions } from './options'
import type { FinishBuildResult } from './pipeline'
import { createHash, randomBytes } from 'node:crypto'
import { readFileSync, statSync } from 'node:fs'
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { hashBytes, parseModuleId, readReportFile } from '@weighbridge/core'
import { loadBudgetsConfig, mergeConfig } from './budgets-step'
import { ConfigFileError, resolveSaveBaselinePath } from './config-file'
import { publishCiOutput } from './ci'
import { resolveHtmlReportPath } from './html-report-step'
import { resolveRuntimeOptions } from './runtime/runtime-options'
import { formatSummary } from './summary'
import { generatorVersion } from './version'

/** Bumped when the key's inputs or the state's meaning change. */
const STATE_FORMAT = 'weighbridge-analysis-state-v2'
export const ANALYSIS_STATE_FILE = 'analysis-state.json'
/** Report locations remembered per state file (one per report.json path; a few per project). */
const MAX_ENTRIES = 16
/**
 * Options that cannot change report.json / report.html. Every other option is in the key, also
 * options added later: a new option is safe by default.
 */
const OPTIONS_OUTSIDE_KEY = new Set(['summary', 'logLevel', 'cache'])
/** Files that change when packages are installed or updated (findings look for installed packages). */
const INSTALL_STATE_FILES = ['package.json', 'pnpm-lock.yaml', 'package-lock.json', 'npm-shrinkwrap.json', 'yarn.lock', 'bun.lock', 'bun.lockb', 'node_modules/.modules.yaml', 'node_modules/.package-lock.json', 'node_modules/.yarn-state.yml']

/** A file as written, to tell later whether it is still the same one (a rewrite is a new inode). */
interface FileStamp {
  path: string
  ino: number
  size: number
  mtimeMs: number
}

interface StateEntry {
  /** Absolute report.json path: one entry per location. */
  location: string
  /** The digest of the settings and the emitted files (`computeFilesDigest`): compared first. */
  filesDigest: string
  key: string
  reportPath: string
  htmlPath: string | null
  /** Files that must be unchanged for the entry to stand: report.json, report.html, a saved baseline. */
  files: FileStamp[]
  summary: { plain: string, colored: string }
  errors: string[]
  warnings: string[]
  /** Set when the report has budgets or a diff: CI output is published again from report.json. */
  ci: { configFile: string | null } | null
}

interface StateFile {
  format: typeof STATE_FORMAT
  entries: StateEntry[]
}

/** What `finishBuild()` needs from the check. */
export interface AnalysisReuseCheck {
  /** The stored analysis when this build may reuse it. */
  hit: StateEntry | null
  /** Why the analysis is not reused (shown in the timing log); null on a hit. */
  missReason: string | null
  /** The config file as read for the key: `applyBudgets()` takes it instead of reading it again. */
  loadedConfig: LoadedConfig | undefined
  /**
   * On a miss known from the files alone, the rest of the key (graph, source files: ~0.7 s at 20,000
   * modules) is not computed before the analysis: this computes it, e.g. while the files compress;
   * `record` does it when nobody did. Nothing to do otherwise.
   */
  completeKey: () => void
  /** After a full analysis: stores what the next unchanged build reuses (nothing when it cannot). */
  record: (outcome: AnalysisOutcome) => Promise<void>
}

/** A full analysis as `finishBuild()` finished it. */
export interface AnalysisOutcome {
  report: Report
  reportPath: string | null
  htmlPath: string | null
  errors: string[]
  warnings: string[]
  budgets: BudgetStep
}

/** Called with each step's wall time (`files`, `graph`, `sources`), for the timing log. */
export type PhaseCallback = (phase: string, durationMs: number) => void

/** Memory-only states (`cache: false`), one per plugin instance (its resolved options object). */
const memoryStates = new WeakMap<ResolvedOptions, StateFile>()

function emptyState(): StateFile {
  return { format: STATE_FORMAT, entries: [] }
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(item => typeof item === 'string')
}

function isFileStamp(value: unknown): value is FileStamp {
  const stamp = value as FileStamp
  return typeof stamp === 'object' && stamp !== null && typeof stamp.path === 'string'
    && typeof stamp.ino === 'number' && typeof stamp.size === 'number' && typeof stamp.mtimeMs === 'number'
}

function isStateEntry(value: unknown): value is StateEntry {
  const entry = value as StateEntry
  return typeof entry === 'object' && entry !== null
    && typeof entry.location === 'string' && typeof entry.filesDigest === 'string' && typeof entry.key === 'string' && typeof entry.reportPath === 'string'
    && (entry.htmlPath === null || typeof entry.htmlPath === 'string')
    && Array.isArray(entry.files) && entry.files.every(isFileStamp)
    && typeof entry.summary === 'object' && entry.summary !== null
    && typeof entry.summary.plain === 'string' && typeof entry.summary.colored === 'string'
    && isStringArray(entry.errors) && isStringArray(entry.warnings)
    && (entry.ci === null || (typeof entry.ci === 'object' && (entry.ci.configFile === null || typeof entry.ci.configFile === 'string')))
}

/** The parsed state, or an empty one when it is missing, not JSON or not ours. */
function parseState(text: string): StateFile {
  let value: unknown
  try {
    value = JSON.parse(text)
  }
  catch {
    return emptyState()
  }
  const state = value as StateFile
  if (typeof state !== 'object' || state === null || state.format !== STATE_FORMAT || !Array.isArray(state.entries))
    return emptyState()
  return { format: STATE_FORMAT, entries: state.entries.filter(isStateEntry) }
}

function resolveStatePath(resolved: ResolvedOptions, root: string): string | null {
  return resolved.cache === false ? null : path.resolve(root, resolved.cache, ANALYSIS_STATE_FILE)
}

/** Synchronous: the libuv thread pool is busy with the compressed-size cache reads the bundler hooks started. */
function readState(resolved: ResolvedOptions, statePath: string | null): StateFile {
  if (statePath === null)
    return memoryStates.get(resolved) ?? emptyState()
  try {
    return parseState(readFileSync(statePath, 'utf8'))
  }
  catch {
    return emptyState()
  }
}

/** Temp file then rename: a reader sees the old state or the new one. A failure only costs the reuse. */
async function writeState(resolved: ResolvedOptions, statePath: string | null, state: StateFile): Promise<void> {
  if (statePath === null) {
    memoryStates.set(resolved, state)
    return
  }
  const temporary = `${statePath}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`
  try {
    await mkdir(path.dirname(statePath), { recursive: true })
    await writeFile(temporary, JSON.stringify(state))
    await rename(temporary, statePath)
  }
  catch {
    await rm(temporary, { force: true }).catch(() => {})
  }
}

function stampFile(file: string): FileStamp | null {
  try {
    const stats = statSync(file, { throwIfNoEntry: false })
    return stats?.isFile() ? { path: file, ino: stats.ino, size: stats.size, mtimeMs: stats.mtimeMs } : null
  }
  catch {
    return null
  }
}

function isUnchanged(stamp: FileStamp): boolean {
  const now = stampFile(stamp.path)
  return now !== null && now.ino === stamp.ino && now.size === stamp.size && now.mtimeMs === stamp.mtimeMs
}

function hashFileOrMissing(file: string): string {
  try {
    return hashBytes(readFileSync(file))
  }
  catch {
    return 'missing'
  }
}

function describeStat(file: string): string {
  const stats = statSync(file, { throwIfNoEntry: false })
  return stats ? `${stats.size}:${stats.mtimeMs}` : '-'
}

/**
 * Size and mtime of every source file the build names (virtual ids too, by their file part): modules,
 * chunk members and what they import. Importers are left out: an importer is a module of the build.
 */
function describeSourceFiles(collected: CollectedBuild): string {
  const ids = new Set<string>()
  const addAll = (list: string[] | undefined): void => {
    if (list) {
      for (const id of list)
        ids.add(id)
    }
  }
  for (const module of collected.modules) {
    ids.add(module.id)
    addAll(module.importedIds)
    addAll(module.dynamicallyImportedIds)
    addAll(module.requiredIds)
  }
  for (const file of collected.files) {
    if (!file.chunk)
      continue
    for (const module of file.chunk.modules)
      ids.add(module.id)
    if (file.chunk.entryModule)
      ids.add(file.chunk.entryModule)
  }
  const files = new Set<string>()
  for (const id of ids) {
    const { filePath } = parseModuleId(id)
    if (filePath !== null)
      files.add(filePath)
  }
  const parts: string[] = []
  const sorted = [...files].sort()
  // package.json files the package lookup reads: from each node_modules file's folder up to node_modules.
  const manifestFolders = new Set<string>()
  for (const file of sorted) {
    parts.push(`${file}\0${describeStat(file)}`)
    if (!file.includes('node_modules'))
      continue
    let folder = path.dirname(file)
    while (!manifestFolders.has(folder) && path.basename(folder) !== 'node_modules' && path.dirname(folder) !== folder) {
      manifestFolders.add(folder)
      folder = path.dirname(folder)
    }
  }
  for (const folder of manifestFolders) {
    const manifest = path.join(folder, 'package.json')
    parts.push(`${manifest}\0${describeStat(manifest)}`)
  }
  return parts.join('\n')
}

/** Lockfiles and install markers in the root and each parent folder. */
function describeInstallState(root: string): string {
  const parts: string[] = []
  for (let folder = root; ; folder = path.dirname(folder)) {
    for (const name of INSTALL_STATE_FILES) {
      const stamp = describeStat(path.join(folder, name))
      if (stamp !== '-')
        parts.push(`${folder}/${name}\0${stamp}`)
    }
    if (path.dirname(folder) === folder)
      break
  }
  return parts.join('\n')
}

/** Everything besides the build itself that decides the report (see the file comment). */
function describeSettings(resolved: ResolvedOptions, root: string, loaded: LoadedConfig): string {
  const config = mergeConfig(loaded.config, resolved)
  const { snapshot } = resolveRuntimeOptions(resolved.runtime)
  const savePath = resolveSaveBaselinePath(config)
  // A function in an option (none today) is keyed by its source text rather than dropped.
  return JSON.stringify({
    format: STATE_FORMAT,
    generatorVersion,
    zlib: process.versions.zlib ?? null,
    brotli: process.versions.brotli ?? null,
    root,
    options: Object.fromEntries(Object.entries(resolved).filter(([name]) => !OPTIONS_OUTSIDE_KEY.has(name))),
    configFile: loaded.file,
    budgets: config.budgets ?? null,
    baseline: config.baseline ?? null,
    baselineHash: config.baseline ? hashFileOrMissing(path.resolve(root, config.baseline)) : null,
    saveBaseline: savePath,
    snapshotHash: snapshot ? hashFileOrMissing(path.resolve(root, snapshot)) : null,
  }, (_name, value: unknown) => typeof value === 'function' ? String(value) : value)
}

/**
 * A chunk without its contents: modules in order with their rendered sizes and exports, edges, and
 * the source map's sources and size. Module code and map mappings follow from the file's bytes and
 * the source files, which the key covers already (hashing them too took 120 ms on a 5k-module app).
 */
function describeChunk(chunk: CollectedChunk): unknown[] {
  return [
    chunk.name,
    chunk.kind,
    chunk.isEntry,
    chunk.isDynamicEntry,
    chunk.entryModule ?? null,
    chunk.imports,
    chunk.dynamicImports,
    chunk.css ?? null,
    chunk.assets ?? null,
    chunk.modules.map(module => [module.id, module.renderedLength ?? null, module.code?.length ?? null, module.renderedExports ?? null, module.outputBytes ?? null]),
    chunk.map ? [chunk.map.sources, chunk.map.sourceRoot ?? null, chunk.map.mappings.length] : null,
    chunk.ranges ?? null,
  ]
}

function createPhaseClock(onPhase?: PhaseCallback): (phase: string) => void {
  let phaseStartMs = performance.now()
  return (phase) => {
    if (!onPhase)
      return
    const nowMs = performance.now()
    onPhase(phase, nowMs - phaseStartMs)
    phaseStartMs = nowMs
  }
}

/**
 * The first part of the reuse key (sha256, hex): the settings and every emitted file (name, content
 * hash, chunk description). Compared on its own first: when it differs, the build is not reused
 * whatever the rest says. Fills `contentHash` of each file it hashes, so that the measurer does not
 * hash the same bytes again.
 */
export function computeFilesDigest(collected: CollectedBuild, settings: string, onPhase?: PhaseCallback): string {
  const endPhase = createPhaseClock(onPhase)
  const hash = createHash('sha256')
  hash.update(settings)
  hash.update(JSON.stringify([collected.bundler, collected.bundlerVersion ?? null, collected.root]))
  for (const file of collected.files) {
    file.contentHash ??= hashBytes(file.contents)
    hash.update(JSON.stringify([file.fileName, file.contentHash, file.sizeBytes ?? null, file.chunk ? describeChunk(file.chunk) : null]))
  }
  endPhase('files')
  return hash.digest('hex')
}

/** The reuse key of a build (sha256, hex): the files digest, the module graph and the source files' stamps. */
export function computeAnalysisKey(collected: CollectedBuild, filesDigest: string, root: string, onPhase?: PhaseCallback): string {
  const endPhase = createPhaseClock(onPhase)
  const hash = createHash('sha256')
  hash.update(filesDigest)
  // By id: Rolldown (Vite) lists modules in a different order from one build to the next.
  hash.update(JSON.stringify(collected.modules.toSorted((a, b) => a.id < b.id ? -1 : a.id > b.id ? 1 : 0)))
  hash.update(JSON.stringify(collected.htmlPages ?? []))
  endPhase('graph')
  hash.update(describeSourceFiles(collected))
  hash.update(describeInstallState(root))
  endPhase('sources')
  return hash.digest('hex')
}

/** Why a build can never reuse an analysis, or null. */
function describeNeverReused(resolved: ResolvedOptions): string | null {
  if (resolved.reportFile === false)
    return 'reportFile: false (no report on disk to reuse)'
  if (resolved.timestamps)
    return 'timestamps: true (each report records its own build time)'
  if (resolved.split !== undefined && resolved.split !== false)
    return 'split is on (its plan is made from the fresh report)'
  return null
}

/**
 * Computes this build's key and looks for a stored analysis of the same key whose files are unchanged
 * on disk. Never throws: any problem means a full analysis.
 */
export async function checkAnalysisReuse(collected: CollectedBuild, resolved: ResolvedOptions, root: string, onPhase?: PhaseCallback): Promise<AnalysisReuseCheck> {
  const check: AnalysisReuseCheck = { hit: null, missReason: null, loadedConfig: undefined, completeKey: () => {}, record: async () => {} }
  check.missReason = describeNeverReused(resolved)
  if (check.missReason !== null)
    return check
  try {
    check.loadedConfig = await loadBudgetsConfig(root, resolved)
  }
  catch (error) {
    // The full analysis reports the config file's problem as a build error.
    check.missReason = error instanceof ConfigFileError ? 'the config file could not be loaded' : `the config file could not be loaded (${(error as Error).message})`
    return check
  }
  const location = path.resolve(root, resolved.reportFile as string)
  const statePath = resolveStatePath(resolved, root)
  const state = readState(resolved, statePath)
  const entry = state.entries.find(item => item.location === location)
  let filesDigest: string
  let key: string | null = null
  const computeKey = (): string => key ??= computeAnalysisKey(collected, filesDigest, root, onPhase)
  try {
    filesDigest = computeFilesDigest(collected, describeSettings(resolved, root, check.loadedConfig), onPhase)
    // The rest of the key only when it can still match; a miss computes it later, off the critical path.
    if (entry?.filesDigest === filesDigest)
      computeKey()
  }
  catch (error) {
    check.missReason = `the reuse key could not be computed (${(error as Error).message})`
    return check
  }
  if (!entry)
    check.missReason = 'first analysis here'
  else if (entry.filesDigest !== filesDigest)
    check.missReason = 'the emitted files or the settings changed'
  else if (entry.key !== key)
    check.missReason = 'the module graph or the source files changed'
  else if (!entry.files.every(isUnchanged))
    check.missReason = `${path.relative(root, entry.files.find(stamp => !isUnchanged(stamp))!.path).replaceAll('\\', '/')} changed on disk`
  else
    check.hit = entry
  check.completeKey = () => {
    try {
      computeKey()
    }
    catch {}
  }
  check.record = async (outcome) => {
    check.completeKey()
    if (key !== null)
      await recordAnalysis(outcome, { resolved, root, filesDigest, key, location, statePath, state })
  }
  return check
}

function showPath(root: string, file: string): string {
  return path.relative(root, file).replaceAll('\\', '/') || file
}

async function recordAnalysis(outcome: AnalysisOutcome, where: { resolved: ResolvedOptions, root: string, filesDigest: string, key: string, location: string, statePath: string | null, state: StateFile }): Promise<void> {
  const { resolved, root, filesDigest, key, location, statePath, state } = where
  const others = state.entries.filter(item => item.location !== location)
  const htmlWanted = resolveHtmlReportPath(resolved, root)
  const written = [outcome.reportPath, outcome.htmlPath]
  // Only a complete analysis is reused: report.json written where expected, and report.html when asked.
  if (outcome.reportPath !== location || outcome.htmlPath !== htmlWanted) {
    if (others.length !== state.entries.length)
      await writeState(resolved, statePath, { format: STATE_FORMAT, entries: others })
    return
  }
  const savePath = resolveSaveBaselinePath(outcome.budgets.config)
  if (savePath)
    written.push(path.resolve(root, savePath))
  const files = written.flatMap(file => (file === null ? [] : [stampFile(file)]))
    .filter((stamp): stamp is FileStamp => stamp !== null)
  const summaryOptions = { reportPath: showPath(root, outcome.reportPath), htmlPath: outcome.htmlPath === null ? null : showPath(root, outcome.htmlPath) }
  const { report } = outcome
  const entry: StateEntry = {
    location,
    filesDigest,
    key,
    reportPath: outcome.reportPath,
    htmlPath: outcome.htmlPath,
    files,
    summary: { plain: formatSummary(report, { ...summaryOptions, colors: false }), colored: formatSummary(report, { ...summaryOptions, colors: true }) },
    errors: [...outcome.errors],
    warnings: [...outcome.warnings],
    ci: report.budgets.length > 0 || report.diff !== null ? { configFile: outcome.budgets.configFile ? showPath(root, outcome.budgets.configFile) : null } : null,
  }
  await writeState(resolved, statePath, { format: STATE_FORMAT, entries: [entry, ...others].slice(0, MAX_ENTRIES) })
}

/**
 * The reused build's result: the stored summary printed, CI output published again (from report.json,
 * when in GitHub Actions), compression the bundler hooks started dropped. `report` is read from
 * report.json when first asked for.
 */
export async function replayAnalysis(hit: StateEntry, resolved: ResolvedOptions, logger: Logger, measurer: Measurer): Promise<FinishBuildResult> {
  let report: Report | undefined
  const readReport = (): Report => report ??= readReportFile(hit.reportPath)
  // Files were prefetched in the bundler hooks: a measure of nothing releases that work.
  await measurer.measure([])
  if (resolved.summary) {
    const colors = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR
    logger.info(colors ? hit.summary.colored : hit.summary.plain)
  }
  if (hit.ci && (process.env.GITHUB_ACTIONS === 'true' || process.env.GITHUB_STEP_SUMMARY))
    publishCiOutput(readReport(), { configFile: hit.ci.configFile })
  return {
    get report() {
      return readReport()
    },
    reportPath: hit.reportPath,
    errors: [...hit.errors],
    warnings: [...hit.warnings],
    reused: true,
  }
}
