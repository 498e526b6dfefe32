/**
 * Vite build overhead: the example app and generated 5k / 20k module apps, each built plain and with
 * every analyzer variant, in fresh child processes (Weighbridge from packages/<name>/dist, checked in each
 * child), in rotating order, several runs each; plus the compression floor of each app's output.
 */
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { runChild, type PackagesFrom } from '../child-process'
import { listCompressibleFiles, type CompressionFloor } from '../compression-floor'
import { formatBytes, formatDurationMs, formatMegabytes, formatRatio, median, renderConsoleTable, renderMarkdownTable } from '../format'
import { generateApp } from '../generate-app'
import type { BenchContext, BenchSection, SectionResult } from '../section'
import type { ViteBuildJob, ViteBuildResult } from '../vite-build-child'
import { viteVariants, type VariantContext, type ViteVariant } from '../vite-variants'

interface BenchApp {
  key: string
  label: string
  /** Creates the app on disk when needed and returns its root. */
  prepare: (context: BenchContext) => Promise<{ root: string, sourceFiles: number | null, sourceBytes: number | null }>
}

const apps: BenchApp[] = [
  {
    key: 'example',
    label: 'examples/vite-app',
    prepare: async context => ({ root: join(context.repoRoot, 'examples/vite-app'), sourceFiles: null, sourceBytes: null }),
  },
  ...[5_000, 20_000].map((moduleCount): BenchApp => ({
    key: `${moduleCount / 1000}k`,
    label: `generated ${moduleCount / 1000}k`,
    prepare: async (context) => {
      const app = await generateApp({ name: `app-${moduleCount / 1000}k`, moduleCount, seed: moduleCount }, join(context.tmpDir, 'apps'))
      return { root: app.root, sourceFiles: app.moduleCount, sourceBytes: app.sourceBytes }
    },
  })),
]

interface VariantSamples {
  variant: string
  builds: (ViteBuildResult & { wallMs: number })[]
  /** Builds that failed (the bench goes on; the table says so). */
  failures: string[]
}

interface AppResult {
  app: BenchApp
  sourceFiles: number | null
  sourceBytes: number | null
  floors: CompressionFloor[]
  variants: VariantSamples[]
  skipped: { variant: string, reason: string }[]
  /** What the build children resolved `weighbridge/vite`, its workspace packages and the peers to. */
  resolved: Record<string, string> | null
}

/** Counts the builds of the section, for the progress lines. */
interface Progress {
  done: number
  total: number
}

const childScript = fileURLToPath(new URL('../vite-build-child.ts', import.meta.url))
const floorScript = fileURLToPath(new URL('../compression-floor-child.ts', import.meta.url))
const buildTimeoutMs = 30 * 60_000

/** Run r starts at variant r (mod n) and odd runs go backwards: no variant always follows the same one. */
function orderVariants<T>(variants: T[], run: number): T[] {
  const rotated = variants.map((_, index) => variants[(index + run) % variants.length]!)
  return run % 2 === 1 ? rotated.reverse() : rotated
}

async function runBuild(context: BenchContext, app: BenchApp, appRoot: string, variant: ViteVariant, label: string, progress: Progress): Promise<ViteBuildResult & { wallMs: number }> {
  const variantContext: VariantContext = {
    appRoot,
    outDir: join(context.tmpDir, 'out', app.key, variant.name),
    reportDir: join(context.tmpDir, 'reports', app.key, variant.name),
  }
  await rm(variantContext.reportDir, { recursive: true, force: true })
  await variant.prepare?.(variantContext)
  const job: ViteBuildJob = { ...variantContext, variant: variant.name }
  const { result, wallMs } = await runChild<ViteBuildResult>({
    script: childScript,
    argument: job,
    cwd: appRoot,
    logFile: join(context.tmpDir, 'logs', app.key, `${variant.name}-${label}.log`),
    timeoutMs: buildTimeoutMs,
    packages: context.options.packages,
  }).finally(() => {
    progress.done++
  })
  return { ...result, wallMs }
}

/** `[12/98]`: this build's place among all builds of the section. */
function formatProgress(progress: Progress): string {
  return `[${progress.done}/${progress.total}]`
}

function countRuns(context: BenchContext, app: BenchApp, variant: ViteVariant): number {
  const runs = context.options.runsByApp[app.key] ?? 1
  return variant.peer ? Math.min(runs, context.options.peerRunsByApp[app.key] ?? runs) : runs
}

