import { defineConfig } from 'vitest/config'

// Tests import the packages' TypeScript sources through the `weighbridge-source` export condition:
// no build is needed before `pnpm test`.
export default defineConfig({
  resolve: { conditions: ['weighbridge-source'] },
  ssr: { resolve: { conditions: ['weighbridge-source'], externalConditions: ['weighbridge-source'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'test/.tmp/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Real bundler builds are CPU-bound; two cores, two forks.
    pool: 'forks',
    maxWorkers: 2,
  },
})
