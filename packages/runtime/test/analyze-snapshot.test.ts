/**
 * The node-side analysis of the page's raw counters (`analyzeRuntimeSnapshot`): sites with their
 * file:line from the module tables, leaks only where the live count grows with the iterations (not
 * where it is merely large), a site registered after some marks (a lazy view), the heap trend and its
 * time-to-limit, and a raw snapshot file attached to a report the same way as an analysed one.
 */
import type { RawRuntimeSnapshot } from '@weighbridge/runtime'
import fs from 'node:fs'
import path from 'node:path'
import { analyzeRuntimeSnapshot, describeRawSnapshotProblem, getSiteApiCode } from '@weighbridge/runtime'
import { describe, expect, it } from 'vitest'
import { readRuntimeSnapshotFile } from '../../weighbridge/src/runtime/runtime-snapshot-file'

const LISTENER = getSiteApiCode('addEventListener')
const INTERVAL = getSiteApiCode('setInterval')
const REMOVE = getSiteApiCode('removeEventListener')

/** Eight marks: site 1 grows by one per mark, site 2 is large and flat, site 4 appears at mark 3. */
function createRaw(): RawRuntimeSnapshot {
  const marks: (number | null)[][] = []
  for (let i = 0; i < 8; i++) marks.push([null, 3 + i, 50, null, i < 3 ? null : 1])
  return {
    raw: 1,
    url: 'http://127.0.0.1/app.html',
    sampleRate: 0.1,
    takenAtMs: 9000,
    iterations: 8,
    modules: [['src/route.ts', [1, 12, 10, LISTENER, 3, 20, 5, REMOVE]], ['src/dialog.ts', [2, 4, 3, INTERVAL]], ['src/lazy.ts', [4, 7, 1, LISTENER]]],
    added: [null, 10, 50, 7, 1],
    released: [null, 0, 0, 0, 0],
    collected: [null, 0, 0, 0, 0],
    marks,
    spans: [['module', 'src/route.ts', 2, 3.5, 2], ['user', 'open dialog', 4, 10, 4]],
    heap: { source: 'performance.memory', limitBytes: 4_000_000, samples: Array.from({ length: 10 }, (_, i) => [i * 1000, 1_000_000 + 100_000 * i] as [number, number]) },
  }
}

describe('analyzeRuntimeSnapshot', () => {
  const snapshot = analyzeRuntimeSnapshot(createRaw())

  it('lists every site that ran, with its module, line and counts', () => {
    expect(snapshot.sites.map(s => [s.id, s.file, s.line, s.column, s.api, s.added, s.live])).toEqual([
      [1, 'src/route.ts', 12, 10, 'addEventListener', 10, 10],
      [2, 'src/dialog.ts', 4, 3, 'setInterval', 50, 50],
      [3, 'src/route.ts', 20, 5, 'removeEventListener', 7, 0],
      [4, 'src/lazy.ts', 7, 1, 'addEventListener', 1, 1],
    ])
    expect(snapshot.sites[0]!.liveByIteration).toEqual([3, 4, 5, 6, 7, 8, 9, 10])
    // Registered at the fourth mark: its series starts there.
    expect(snapshot.sites[3]!.liveByIteration).toEqual([1, 1, 1, 1, 1])
    expect(snapshot.sites[2]!.liveByIteration).toEqual([])
  })

  it('reports growth, not size: only the growing site leaks', () => {
    expect(snapshot.leaks.map(l => [l.file, l.line, l.live, l.growthPerIteration, l.iterations])).toEqual([['src/route.ts', 12, 10, 1, 8]])
    expect(snapshot.leaks[0]!.message).toMatch(/^src\/route\.ts:12:10 addEventListener: 10 live, \+1 per iteration over 8 iterations/)
  })

  it('aggregates spans and estimates the heap trend and the time to the limit', () => {
    expect(snapshot.spans.map(s => [s.kind, s.name, s.count])).toEqual([['user', 'open dialog', 4], ['module', 'src/route.ts', 2]])
    expect(snapshot.heap!.slopeBytesPerSecond).toBe(100_000)
    // (4 MB limit − 1.9 MB last sample) / 100 kB per second = 21 s.
    expect(snapshot.heap!.msToLimit).toBe(21_000)
  })

  it('rejects what is not a raw snapshot with a reason', () => {
    expect(describeRawSnapshotProblem(createRaw())).toBeNull()
    expect(describeRawSnapshotProblem({ ...createRaw(), marks: 'x' })).toBe('"marks" is not an array')
    expect(describeRawSnapshotProblem([])).toBe('not a JSON object')
  })

  it('attaches a raw snapshot file like an analysed one; a bad file is one readable line', async () => {
    const dir = path.resolve(import.meta.dirname, `../../../test/.tmp/analyze-snapshot-${process.pid}-${Date.now()}`)
    fs.mkdirSync(dir, { recursive: true })
    fs.writeFileSync(path.join(dir, 'raw.json'), JSON.stringify(createRaw()))
    fs.writeFileSync(path.join(dir, 'analysed.json'), JSON.stringify(snapshot))
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ raw: 1, modules: [] }))
    expect(await readRuntimeSnapshotFile(path.join(dir, 'raw.json'))).toEqual(snapshot)
    expect(await readRuntimeSnapshotFile(path.join(dir, 'analysed.json'))).toEqual(snapshot)
    await expect(readRuntimeSnapshotFile(path.join(dir, 'bad.json'))).rejects.toThrow(/^Runtime snapshot .*bad\.json: "added" is not an array; expected the output of __WEIGHBRIDGE__\.snapshot\(\)/)
  })
})
