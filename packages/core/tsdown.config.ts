import { defineConfig } from 'tsdown'

export default defineConfig({
  // format-bytes: a browser-safe subpath (`@weighbridge/core/format-bytes`) for the report UI.
  entry: ['src/index.ts', 'src/format-bytes.ts'],
  format: 'esm',
  dts: true,
  platform: 'node',
})
