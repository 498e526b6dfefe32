import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  dts: true,
  platform: 'neutral',
  // `.mjs` / `.d.mts` like the other packages: package.json exports point there (neutral would emit `.js`).
  fixedExtension: true,
})
