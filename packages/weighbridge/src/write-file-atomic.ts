/** Writes a file so readers never see half of it: a temp file next to it, then a rename. */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises'
import path from 'node:path'

let counter = 0

/** `contents` may be pieces of text (an iterable of strings): each piece is one write. */
export async function writeFileAtomic(filePath: string, contents: string | Uint8Array | Iterable<string>): Promise<void> {
  await mkdir(path.dirname(filePath), { recursive: true })
  const temporary = `${filePath}.${process.pid}.${++counter}.tmp`
  try {
    await writeFile(temporary, contents)
    await rename(temporary, filePath)
  }
  catch (error) {
    await rm(temporary, { force: true })
    throw error
  }
}
