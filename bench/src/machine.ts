import { execFileSync } from 'node:child_process'
import { availableParallelism, cpus, loadavg, totalmem } from 'node:os'

export interface MachineInfo {
  cores: number
  cpuModel: string
  memoryBytes: number
  node: string
  platform: string
  date: string
  commit: string | null
  /** Files with uncommitted changes in the working tree when the bench started. */
  changedFileCount: number
  /** 1-minute load average when the bench started: other work on the machine skews wall times. */
  loadAverage: number
}

export function readMachineInfo(repoRoot: string): MachineInfo {
  let commit: string | null = null
  let changedFileCount = 0
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
    changedFileCount = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: repoRoot, encoding: 'utf8' }).split('\n').filter(line => line.trim() !== '').length
  } catch {
    // not a git checkout
  }
  return {
    cores: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    memoryBytes: totalmem(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    date: new Date().toISOString().slice(0, 10),
    commit,
    changedFileCount,
    loadAverage: loadavg()[0] ?? 0,
  }
}