/** Builds of one app: warm-up, priming, measured runs, plain rebuilds for the floor when plain is not measured. */
function countBuilds(context: BenchContext, app: BenchApp, variants: ViteVariant[]): number {
  const runs = Math.max(0, ...variants.map(variant => countRuns(context, app, variant)))
  const plainMeasured = variants.some(variant => variant.name === 'plain')
  return 1 + variants.filter(variant => variant.needsPriming).length
    + variants.reduce((sum, variant) => sum + countRuns(context, app, variant), 0)
    + (plainMeasured ? 0 : runs)
}

async function measureFloor(context: BenchContext, app: BenchApp, appRoot: string, label: string): Promise<CompressionFloor> {
  const files = await listCompressibleFiles(join(context.tmpDir, 'out', app.key, 'plain'))
  const { result } = await runChild<CompressionFloor>({
    script: floorScript,
    argument: files,
    cwd: appRoot,
    logFile: join(context.tmpDir, 'logs', app.key, `floor-${label}.log`),
    timeoutMs: buildTimeoutMs,
    packages: context.options.packages,
  })
  return result
}

async function benchApp(context: BenchContext, app: BenchApp, variants: ViteVariant[], skipped: AppResult['skipped'], progress: Progress): Promise<AppResult> {
  context.log(`${app.label}: preparing`)
  const prepared = await app.prepare(context)
  const plain = variants.find(variant => variant.name === 'plain') ?? viteVariants[0]!
  const runs = Math.max(0, ...variants.map(variant => countRuns(context, app, variant)))
  const samples = new Map<string, VariantSamples>(variants.map(variant => [variant.name, { variant: variant.name, builds: [], failures: [] }]))
  const floors: CompressionFloor[] = []

  // Unmeasured: warms the file-system cache and leaves a plain output for the compression floor.
  const warmUp = await runBuild(context, app, prepared.root, plain, 'warm-up', progress)
  context.log(`${formatProgress(progress)} ${app.label}: warm-up build ${formatDurationMs(warmUp.buildMs)}, ${warmUp.moduleCount} modules in the output; weighbridge/vite from ${warmUp.resolved['weighbridge/vite']}`)
  for (const variant of variants) {
    if (!variant.needsPriming) continue
    if (variant.needsPriming({ appRoot: prepared.root, outDir: '', reportDir: '' })) {
      try {
        await runBuild(context, app, prepared.root, variant, 'priming', progress)
        context.log(`${formatProgress(progress)} ${app.label}: primed ${variant.name}`)
      } catch (error) {
        context.log(`${formatProgress(progress)} ${app.label}: priming ${variant.name} FAILED: ${(error as Error).message}`)
      }
    } else {
      progress.done++
    }
  }

  for (let run = 0; run < runs; run++) {
    for (const variant of orderVariants(variants.filter(candidate => run < countRuns(context, app, candidate)), run)) {
      let build: ViteBuildResult & { wallMs: number }
      try {
        build = await runBuild(context, app, prepared.root, variant, `run${run + 1}`, progress)
      } catch (error) {
        const reason = (error as Error).message
        samples.get(variant.name)!.failures.push(reason)
        context.log(`${formatProgress(progress)} ${app.label} run ${run + 1}/${runs} ${variant.name} FAILED: ${reason}`)
        continue
      }
      samples.get(variant.name)!.builds.push(build)
      context.log(`${formatProgress(progress)} ${app.label} run ${run + 1}/${runs} ${variant.name}: ${formatDurationMs(build.buildMs)} (CPU ${formatDurationMs(build.cpuMs)}), ${formatMegabytes(build.maxRssBytes)} RSS`)
    }
    // The floor needs a plain output: the last plain build of this run left one.
    if (!variants.includes(plain)) await runBuild(context, app, prepared.root, plain, `floor-run${run + 1}`, progress)
    let floor: CompressionFloor
    try {
      floor = await measureFloor(context, app, prepared.root, `run${run + 1}`)
    } catch (error) {
      context.log(`${app.label} run ${run + 1}/${runs} compression floor FAILED: ${(error as Error).message}`)
      continue
    }
    floors.push(floor)
    context.log(`${app.label} run ${run + 1}/${runs} compression floor: ${formatDurationMs(floor.totalMs)} (${floor.fileCount} files, ${formatBytes(floor.rawBytes)})`)
  }
  return { app, sourceFiles: prepared.sourceFiles, sourceBytes: prepared.sourceBytes, floors, variants: [...samples.values()], skipped, resolved: warmUp.resolved }
}

