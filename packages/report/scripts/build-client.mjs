// Bundles the report UI (src/client/main.ts) into dist/client.js, which dist/index.mjs inlines into
// every report, with the same esbuild options the source path uses (src/client-build-options.mjs).
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import { CLIENT_BUILD_OPTIONS } from '../src/client-build-options.mjs'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const result = await build({
  ...CLIENT_BUILD_OPTIONS,
  entryPoints: [join(root, 'src/client/main.ts')],
  logLevel: 'warning',
})
const outFile = join(root, 'dist/client.js')
mkdirSync(dirname(outFile), { recursive: true })
writeFileSync(`${outFile}.tmp`, result.outputFiles[0].text)
renameSync(`${outFile}.tmp`, outFile)
console.log(`dist/client.js ${result.outputFiles[0].contents.byteLength} bytes`)
