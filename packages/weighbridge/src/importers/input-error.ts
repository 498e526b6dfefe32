/**
 * The one error class the importers and the CLI throw for bad input: a readable line naming the
 * file, what was found and the fix. The CLI prints `message` alone (no stack) and exits with 2.
 */
export class InputError extends Error {
  override name = 'InputError'
  /** The file or folder the problem is in. */
  readonly file: string

  constructor(file: string, message: string) {
    // One line, whatever a quoted parser message or file name brings along.
    super(message.replace(/\s*[\r\n\u2028\u2029]+\s*/g, ' '))
    this.file = file
  }
}

/** Formats a byte offset as `line:column` for messages about JSON or source maps. */
export function describeOffset(text: string, offset: number): string {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line += 1
      lineStart = i + 1
    }
  }
  return `${line}:${offset - lineStart + 1}`
}
