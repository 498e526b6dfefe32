import { defineConfig } from 'tsdown'

export default defineConfig({
  entry: ['src/index.ts'],
  format: 'esm',
  dts: true,
  // node: renderReport reads the prebuilt UI (dist/client.js, see scripts/build-client.mjs) from disk.
  platform: 'node',
  deps: { neverBundle: [/^@weighbridge\//, 'esbuild'] },
})
