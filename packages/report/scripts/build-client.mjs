// Bundles the report UI (src/client/main.ts) into dist/client.js, which dist/index.mjs inlines into
// every report. Options mirror CLIENT_BUILD_OPTIONS in src/client-bundle.ts.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const result = await build({
  entryPoints: [join(root, 'src/client/main.ts')],
  bundle: true,
  format: 'iife',
  platform: 'browser',
  conditions: ['weighbridge-source'],
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'warning',
})
const outFile = join(root, 'dist/client.js')
mkdirSync(dirname(outFile), { recursive: true })
writeFileSync(`${outFile}.tmp`, result.outputFiles[0].text)
renameSync(`${outFile}.tmp`, outFile)
console.log(`dist/client.js ${result.outputFiles[0].contents.byteLength} bytes`)
