/**
 * esbuild adapter. `setup` turns `metafile` on (it is off by default) and reads the build in
 * `onEnd`: `result.metafile` gives the bytes of every input in every output (`bytesInOutput`),
 * the files come from `result.outputFiles` (`write: false`) or from disk. It fails the build by
 * returning `{ errors }` from `onEnd` (mutating `result.errors` is ignored since esbuild 0.17).
 */
import fs from 'node:fs'
import path from 'node:path'
import type { CollectedBuild } from '@weighbridge/core'
import { collectMetafile } from '../importers/esbuild-metafile'
import type { Metafile } from '../importers/esbuild-metafile'
import { finishBuild, resolveProjectRoot } from '../pipeline'
import type { PluginSession } from '../session'
import type { FinishCollected } from './webpack-like'

/** The structural subset of esbuild's `PluginBuild` we use. */
export interface EsbuildLikeBuild {
  initialOptions: {
    metafile?: boolean
    absWorkingDir?: string
    entryPoints?: string[] | Record<string, string> | { in: string, out: string }[]
    write?: boolean
  }
  esbuild?: { version?: string }
  onEnd: (callback: (result: EsbuildLikeResult) => Promise<{ errors?: { text: string }[], warnings?: { text: string }[] } | void>) => void
}

export interface EsbuildLikeResult {
  errors: unknown[]
  metafile?: Metafile
  outputFiles?: { path: string, contents: Uint8Array }[]
}

/** The `esbuild.setup` hook of the unplugin factory: one report per build through `finishBuild()`. */
export function createEsbuildSetup(session: PluginSession): (build: unknown) => void {
  return (rawBuild) => {
    const build = rawBuild as EsbuildLikeBuild
    const root = resolveProjectRoot(session.resolved, build.initialOptions.absWorkingDir ?? process.cwd())
    setupEsbuild(build, async (collected) => {
      try {
        const result = await finishBuild({ ...collected, root }, session.resolved, session.logger, session.useMeasurer(root))
        return { errors: result.errors, warnings: result.warnings }
      }
      finally {
        await session.closeMeasurer()
      }
    })
  }
}

export function setupEsbuild(build: EsbuildLikeBuild, finish: FinishCollected): void {
  build.initialOptions.metafile = true
  build.onEnd(async (result) => {
    if (result.errors.length > 0 || !result.metafile)
      return
    const collected = collectEsbuildResult(build, result)
    const outcome = await finish(collected)
    if (!outcome)
      return
    return {
      errors: (outcome.errors ?? []).map(text => ({ text })),
      warnings: (outcome.warnings ?? []).map(text => ({ text })),
    }
  })
}

export function collectEsbuildResult(build: EsbuildLikeBuild, result: EsbuildLikeResult): CollectedBuild {
  const workingDir = build.initialOptions.absWorkingDir ?? process.cwd()
  const inMemory = new Map((result.outputFiles ?? []).map(file => [path.resolve(file.path), file.contents]))
  return collectMetafile({
    metafile: result.metafile!,
    label: 'esbuild build',
    workingDir,
    root: workingDir,
    entryPoints: listEntryPoints(build.initialOptions.entryPoints, workingDir),
    ...(build.esbuild?.version ? { bundlerVersion: build.esbuild.version } : {}),
    readFile: (file) => {
      const contents = inMemory.get(file)
      if (contents)
        return contents
      return fs.existsSync(file) ? fs.readFileSync(file) : null
    },
  })
}

function listEntryPoints(entryPoints: EsbuildLikeBuild['initialOptions']['entryPoints'], workingDir: string): string[] | undefined {
  if (!entryPoints)
    return undefined
  const inputs = Array.isArray(entryPoints)
    ? entryPoints.map(entry => (typeof entry === 'string' ? entry : entry.in))
    : Object.values(entryPoints)
  // Globs cannot be resolved here: fall back to the metafile's own view.
  if (inputs.some(input => /[*?]/.test(input)))
    return undefined
  return inputs.map(input => path.resolve(workingDir, input))
}
