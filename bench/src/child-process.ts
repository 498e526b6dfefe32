/**
 * Runs a bench script in a fresh Node process, captures its output to a log file, and returns the
 * one result message it sends over IPC. The wall time covers the whole process, start to exit.
 *
 * Two ways to load the packages (`packages`):
 * - 'dist' (what `pnpm bench` uses, what users run): the TypeScript child script is compiled once
 *   with esbuild into bench/.tmp/child-<name>.mjs (bench sources bundled, every npm and
 *   workspace package left as an import) and run with plain `node`: no loader hooks, so
 *   `weighbridge/vite` resolves to packages/weighbridge/dist like in a user's project.
 * - 'source' (for the tests: no build needed): the child runs with the tsx loader and the
 *   `weighbridge-source` condition, so the packages load from their TypeScript sources.
 * The default is `WEIGHBRIDGE_BENCH_PACKAGES` of the calling process (bench/run.ts sets it to dist,
 * so the bench scripts it spawns build from dist too), else 'source'. The child gets the mode in
 * the same variable; `checkPackageResolution` asserts it.
 */
import { spawn } from 'node:child_process'
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { basename, dirname, join, relative, sep } from 'node:path'
import { performance } from 'node:perf_hooks'
import { fileURLToPath, pathToFileURL } from 'node:url'

export type PackagesFrom = 'dist' | 'source'

/** The repository root: the folder with pnpm-workspace.yaml above this file (bench/src, or bench/.tmp once compiled). */
function findRepoRoot(): string {
  let folder = dirname(fileURLToPath(import.meta.url))
  while (!existsSync(join(folder, 'pnpm-workspace.yaml'))) {
    const parent = dirname(folder)
    if (parent === folder) throw new Error(`bench: no pnpm-workspace.yaml above ${fileURLToPath(import.meta.url)}`)
    folder = parent
  }
  return folder
}

const repoRoot = findRepoRoot()
const benchDir = join(repoRoot, 'bench')
/** Tells a child where the packages load from; set in `pnpm bench`'s own process, it is `runChild`'s default too. */
export const packagesEnvName = 'WEIGHBRIDGE_BENCH_PACKAGES'

/** Node flags of a bench child: the same whoever started the bench (pnpm bench, vitest). */
export function createChildExecArgv(packages: PackagesFrom = readPackagesFrom()): string[] {
  if (packages === 'dist') return []
  const tsxLoader = createRequire(import.meta.url).resolve('tsx')
  return ['--import', pathToFileURL(tsxLoader).href, '--conditions=weighbridge-source']
}

const compiledScripts = new Map<string, Promise<string>>()

/**
 * The child script as plain ESM for `node` without loaders: bench/src files bundled in, packages
 * external (so they resolve from bench/node_modules as they would in a project). Written to
 * bench/.tmp/child-<name>.mjs, at the same depth as bench/src, so that paths a bench file builds
 * from `import.meta.dirname` stay right. Compiled once per bench process.
 */
export async function compileChildScript(script: string): Promise<string> {
  if (!script.endsWith('.ts')) return script
  let compiled = compiledScripts.get(script)
  if (!compiled) {
    compiled = (async () => {
      const { build } = await import('esbuild')
      const outFile = join(benchDir, '.tmp', `child-${basename(script, '.ts')}.mjs`)
      const result = await build({
        entryPoints: [script],
        outfile: outFile,
        write: false,
        bundle: true,
        packages: 'external',
        platform: 'node',
        format: 'esm',
        target: 'node20',
        logLevel: 'error',
        banner: { js: `// Compiled by bench/src/child-process.ts from ${relative(repoRoot, script)}; do not edit.` },
      })
      // Written aside and renamed: a bench and a test compiling at the same time never run half a file.
      const temporary = `${outFile}.${process.pid}.tmp`
      mkdirSync(dirname(outFile), { recursive: true })
      writeFileSync(temporary, result.outputFiles[0]!.contents)
      renameSync(temporary, outFile)
      return outFile
    })()
    compiledScripts.set(script, compiled)
  }
  return await compiled
}

export interface ChildRun<T> {
  result: T
  wallMs: number
}

export interface ChildOptions {
  /** The child script (TypeScript, under bench/src). */
  script: string
  /** Passed to the child through a JSON file (see `readChildArgument`). */
  argument: unknown
  cwd: string
  /** The child's stdout and stderr. */
  logFile: string
  timeoutMs: number
  /** Where the workspace packages load from; default: `WEIGHBRIDGE_BENCH_PACKAGES` of this process (dist in `pnpm bench`), else 'source'. */
  packages?: PackagesFrom
  /** More Node flags, after the loader flags. */
  extraExecArgv?: string[]
}

