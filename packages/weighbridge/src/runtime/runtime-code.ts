/**
 * The code of the runtime modules the build injects, and the bootstrap other adapters use:
 *
 * - `virtual:weighbridge/runtime-core`: the `@weighbridge/runtime` package as one ES module (its
 *   built `dist/index.mjs`; from the monorepo's TypeScript sources, bundled with esbuild).
 * - `virtual:weighbridge/runtime`: installs it with this build's settings and exports the hooks `h`
 *   that instrumented modules import. Importing it first (HTML, entry, esbuild `inject`) installs the
 *   wrappers before any other module runs.
 */
import { createRequire } from 'node:module'
import fs from 'node:fs/promises'
import path from 'node:path'
import { RUNTIME_MODULE_ID } from './instrument'

export const RUNTIME_CORE_MODULE_ID = 'virtual:weighbridge/runtime-core'
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
        entryPoints: [path.join(packageDir, 'src/index.ts')],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        target: 'es2020',
        write: false,
        logLevel: 'silent',
      })
      return result.outputFiles[0]!.text
    }
    return fs.readFile(path.join(packageDir, 'dist/index.mjs'), 'utf8')
  })()
  return runtimeSource
}

/** The code of `virtual:weighbridge/runtime` for these settings. */
export function createRuntimeModuleCode(config: RuntimeModuleConfig): string {
  return `import{installRuntime}from${JSON.stringify(RUNTIME_CORE_MODULE_ID)};export const h=installRuntime(${JSON.stringify(config)});\n`
}

export interface RuntimeBootstrap {
  /** Import this id first in the entry (webpack/rspack: prepend it to each entry). */
  moduleId: string
  /** One self-contained ES module: the runtime, installed, exporting the hooks `h`. */
  code: string
}

/**
 * The bootstrap for adapters that cannot import virtual modules first in their own way: the whole
 * runtime as one module. esbuild: write it with `writeRuntimeBootstrapFile` and add the file to
 * `inject`.
 */
export async function createRuntimeBootstrap(config: RuntimeModuleConfig): Promise<RuntimeBootstrap> {
  const source = await loadRuntimeSource()
  return {
    moduleId: RUNTIME_MODULE_ID,
    code: `${source}\nexport const h=installRuntime(${JSON.stringify(config)});\n`,
  }
}

/** Writes the bootstrap to `<dir>/weighbridge-runtime.mjs` (temp file + rename); returns its path. */
export async function writeRuntimeBootstrapFile(dir: string, config: RuntimeModuleConfig): Promise<string> {
  const { code } = await createRuntimeBootstrap(config)
  await fs.mkdir(dir, { recursive: true })
  const file = path.join(dir, 'weighbridge-runtime.mjs')
  const temp = `${file}.${process.pid}.tmp`
  await fs.writeFile(temp, code)
  await fs.rename(temp, file)
  return file
}
