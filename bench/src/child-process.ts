/**
 * Runs a bench script (TypeScript) in a fresh Node process with the tsx loader and the
 * `weighbridge-source` condition (packages run from their sources, as in the tests), captures its
 * output to a log file, and returns the one result message it sends over IPC. The wall time covers
 * the whole process, start to exit.
 */
import { spawn } from 'node:child_process'
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { performance } from 'node:perf_hooks'
import { pathToFileURL } from 'node:url'

/** Node flags of every bench child: the same whoever started the bench (pnpm bench, vitest). */
export function createChildExecArgv(): string[] {
  const tsxLoader = createRequire(import.meta.url).resolve('tsx')
  return ['--import', pathToFileURL(tsxLoader).href, '--conditions=weighbridge-source']
}

export interface ChildRun<T> {
  result: T
  wallMs: number
}

export async function runChild<T>(options: { script: string, argument: unknown, cwd: string, logFile: string, timeoutMs: number }): Promise<ChildRun<T>> {
  mkdirSync(dirname(options.logFile), { recursive: true })
  const logFd = openSync(options.logFile, 'w')
  // The argument goes through a file: a list of 20,000 paths is too long for a command line (E2BIG).
  const inputFile = `${options.logFile}.input.json`
  writeFileSync(inputFile, JSON.stringify(options.argument))
  const startedMs = performance.now()
  const child = spawn(process.execPath, [...createChildExecArgv(), options.script, inputFile], {
    cwd: options.cwd,
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
      else reject(new Error(`${options.script} failed (exit ${code}): ${message?.error?.split('\n').slice(0, 4).join(' ') ?? 'no result'} (log: ${options.logFile})`))
    })
  })
}

/** In a child: the argument `runChild` passed (a JSON file named on the command line). */
export function readChildArgument<T>(): T {
  const inputFile = process.argv[2]
  if (!inputFile) throw new Error('bench child started without its input file')
  return JSON.parse(readFileSync(inputFile, 'utf8')) as T
}