interface SummaryRow {
  app: string
  variant: string
  runs: number
  failures: number
  buildMs: number | null
  buildRatio: number | null
  cpuMs: number | null
  cpuRatio: number | null
  extraCpuOverFloorCpu: number | null
  extraOverFloor: number | null
  maxRssBytes: number | null
  rssRatio: number | null
  reportBytes: number | null
}

function summarise(result: AppResult): SummaryRow[] {
  const floorMs = median(result.floors.map(floor => floor.totalMs))
  const floorCpuMs = median(result.floors.map(floor => floor.cpuMs))
  const plain = result.variants.find(samples => samples.variant === 'plain')
  const plainMs = plain ? median(plain.builds.map(build => build.buildMs)) : null
  const plainRss = plain ? median(plain.builds.map(build => build.maxRssBytes)) : null
  const plainCpuMs = plain ? median(plain.builds.map(build => build.cpuMs)) : null
  return result.variants.map((samples) => {
    const buildMs = median(samples.builds.map(build => build.buildMs))
    const maxRssBytes = median(samples.builds.map(build => build.maxRssBytes))
    const cpuMs = median(samples.builds.map(build => build.cpuMs))
    const reportSizes = samples.builds.map(build => build.reportFiles.reduce((sum, file) => sum + file.bytes, 0))
    return {
      app: result.app.label,
      variant: samples.variant,
      runs: samples.builds.length,
      failures: samples.failures.length,
      buildMs,
      buildRatio: buildMs !== null && plainMs ? buildMs / plainMs : null,
      cpuMs,
      cpuRatio: cpuMs !== null && plainCpuMs ? cpuMs / plainCpuMs : null,
      extraCpuOverFloorCpu: cpuMs !== null && plainCpuMs !== null && floorCpuMs ? (cpuMs - plainCpuMs) / floorCpuMs : null,
      extraOverFloor: buildMs !== null && plainMs !== null && floorMs ? (buildMs - plainMs) / floorMs : null,
      maxRssBytes,
      rssRatio: maxRssBytes !== null && plainRss ? maxRssBytes / plainRss : null,
      reportBytes: samples.builds.some(build => build.reportFiles.length > 0) ? median(reportSizes) : null,
    }
  })
}

/**
 * Issue 3's targets, per app, from the medians: (a) cold extra time ≤ 1.2× the floor and below both
 * peers, (b) warm rebuild ≤ 1.15× plain, (c) fast setting ≤ 1.15× plain, peak RSS ≤ 1.3× plain.
 */
function renderTargets(results: AppResult[]): { header: string[], rows: string[][], align: ('l' | 'r')[] } {
  const header = ['App', 'Target', 'Measured (wall)', 'Measured (CPU)', 'Limit', 'Met (wall)']
  const align: ('l' | 'r')[] = ['l', 'l', 'r', 'r', 'r', 'l']
  const rows: string[][] = []
  const verdict = (value: number | null, limit: number): string => (value === null ? '–' : value <= limit ? 'yes' : 'no')
  for (const result of results) {
    const byVariant = new Map(summarise(result).map(row => [row.variant, row]))
    const cold = byVariant.get('weighbridge-cold')
    const warm = byVariant.get('weighbridge-warm')
    const fast = byVariant.get('weighbridge-fast')
    const lean = byVariant.get('weighbridge-lean')
    const label = result.app.label
    if (cold) {
      rows.push([label, '(a) cold default: extra time / floor', cold.extraOverFloor?.toFixed(2) ?? '–', cold.extraCpuOverFloorCpu?.toFixed(2) ?? '–', '1.20', verdict(cold.extraOverFloor, 1.2)])
      for (const peer of ['visualizer', 'sonda']) {
        const other = byVariant.get(peer)
        if (!other || other.buildMs === null || cold.buildMs === null) continue
        rows.push([label, `(a) cold default faster than ${peer}`, `${formatDurationMs(cold.buildMs)} vs ${formatDurationMs(other.buildMs)}`, `${formatDurationMs(cold.cpuMs)} vs ${formatDurationMs(other.cpuMs)}`, '<', cold.buildMs < other.buildMs ? 'yes' : 'no'])
      }
    }
    if (warm) rows.push([label, '(b) unchanged rebuild (warm cache) × plain', formatRatio(warm.buildRatio), formatRatio(warm.cpuRatio), '1.15×', verdict(warm.buildRatio, 1.15)])
    if (fast) rows.push([label, '(c) fast setting (gzip only) × plain', formatRatio(fast.buildRatio), formatRatio(fast.cpuRatio), '1.15×', verdict(fast.buildRatio, 1.15)])
    if (lean) rows.push([label, '(c) lean setting (gzip only, no findings, no HTML) × plain', formatRatio(lean.buildRatio), formatRatio(lean.cpuRatio), '1.15×', verdict(lean.buildRatio, 1.15)])
    for (const row of [cold, warm, fast, lean]) {
      if (row) rows.push([label, `peak RSS × plain, ${row.variant}`, formatRatio(row.rssRatio), '', '1.30×', verdict(row.rssRatio, 1.3)])
    }
  }
  return { header, rows, align }
}

