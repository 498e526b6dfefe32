/**
 * The report UI as one inline script. Two ways to get it, tried in this order:
 * 1. `dist/client.js`, written by `pnpm build` (scripts/build-client.mjs) next to `dist/index.mjs`;
 * 2. when this module runs from its TypeScript source (tests, `weighbridge-source` condition) or
 *    the prebuilt file is missing: bundle `src/client/main.ts` with esbuild, once per process.
 *
 * From source, the prebuilt file is ignored on purpose: it may be older than the sources.
 */
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { dirname, join, resolve } from 'node:path'
import { CLIENT_BUILD_OPTIONS } from './client-build-options.mjs'

/** esbuild options, shared with scripts/build-client.mjs. */
export { CLIENT_BUILD_OPTIONS }

let cachedScript: string | undefined

function findPrebuiltScript(here: string): string | null {
  const file = join(here, 'client.js')
  return existsSync(file) ? file : null
}

function findClientSource(here: string): string | null {
  for (const candidate of [join(here, 'client', 'main.ts'), resolve(here, '..', 'src', 'client', 'main.ts')]) {
    if (existsSync(candidate)) return candidate
  }
  return null
}

interface EsbuildLike {
  buildSync: (options: Record<string, unknown>) => { outputFiles?: { text: string }[], errors: { text: string }[] }
}

function bundleClientSource(entry: string): string {
  const require = createRequire(import.meta.url)
  let esbuild: EsbuildLike
  try {
    esbuild = require('esbuild') as EsbuildLike
  }
  catch {
    throw new Error(`Cannot build the report UI: the prebuilt dist/client.js is missing and esbuild is not installed; run \`pnpm --filter @weighbridge/report build\``)
  }
  const result = esbuild.buildSync({ ...CLIENT_BUILD_OPTIONS, entryPoints: [entry] })
  const text = result.outputFiles?.[0]?.text
  if (!text) throw new Error(`Cannot build the report UI from ${entry}: ${result.errors.map(error => error.text).join('; ')}`)
  return text
}

/** The client script, never containing `</script` (safe to inline). */
export function loadClientScript(): string {
  if (cachedScript !== undefined) return cachedScript
  const here = dirname(fileURLToPath(import.meta.url))
  const fromSource = import.meta.url.endsWith('.ts')
  const prebuilt = fromSource ? null : findPrebuiltScript(here)
  let script: string
  if (prebuilt) {
    script = readFileSync(prebuilt, 'utf8')
  }
  else {
    const source = findClientSource(here)
    if (!source) throw new Error(`Cannot find the report UI: neither ${join(here, 'client.js')} nor src/client/main.ts exists; reinstall @weighbridge/report`)
    script = bundleClientSource(source)
  }
  cachedScript = script.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--')
  return cachedScript
}
