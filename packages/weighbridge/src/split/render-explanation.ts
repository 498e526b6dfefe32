/**
 * The explanation of a split plan, as markdown: the goals, every group and why, each entry's
 * initial load and each lazy route's fetch today and predicted, how the prediction is made, and
 * the notes. Printed by `weighbridge split` and written next to the configuration file.
 */
import type { SplitGroup, SplitLoadFigures, SplitPlan, SplitTarget } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core'

const REASONS: Record<SplitGroup['reason'], string> = {
  'vendor-stable': 'npm packages that did not change: a long-lived chunk that stays cached across deploys',
  'vendor-changing': 'npm packages that changed (or whose version says they will): kept apart from the stable ones',
  'shared': 'code several loads share: each load fetches it once, none fetches code it does not use',
  'lazy-shared': 'code only lazy routes share: out of every initial load, fetched once by the first route that needs it',
}

function escapeCell(text: string): string {
  return text.replaceAll('|', '\\|').replaceAll('\n', ' ')
}

function formatChange(today: number, predicted: number): string {
  const delta = predicted - today
  if (delta === 0)
    return '±0 B'
  return delta > 0 ? `+${formatBytes(delta)}` : `-${formatBytes(-delta)}`
}

function row(name: string, today: SplitLoadFigures, predicted: SplitLoadFigures): string {
  return `| ${escapeCell(name)} | ${formatBytes(today.gzipBytes)} | ${today.requests} | ${formatBytes(predicted.gzipBytes)} | ${predicted.requests} | ${formatChange(today.gzipBytes, predicted.gzipBytes)} |`
}

export const PREDICTION_METHOD = 'A planned file\'s gzip size is the sum of the gzip bytes Weighbridge attributed to its modules in this build (attributions add up exactly to each measured file) plus glue: an entry or route chunk keeps today\'s glue (runtime, wrappers), a new group chunk gets the median glue of today\'s shared chunks. Modules compressed next to new neighbours compress a little differently: expect a few percent of error, more for chunks under a few kB.'

/** `../../node_modules/.pnpm/react@19/node_modules/react` → `react`; other folders as they are. */
function showPackageFolder(folder: string): string {
  const at = folder.lastIndexOf('node_modules/')
  return at === -1 ? folder : folder.slice(at + 'node_modules/'.length)
}

export function renderSplitExplanation(plan: SplitPlan, configFile: string | null): string {
  const goals = plan.goals
  const lines: string[] = []
  lines.push(`# Split plan for ${plan.target}`)
  lines.push('')
  lines.push(`Planned from a ${plan.sourceBundler} report${plan.comparedReports > 0 ? `, with vendor stability read from ${plan.comparedReports + 1} reports` : ', vendor stability from package versions (no baseline)'}.${configFile ? ` Configuration: \`${configFile}\`.` : ''}`)
  lines.push('')
  lines.push('## Goals')
  lines.push('')
  lines.push(`- **minChunkBytes ${goals.minChunkBytes}**${goals.explicit.minChunkBytes ? '' : ' (default)'}: no planned chunk under ${formatBytes(goals.minChunkBytes)} raw; smaller groups merge where that adds the fewest bytes to the loads.`)
  lines.push(`- **maxInitialRequests ${goals.maxInitialRequests ?? 'none'}**${goals.explicit.maxInitialRequests ? '' : ' (default)'}: JS and CSS files per initial load.`)
  lines.push(`- **vendorGroups ${goals.vendorGroups}**: npm packages in long-lived chunks, split by how often they changed.`)
  lines.push(`- **initialWeight ${goals.initialWeight}**: a byte added to an initial load costs ${goals.initialWeight} bytes added to a lazy route.`)
  lines.push(`- **lazySharedOutOfInitial ${goals.lazySharedOutOfInitial}**: code only lazy routes share ${goals.lazySharedOutOfInitial ? 'never joins' : 'may join'} an initial load.`)
  lines.push('')
  lines.push(`## Initial loads (gzip)`)
  lines.push('')
  lines.push('| entry | today | files | predicted | files | change |')
  lines.push('| --- | ---: | ---: | ---: | ---: | ---: |')
  for (const entry of plan.entries) lines.push(row(entry.name, entry.today, entry.predicted))
  lines.push('')
  if (plan.routes.length > 0) {
    lines.push('## What each lazy route fetches (gzip, beyond the initial load)')
    lines.push('')
    lines.push('| route | today | files | predicted | files | change |')
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |')
    for (const route of plan.routes) lines.push(row(route.name, route.today, route.predicted))
    lines.push('')
  }
  lines.push(`JS chunks: ${plan.chunks.today} today, ${plan.chunks.predicted} predicted.`)
  lines.push('')
  lines.push(`## Chunk groups (${plan.groups.length})`)
  lines.push('')
  if (plan.groups.length === 0)
    lines.push('None: the bundler\'s default chunking already meets the goals.')
  for (const group of plan.groups) {
    const packages = group.packages.map(showPackageFolder)
    lines.push(`- **${group.name}** (${formatBytes(group.rawBytes)} raw, ${formatBytes(group.gzipBytes)} gzip, ${group.moduleCount} modules): ${REASONS[group.reason]}. Loaded by ${group.loadedBy.join(', ')}.${packages.length > 0 ? ` Packages: ${packages.join(', ')}.` : ''}${group.changes !== null && plan.comparedReports > 0 ? ` Changed ${group.changes} time${group.changes === 1 ? '' : 's'} in ${plan.comparedReports} deploys.` : ''}`)
  }
  lines.push('')
  lines.push('## How the figures are predicted')
  lines.push('')
  lines.push(PREDICTION_METHOD)
  if (plan.notes.length > 0) {
    lines.push('')
    lines.push('## Notes')
    lines.push('')
    for (const note of plan.notes) lines.push(`- ${note}`)
  }
  lines.push('')
  return lines.join('\n')
}

/** What to tell an esbuild user instead of a configuration. */
export function describeEsbuildAdvice(): string {
  return 'esbuild has no manual chunking (no manualChunks or cache groups), so there is no configuration to write. What esbuild can do: `splitting: true` with `format: \'esm\'` shares code between entry points and `import()`ed modules in common chunks; code you want in its own long-lived file can become an entry point of its own.'
}

export function isWritableTarget(target: SplitTarget): target is Exclude<SplitTarget, 'esbuild'> {
  return target !== 'esbuild'
}
