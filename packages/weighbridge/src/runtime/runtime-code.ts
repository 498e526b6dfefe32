/**
 * The code of the runtime modules the build injects:
 *
 * - `virtual:weighbridge/runtime-core`: the browser entry of `@weighbridge/runtime` as one ES module
 *   (its built `dist/browser.mjs`; from the monorepo's TypeScript sources, bundled with esbuild).
 * - `virtual:weighbridge/runtime`: installs it with this build's settings and exports the hooks `h`
 *   that instrumented modules import. Importing it first (HTML, entry, esbuild `inject`) installs the
 *   wrappers before any other module runs.
 * - esbuild: a file on disk for `inject` that imports `virtual:weighbridge/runtime`.
 */
import { createRequire } from 'node:module'
import fs from 'node:fs/promises'
import path from 'node:path'
import { RUNTIME_MODULE_ID } from './instrument'

export const RUNTIME_CORE_MODULE_ID = 'virtual:weighbridge/runtime-core'
/** `RUNTIME_CORE_MODULE_ID` for webpack and Rspack (see `WEBPACK_RUNTIME_MODULE_ID`). */
export const WEBPACK_RUNTIME_CORE_MODULE_ID = '__weighbridge_runtime_core__'
/** The dev-server endpoint the page posts its snapshot to. */
export const RUNTIME_ENDPOINT_PATH = '/__weighbridge/runtime'

export interface RuntimeModuleConfig {
  sampleRate: number
  endpoint: string | null
}

let runtimeSource: Promise<string> | undefined

/** The runtime package as one ES module exporting `installRuntime` (read once per process). */
export function loadRuntimeSource(): Promise<string> {
  runtimeSource ??= (async () => {
    const require = createRequire(import.meta.url)
    const packageDir = path.dirname(require.resolve('@weighbridge/runtime/package.json'))
    if (import.meta.url.endsWith('.ts')) {
      // Running from the monorepo's sources (tests): bundle the runtime's TypeScript the same way.
      const esbuild = await import('esbuild')
      const result = await esbuild.build({
        entryPoints: [path.join(packageDir, 'src/browser.ts')],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2020',
        write: false,
        logLevel: 'silent',
      })
      return result.outputFiles[0]!.text
    }
    return fs.readFile(path.join(packageDir, 'dist/browser.mjs'), 'utf8')
  })()
  return runtimeSource
}

/** The code of `virtual:weighbridge/runtime` for these settings. */
export function createRuntimeModuleCode(config: RuntimeModuleConfig, coreModuleId: string = RUNTIME_CORE_MODULE_ID): string {
  return `import{installRuntime}from${JSON.stringify(coreModuleId)};export const h=installRuntime(${JSON.stringify(config)});\n`
}

/**
 * Writes the esbuild `inject` file `<dir>/weighbridge-runtime-inject.mjs` (temp file + rename) and
 * returns its path. It only imports `virtual:weighbridge/runtime` (resolved by the runtime plugin),
 * so the bundle holds one copy of the runtime, shared with the instrumented modules' imports, and it
 * exports nothing: esbuild binds an injected file's exports to same-named globals of every module.
 */
export async function writeRuntimeInjectFile(dir: string): Promise<string> {
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, 'weighbridge-runtime-inject.mjs')
  const temp = `${file}.${process.pid}.tmp`
  await fs.writeFile(temp, `import ${JSON.stringify(RUNTIME_MODULE_ID)}\n`)
  await fs.rename(temp, file)
  return file
}
