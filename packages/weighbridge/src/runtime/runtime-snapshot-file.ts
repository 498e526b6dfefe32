/**
 * Reading and saving runtime snapshots (`__WEIGHBRIDGE__.snapshot()` as JSON): the dev endpoint saves
 * the latest, and a saved one is attached to report.json / the HTML report.
 */
import type { RuntimeSnapshot } from '@weighbridge/core'
import fs from 'node:fs/promises'
import path from 'node:path'

/** Why `value` is not a runtime snapshot, or null when it is one. */
export function describeSnapshotProblem(value: unknown): string | null {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return 'not a JSON object'
  const snapshot = value as Partial<RuntimeSnapshot>
  if (snapshot.schemaVersion !== 1) return `schemaVersion is ${JSON.stringify(snapshot.schemaVersion)}, expected 1`
  for (const key of ['sites', 'leaks', 'spans'] as const) {
    if (!Array.isArray(snapshot[key])) return `"${key}" is not an array`
  }
  if (typeof snapshot.iterations !== 'number') return '"iterations" is not a number'
  return null
}

/** Reads a saved snapshot; throws one readable line naming the file, what was wrong and the fix. */
export async function readRuntimeSnapshotFile(file: string): Promise<RuntimeSnapshot> {
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  }
  catch (error) {
    throw new Error(`Runtime snapshot ${file}: cannot be read (${(error as NodeJS.ErrnoException).code ?? String(error)}); save one with JSON.stringify(__WEIGHBRIDGE__.snapshot()) or from the dev server's .weighbridge/runtime.json`)
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  }
  catch {
    throw new Error(`Runtime snapshot ${file}: is not valid JSON; save it with JSON.stringify(__WEIGHBRIDGE__.snapshot())`)
  }
  const problem = describeSnapshotProblem(value)
  if (problem) throw new Error(`Runtime snapshot ${file}: ${problem}; expected the output of __WEIGHBRIDGE__.snapshot()`)
  return value as RuntimeSnapshot
}

/** Writes the snapshot atomically (temp file + rename). */
export async function writeRuntimeSnapshotFile(file: string, snapshot: RuntimeSnapshot): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  await fs.writeFile(temp, `${JSON.stringify(snapshot, null, 2)}\n`)
  await fs.rename(temp, file)
}