function renderTables(results: AppResult[], packages: PackagesFrom): { markdown: string, consoleText: string } {
  const header = ['App', 'Variant', 'Runs', 'Build (median)', '× plain', 'Extra / floor', 'CPU', '× plain', 'Extra CPU / floor CPU', 'Peak RSS', '× plain', 'Report']
  const align: ('l' | 'r')[] = ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']
  const rows = results.flatMap(summarise).map(row => [
    row.app,
    row.variant,
    row.failures > 0 ? `${row.runs} (${row.failures} failed)` : String(row.runs),
    formatDurationMs(row.buildMs),
    row.variant === 'plain' ? '1.00×' : formatRatio(row.buildRatio),
    row.variant === 'plain' ? '–' : row.extraOverFloor === null ? '–' : `${row.extraOverFloor.toFixed(2)}`,
    formatDurationMs(row.cpuMs),
    row.variant === 'plain' ? '1.00×' : formatRatio(row.cpuRatio),
    row.variant === 'plain' || row.extraCpuOverFloorCpu === null ? '–' : row.extraCpuOverFloorCpu.toFixed(2),
    formatMegabytes(row.maxRssBytes),
    row.variant === 'plain' ? '1.00×' : formatRatio(row.rssRatio),
    formatBytes(row.reportBytes),
  ])

  const appHeader = ['App', 'Source files', 'Source size', 'Modules in output', 'JS+CSS files', 'JS+CSS raw', 'gzip-9', 'brotli-11', 'Floor gzip', 'Floor brotli', 'Floor total', 'Floor CPU']
  const appAlign: ('l' | 'r')[] = ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'r']
  const appRows = results.map((result) => {
    const floor = result.floors[result.floors.length - 1]
    const plainBuild = result.variants.find(samples => samples.variant === 'plain')?.builds[0]
    return [
      result.app.label,
      result.sourceFiles === null ? '–' : result.sourceFiles.toLocaleString('en-US'),
      formatBytes(result.sourceBytes),
      plainBuild ? plainBuild.moduleCount.toLocaleString('en-US') : '–',
      floor ? String(floor.fileCount) : '–',
      formatBytes(floor?.rawBytes ?? null),
      formatBytes(floor?.gzipBytes ?? null),
      formatBytes(floor?.brotliBytes ?? null),
      formatDurationMs(median(result.floors.map(item => item.gzipMs))),
      formatDurationMs(median(result.floors.map(item => item.brotliMs))),
      formatDurationMs(median(result.floors.map(item => item.totalMs))),
      formatDurationMs(median(result.floors.map(item => item.cpuMs))),
    ]
  })
  const skippedLines = [
    ...(results[0]?.skipped ?? []).map(item => `- ${item.variant} skipped: ${item.reason}`),
    ...results.flatMap(result => result.variants.flatMap(samples => [...new Set(samples.failures)].map(reason => `- ${result.app.label}, ${samples.variant} failed: ${reason}`))),
  ]
  const variantLines = viteVariants.map(variant => `- **${variant.name}**${variant.peer ? ' (peer)' : ''}: ${variant.description}`)
  const targets = renderTargets(results)
  const resolved = results.find(result => result.resolved !== null)?.resolved ?? {}
  const resolvedLines = Object.entries(resolved).map(([specifier, file]) => `- \`${specifier}\` → \`${file.replace(/node_modules\/\.pnpm\/[^/]+\/node_modules\//, 'node_modules/')}\``)

  const markdown = [
    '## Vite 8 build overhead',
    '',
    'Each build runs in a fresh Node process (`vite build` through the JS API with `configFile: false`, so',
    'every variant gets the same config plus its plugin). "Build" is the time of `build()` inside that',
    'process (the median of the runs); "CPU" is the user + system CPU time of the process during `build()`',
    '(all threads; less sensitive to other load on the machine than wall time); "Peak RSS" is',
    '`process.resourceUsage().maxRSS` at its end (main thread and worker threads). Variants run in rotating',
    'order, after one unmeasured plain warm-up build (and one priming build for the warm-cache variant).',
    '"Extra / floor" = (variant − plain) / compression floor, where the floor is the time to gzip-9 and',
    'brotli-11 every emitted JS and CSS file once on all cores (worker threads, measured in the same run):',
    '1.0 means the tool costs as much as the compression it has to do; less than 1 is possible for tools',
    'that compress less (the fast setting, a warm cache) or overlap with the build. "Extra CPU / floor CPU"',
    'is the same in CPU time (the floor\'s CPU time covers its worker threads): the figure to trust when',
    'the machine was busy with other work.',
    '',
    ...(packages === 'dist'
      ? [
          'Each build child is plain `node` running a script compiled from bench/src/vite-build-child.ts (no',
          'TypeScript loader): before the build it resolves these packages as its imports will and stops when',
          'Weighbridge does not come from `packages/*/dist` (what users install) or a peer not from node_modules:',
        ]
      : [
          '**Weighbridge ran from its TypeScript sources** (tsx loader, `weighbridge-source` condition), not from',
          'the built packages users install; its times include transpiling. Packages as resolved:',
        ]),
    '',
    ...resolvedLines,
    '',
    renderMarkdownTable(header, rows, align),
    '',
    '### Apps and compression floor',
    '',
    renderMarkdownTable(appHeader, appRows, appAlign),
    '',
    '### Targets (issue 3)',
    '',
    'From the medians above; "Met" is judged on wall time. When the load average was above the core count,',
    'the CPU column is the steadier figure.',
    '',
    renderMarkdownTable(targets.header, targets.rows, targets.align),
    '',
    '### Variants',
    '',
    'Variants marked *peer* (the other tools and their source-map baseline) are measured with the peer run count',
    '(fewer runs than plain and Weighbridge in the default mode: they are the slowest builds).',
    '',
    ...variantLines,
    ...(skippedLines.length > 0 ? ['', ...skippedLines] : []),
  ].join('\n')
  const consoleText = [renderConsoleTable(header, rows, align), '', renderConsoleTable(appHeader, appRows, appAlign), '', renderConsoleTable(targets.header, targets.rows, targets.align), ...(skippedLines.length > 0 ? ['', ...skippedLines] : [])].join('\n')
  return { markdown, consoleText }
}

