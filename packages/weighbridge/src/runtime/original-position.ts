/**
 * Maps offsets of the code a transform sees back to the user's original source through the combined
 * source map of the earlier transforms (TypeScript, JSX), so tagged sites and findings name the line
 * the user wrote.
 */
import { decode } from '@jridgewell/sourcemap-codec'
import { createOffsetLocator } from '@weighbridge/core'

export interface SourceMapLike {
  mappings: string
}

/** 1-based line and column in the original source of an offset of `code`. */
export function createOriginalLocator(code: string, map: SourceMapLike | null | undefined): (offset: number) => { line: number, column: number } {
  const locate = createOffsetLocator(code)
  if (!map || typeof map.mappings !== 'string' || map.mappings === '') return locate
  const lines = decode(map.mappings)
  return (offset) => {
    const generated = locate(offset)
    const segments = lines[generated.line - 1]
    if (!segments) return generated
    const column0 = generated.column - 1
    let best: number[] | undefined
    for (const segment of segments) {
      if (segment.length < 4) continue
      if (segment[0]! <= column0) best = segment
      else break
    }
    if (!best) best = segments.find(segment => segment.length >= 4)
    if (!best) return generated
    const delta = Math.max(0, column0 - best[0]!)
    return { line: best[2]! + 1, column: best[3]! + delta + 1 }
  }
}
