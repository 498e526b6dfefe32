/** The version of the `weighbridge` package, as its package.json says (same path from src/ and dist/). */
import { createRequire } from 'node:module'

export const generatorVersion: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version
