/** Weighbridge's own terminal output, filtered by `logLevel`. */
import type { LogLevel } from './options'

export interface Logger {
  info: (message: string) => void
  warn: (message: string) => void
  error: (message: string) => void
}

const RANK: Record<LogLevel, number> = { silent: 0, error: 1, warn: 2, info: 3 }

export function createLogger(logLevel: LogLevel, stream: { stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream } = process): Logger {
  const allows = (level: Exclude<LogLevel, 'silent'>): boolean => RANK[logLevel] >= RANK[level]
  return {
    info: (message) => { if (allows('info')) stream.stdout.write(`${message}\n`) },
    warn: (message) => { if (allows('warn')) stream.stderr.write(`${message}\n`) },
    error: (message) => { if (allows('error')) stream.stderr.write(`${message}\n`) },
  }
}