async function runViteBuilds(context: BenchContext): Promise<SectionResult> {
  const wantedApps = context.options.apps.length > 0
    ? context.options.apps
    : context.options.mode === 'quick' ? ['example', '5k'] : apps.map(app => app.key)
  const unknownApps = wantedApps.filter(key => !apps.some(app => app.key === key))
  if (unknownApps.length > 0) throw new Error(`Unknown app ${unknownApps.join(', ')} in --apps; known: ${apps.map(app => app.key).join(', ')}`)
  const wantedVariants = context.options.variants.length > 0 ? context.options.variants : viteVariants.map(variant => variant.name)
  const unknownVariants = wantedVariants.filter(name => !viteVariants.some(variant => variant.name === name))
  if (unknownVariants.length > 0) throw new Error(`Unknown variant ${unknownVariants.join(', ')} in --variants; known: ${viteVariants.map(variant => variant.name).join(', ')}`)

  const variants: ViteVariant[] = []
  const skipped: AppResult['skipped'] = []
  for (const variant of viteVariants.filter(candidate => wantedVariants.includes(candidate.name))) {
    const reason = await variant.checkAvailable()
    if (reason === null) variants.push(variant)
    else {
      skipped.push({ variant: variant.name, reason })
      context.log(`skipping ${variant.name}: ${reason}`)
    }
  }

  const selectedApps = apps.filter(candidate => wantedApps.includes(candidate.key))
  const progress: Progress = { done: 0, total: selectedApps.reduce((sum, app) => sum + countBuilds(context, app, variants), 0) }
  context.log(`${progress.total} Vite builds planned: ${selectedApps.map(app => `${app.label} ${variants.map(variant => `${variant.name} ×${countRuns(context, app, variant)}`).join(', ')}`).join('; ')}`)
  const results: AppResult[] = []
  for (const app of selectedApps) {
    results.push(await benchApp(context, app, variants, skipped, progress))
  }
  return { ...renderTables(results, context.options.packages), data: results.map(result => ({ ...result, app: result.app.key })) }
}

export const viteBuildsSection: BenchSection = {
  name: 'vite-builds',
  description: 'Vite 8 build time and peak memory: plain vs Weighbridge (cold, warm, fast) vs rollup-plugin-visualizer vs Sonda',
  runsByDefault: true,
  run: runViteBuilds,
}
