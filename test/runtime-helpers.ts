/**
 * Shared by the runtime tests: a private copy of the runtime fixture app, Vite dev servers with and
 * without the plugin on 127.0.0.1, and Debian's Chromium driven by playwright-core.
 */
import type { Browser, Page } from 'playwright-core'
import type { ViteDevServer } from 'vite'
import fs from 'node:fs'
import path from 'node:path'
import { chromium } from 'playwright-core'
import { createServer } from 'vite'
import weighbridge from 'weighbridge/vite'

export const RUNTIME_FIXTURE = path.resolve(__dirname, 'fixtures/runtime-app')

/** Copies the fixture app into test/.tmp/<name>-<pid>-<time>/app and returns that directory. */
export function copyRuntimeFixture(name: string): string {
  const dir = path.resolve(__dirname, `.tmp/${name}-${process.pid}-${Date.now()}`)
  const app = path.join(dir, 'app')
  fs.mkdirSync(dir, { recursive: true })
  fs.cpSync(RUNTIME_FIXTURE, app, { recursive: true })
  return app
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--js-flags=--expose-gc'],
  })
}

/** A Vite dev server for `root` on 127.0.0.1 (random port); `runtime` undefined = no Weighbridge plugin. */
export async function startDevServer(root: string, runtime: unknown): Promise<{ server: ViteDevServer, url: string }> {
  const server = await createServer({
    root,
    configFile: false,
    logLevel: 'silent',
    cacheDir: path.join(root, '../vite-cache'),
    server: { host: '127.0.0.1', port: 0, strictPort: false, hmr: false, watch: null },
    plugins: runtime === undefined ? [] : [weighbridge({ runtime, reportFile: false, summary: false, cache: false } as never)],
  })
  await server.listen()
  const address = server.httpServer!.address()
  if (!address || typeof address === 'string') throw new Error('dev server has no address')
  return { server, url: `http://127.0.0.1:${address.port}` }
}

/** Forces a full garbage collection and lets FinalizationRegistry callbacks run. */
export async function collectGarbage(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const gc = (window as unknown as { gc: () => void }).gc
    for (let i = 0; i < 3; i++) {
      gc()
      await new Promise(resolve => setTimeout(resolve, 20))
    }
  })
}