export async function runChild<T>(options: ChildOptions): Promise<ChildRun<T>> {
  const packages = options.packages ?? readPackagesFrom()
  const script = packages === 'dist' ? await compileChildScript(options.script) : options.script
  mkdirSync(dirname(options.logFile), { recursive: true })
  const logFd = openSync(options.logFile, 'w')
  // The argument goes through a file: a list of 20,000 paths is too long for a command line (E2BIG).
  const inputFile = `${options.logFile}.input.json`
  writeFileSync(inputFile, JSON.stringify(options.argument))
  const startedMs = performance.now()
  const child = spawn(process.execPath, [...createChildExecArgv(packages), ...(options.extraExecArgv ?? []), script, inputFile], {
    cwd: options.cwd,
    env: { ...process.env, [packagesEnvName]: packages },
    stdio: ['ignore', logFd, logFd, 'ipc'],
  })
  closeSync(logFd)
  return await new Promise<ChildRun<T>>((resolve, reject) => {
    let message: { ok: boolean, result?: T, error?: string } | undefined
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${options.script} did not finish within ${options.timeoutMs} ms (log: ${options.logFile})`))
    }, options.timeoutMs)
    child.on('message', (received) => {
      message = received as typeof message
    })
    child.on('error', (error) => {
      clearTimeout(timer)
      reject(error)
    })
    child.on('exit', (code) => {
      clearTimeout(timer)
      const wallMs = performance.now() - startedMs
      if (message?.ok && code === 0) resolve({ result: message.result as T, wallMs })
      else reject(new Error(`${basename(options.script)} failed (exit ${code}): ${message?.error?.split('\n').slice(0, 4).join(' ') ?? 'no result'} (log: ${options.logFile})`))
    })
  })
}

/** In a child: the argument `runChild` passed (a JSON file named on the command line). */
export function readChildArgument<T>(): T {
  const inputFile = process.argv[2]
  if (!inputFile) throw new Error('bench child started without its input file')
  return JSON.parse(readFileSync(inputFile, 'utf8')) as T
}

/** Where the packages load from, per `WEIGHBRIDGE_BENCH_PACKAGES` ('source' when unset). */
export function readPackagesFrom(): PackagesFrom {
  return process.env[packagesEnvName] === 'dist' ? 'dist' : 'source'
}

/** A resolved module file, relative to the repository root when inside it (POSIX separators). */
function describePath(file: string): string {
  const inRepo = relative(repoRoot, file)
  return (inRepo.startsWith('..') ? file : inRepo).split(sep).join('/')
}

function resolveFile(specifier: string, parentFile?: string): string {
  return parentFile === undefined
    ? fileURLToPath(import.meta.resolve(specifier))
    : createRequire(parentFile).resolve(specifier)
}

/**
 * In a child, before anything is imported: resolves `weighbridge/vite` (and, from there, the
 * workspace packages it imports) and the peers the way this process will import them, and throws
 * when Weighbridge would not load from where the parent asked: `dist` must mean
 * packages/<name>/dist/*.mjs (what users run), `source` packages/<name>/src/*.ts; peers must be plain
 * JavaScript from node_modules. Returns the resolved files (relative to the repository), for the results.
 */
export function checkPackageResolution(peers: string[]): Record<string, string> {
  const expected = readPackagesFrom()
  const resolved: Record<string, string> = {}
  const problems: string[] = []
  let pluginFile: string | null = null
  try {
    pluginFile = resolveFile('weighbridge/vite')
    resolved['weighbridge/vite'] = describePath(pluginFile)
  } catch (error) {
    problems.push(`weighbridge/vite does not resolve (${(error as Error).message.split('\n')[0]})`)
  }
  if (pluginFile) {
    for (const workspacePackage of ['@weighbridge/core', '@weighbridge/report']) {
      try {
        resolved[workspacePackage] = describePath(resolveFile(workspacePackage, pluginFile))
      } catch (error) {
        problems.push(`${workspacePackage} does not resolve from ${describePath(pluginFile)} (${(error as Error).message.split('\n')[0]})`)
      }
    }
  }
  const pattern = expected === 'dist' ? /^packages\/[^/]+\/dist\/[^/]+\.mjs$/ : /^packages\/[^/]+\/src\/.+\.ts$/
  for (const [specifier, file] of Object.entries(resolved)) {
    if (!pattern.test(file)) problems.push(`${specifier} resolves to ${file}, expected packages/*/${expected === 'dist' ? 'dist/*.mjs' : 'src/*.ts'}`)
  }
  for (const peer of peers) {
    try {
      const file = describePath(resolveFile(peer))
      resolved[peer] = file
      if (!/(?:^|\/)node_modules\/.+\.[cm]?js$/.test(file)) problems.push(`${peer} resolves to ${file}, expected JavaScript under node_modules`)
    } catch (error) {
      problems.push(`${peer} does not resolve (${(error as Error).message.split('\n')[0]})`)
    }
  }
  if (problems.length > 0) {
    const fix = expected === 'dist'
      ? 'build the packages first: run `pnpm bench` from the repository root (it builds them), or `pnpm --filter "weighbridge..." run build`'
      : 'run the child with the tsx loader and --conditions=weighbridge-source'
    throw new Error(`bench child expected the packages from ${expected}: ${problems.join('; ')}; ${fix}`)
  }
  return resolved
}
