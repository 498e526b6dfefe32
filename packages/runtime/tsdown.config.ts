import { defineConfig } from 'tsdown'

const common = {
  format: 'esm',
  dts: true,
  platform: 'neutral',
  // `.mjs` / `.d.mts` like the other packages: package.json exports point there (neutral would emit `.js`).
  fixedExtension: true,
} as const

// Two builds, not two entries of one: `dist/browser.mjs` must be one self-contained module (the
// plugin serves its text as a virtual module), with no chunk shared with the node entry.
export default defineConfig([
  // The node side: analysis (`analyzeRuntimeSnapshot`), site codes, types.
  { ...common, entry: ['src/index.ts'] },
  // Only what the build injects into the page (collection).
  { ...common, entry: ['src/browser.ts'], clean: false },
])
