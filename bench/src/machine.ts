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
  /** 1-minute load average when the bench started: other work on the machine skews wall times. */
  loadAverage: number
}

export function readMachineInfo(repoRoot: string): MachineInfo {
  let commit: string | null = null
  try {
    commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).trim()
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
    loadAverage: loadavg()[0] ?? 0,
  }
}
