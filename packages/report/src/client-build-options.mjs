// esbuild options for the report UI bundle, shared by src/client-bundle.ts (bundles from source on
// first use) and scripts/build-client.mjs (writes dist/client.js): a plain .mjs so both can import it.
export const CLIENT_BUILD_OPTIONS = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // In the monorepo, workspace imports (`@weighbridge/core/format-bytes`) bundle from their TS source.
  conditions: ['weighbridge-source'],
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  charset: 'utf8',
  write: false,
  logLevel: 'silent',
}
