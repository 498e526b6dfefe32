/**
 * How long the findings analyses take on a generated 20,000-module report (no bundler):
 *
 *   cd bench && npx tsx --conditions=weighbridge-source analyses.ts [--modules 20000] [--runs 5] [--no-sources]
 *
 * The report and its source tree come from `src/generate-report-graph.ts` (packages with many
 * modules, long chains, shared modules, cycles, CommonJS, duplicates, locales; an app with two
 * entries, routes, `import()`, .tsx files with JSX). The sources are written once to
 * bench/.tmp/analyses-<modules>/ so the rules read real importer files, as in a build; with
 * `--no-sources` they run without a root (nothing read from disk).
 *
 * Prints the graph's shape, the dominator step alone, then per run the total and each step
 * (`context` = indexing the graph, then each rule), and the median over the runs.
 */
import type { Report } from '@weighbridge/core'
import { computeDominators, computeFindings, computeRetainedWeights, createIndexGraph } from '@weighbridge/core'
import path from 'node:path'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import { generateReportGraph, writeSourceTree } from './src/generate-report-graph'

/** The generated report alone (kept for callers of the old generator). */
export function generateReport(moduleCount: number, seed = 1): Report {
  return generateReportGraph(moduleCount, seed).report
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/** Shape figures: depth of the static graph from the entries, modules per package, modules with several importers. */
function describeShape(report: Report): string {
  const index = new Map(report.modules.map((module, i) => [module.id, i]))
  const entries = report.modules.filter(module => module.isEntry).map(module => index.get(module.id)!)
  const depth = new Int32Array(report.modules.length).fill(-1)
  let queue = entries
  for (const v of queue) depth[v] = 0
  let maxDepth = 0
  while (queue.length > 0) {
    const next: number[] = []
    for (const v of queue) {
      for (const edge of report.modules[v]!.imports) {
        const w = index.get(edge.id)!
        if (edge.kind === 'dynamic' || depth[w] !== -1) continue
        depth[w] = depth[v]! + 1
        maxDepth = Math.max(maxDepth, depth[w]!)
        next.push(w)
      }
    }
    queue = next
  }
  const perPackage = new Map<string, number>()
  for (const module of report.modules) if (module.package) perPackage.set(module.package, (perPackage.get(module.package) ?? 0) + 1)
  const sizes = [...perPackage.values()].sort((a, b) => b - a)
  const shared = report.modules.filter(module => module.importers.length >= 3).length
  const edgeCount = report.modules.reduce((sum, module) => sum + module.imports.length, 0)
  const dynamicCount = report.modules.reduce((sum, module) => sum + module.imports.filter(edge => edge.kind === 'dynamic').length, 0)
  const app = report.modules.filter(module => module.package === null).length
  return [
    `generated: ${report.modules.length} modules (${app} app), ${edgeCount} edges (${dynamicCount} import()), ${report.packages.length} packages, ${report.chunks.length} chunks, ${report.entries.length} entries`,
    `shape: static BFS depth from the entries ${maxDepth}; modules per package max ${sizes[0]}, median ${sizes[Math.floor(sizes.length / 2)]}, ${sizes.filter(size => size >= 100).length} packages ≥ 100; ${shared} modules with ≥ 3 importers`,
  ].join('\n')
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { 'modules': { type: 'string', default: '20000' }, 'runs': { type: 'string', default: '5' }, 'no-sources': { type: 'boolean', default: false } } })
  const moduleCount = Number(values.modules)
  const runs = Number(values.runs)
  const withSources = !values['no-sources']
  let start = performance.now()
  const graph = generateReportGraph(moduleCount, 1, withSources)
  const { report } = graph
  let root: string | null = null
  if (withSources) {
    root = path.resolve(import.meta.dirname, '.tmp', `analyses-${moduleCount}`)
    writeSourceTree(root, graph)
  }
  console.log(`${describeShape(report)}\n(generated in ${(performance.now() - start).toFixed(0)} ms${root ? `, sources in ${path.relative(process.cwd(), root)}` : ', no sources'})`)

  // The dominator step alone, on the whole static graph from the entries.
  const index = new Map(report.modules.map((module, i) => [module.id, i]))
  const edges: [number, number][] = []
  for (const module of report.modules) for (const edge of module.imports) if (edge.kind !== 'dynamic') edges.push([index.get(module.id)!, index.get(edge.id)!])
  for (const module of report.modules) if (module.isEntry) edges.push([report.modules.length, index.get(module.id)!])
  start = performance.now()
  const dominators = computeDominators(createIndexGraph(report.modules.length + 1, edges), report.modules.length)
  computeRetainedWeights(dominators, new Float64Array(report.modules.length + 1).fill(1))
  console.log(`dominators + retained sizes: ${(performance.now() - start).toFixed(1)} ms (${dominators.order.length - 1} reachable)`)

  // Wall clock and CPU time (user + system of this process): on a machine shared with other
  // builds, wall clock includes waiting for a core; CPU time is what the analyses cost.
  const totals: number[] = []
  const totalsCpu: number[] = []
  const steps = new Map<string, number[]>()
  const stepsCpu = new Map<string, number[]>()
  const push = (map: Map<string, number[]>, key: string, value: number) => (map.get(key) ?? map.set(key, []).get(key)!).push(value)
  for (let run = 1; run <= runs; run++) {
    const timings: [string, number, number][] = []
    start = performance.now()
    const startCpu = process.cpuUsage()
    const findings = await computeFindings(report, { root, onTiming: (step, durationMs, cpuMs) => timings.push([step, durationMs, cpuMs]) })
    const cpu = process.cpuUsage(startCpu)
    const durationMs = performance.now() - start
    const cpuMs = (cpu.user + cpu.system) / 1000
    totals.push(durationMs)
    totalsCpu.push(cpuMs)
    for (const [step, ms, stepCpuMs] of timings) {
      push(steps, step, ms)
      push(stepsCpu, step, stepCpuMs)
    }
    const byRule = new Map<string, number>()
    for (const finding of findings) byRule.set(finding.rule, (byRule.get(finding.rule) ?? 0) + 1)
    console.log(`run ${run}: all findings ${durationMs.toFixed(0)} ms wall, ${cpuMs.toFixed(0)} ms CPU — CPU per step: ${timings.map(([step, , stepCpuMs]) => `${step} ${stepCpuMs.toFixed(0)}`).join(', ')} — ${findings.length} findings (${[...byRule].sort().map(([rule, count]) => `${rule} ${count}`).join(', ')})`)
  }
  console.log(`median of ${runs}: all findings ${median(totals).toFixed(0)} ms wall, ${median(totalsCpu).toFixed(0)} ms CPU`)
  console.log(`  per step, wall: ${[...steps].map(([step, ms]) => `${step} ${median(ms).toFixed(0)}`).join(', ')}`)
  console.log(`  per step, CPU:  ${[...stepsCpu].map(([step, ms]) => `${step} ${median(ms).toFixed(0)}`).join(', ')}`)
}

if (process.argv[1]?.endsWith('analyses.ts')) await main()
