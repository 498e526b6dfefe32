/**
 * What ships to the browser stays small (issue 9: at most 3 kB gzip): the browser entry as the build
 * serves it plus its install line, minified with esbuild and gzipped at level 9 (the benchmark's
 * method), and none of the node-side analysis in it.
 */
import zlib from 'node:zlib'
import { transform } from 'esbuild'
import { expect, it } from 'vitest'
import { createRuntimeModuleCode, loadRuntimeSource } from '../packages/weighbridge/src/runtime/runtime-code'

it('ships at most 3 kB gzip, collection only', async () => {
  const source = await loadRuntimeSource()
  const module = `${source}\n${createRuntimeModuleCode({ sampleRate: 0.1, endpoint: null }).replace(/^import[^;]+;/, '')}`
  const minified = (await transform(module, { minify: true, format: 'esm', target: 'es2020' })).code
  const gzipBytes = zlib.gzipSync(minified, { level: 9 }).length
  expect(gzipBytes).toBeGreaterThan(1000)
  expect(gzipBytes).toBeLessThanOrEqual(3000)
  expect(source).toContain('function installRuntime(')
  for (const nodeSide of ['estimateTheilSenSlope', 'per iteration', 'removeEventListener, { once', 'SITE_APIS', 'new ResizeObserver']) expect(source).not.toContain(nodeSide)
})
