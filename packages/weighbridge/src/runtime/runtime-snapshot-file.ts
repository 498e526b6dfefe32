/**
 * Reading and saving runtime snapshots: the dev endpoint saves the latest analysed one, and a saved
 * one is attached to report.json / the HTML report. A file may hold either the page's raw counters
 * (`JSON.stringify(__WEIGHBRIDGE__.snapshot())`) or an analysed `RuntimeSnapshot`; raw ones are
 * analysed on the way in.
 */
import type { RuntimeSnapshot } from '@weighbridge/core'
import fs from 'node:fs/promises'
import path from 'node:path'
import { analyzeRuntimeSnapshot, describeRawSnapshotProblem, isRawRuntimeSnapshot } from '@weighbridge/runtime'

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

/** The analysed snapshot of a raw or analysed value, or why it is neither. */
export function toRuntimeSnapshot(value: unknown): { snapshot: RuntimeSnapshot } | { problem: string } {
  if (isRawRuntimeSnapshot(value)) {
    const problem = describeRawSnapshotProblem(value)
    return problem ? { problem } : { snapshot: analyzeRuntimeSnapshot(value) }
  }
  const problem = describeSnapshotProblem(value)
  return problem ? { problem } : { snapshot: value as RuntimeSnapshot }
}

/** Reads a saved snapshot (raw or analysed); throws one readable line naming the file, what was wrong and the fix. */
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
  const converted = toRuntimeSnapshot(value)
  if ('problem' in converted) throw new Error(`Runtime snapshot ${file}: ${converted.problem}; expected the output of __WEIGHBRIDGE__.snapshot() or a saved .weighbridge/runtime.json`)
  return converted.snapshot
}

/** Writes the snapshot atomically (temp file + rename). */
export async function writeRuntimeSnapshotFile(file: string, snapshot: RuntimeSnapshot): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true })
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`
  await fs.writeFile(temp, `${JSON.stringify(snapshot, null, 2)}\n`)
  await fs.rename(temp, file)
}
