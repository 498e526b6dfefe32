/**
 * Headless Chromium for the report tests: one browser per test file, pages that record every
 * console error, page error, dialog and non-file request, so a test can assert there were none.
 */
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { chromium, type Browser, type Page } from 'playwright-core'

export const ARTIFACTS_DIR = path.resolve(import.meta.dirname, '../artifacts')

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  })
}

export interface WatchedPage {
  page: Page
  problems: string[]
  dialogs: string[]
  requests: string[]
}

export async function openWatchedPage(browser: Browser, options: { width?: number, height?: number, colorScheme?: 'light' | 'dark' } = {}): Promise<WatchedPage> {
  const context = await browser.newContext({ viewport: { width: options.width ?? 1280, height: options.height ?? 800 }, colorScheme: options.colorScheme ?? 'light' })
  const page = await context.newPage()
  const watched: WatchedPage = { page, problems: [], dialogs: [], requests: [] }
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') watched.problems.push(`console.${message.type()}: ${message.text()}`)
  })
  page.on('pageerror', error => watched.problems.push(`pageerror: ${error.message}`))
  page.on('dialog', (dialog) => {
    watched.dialogs.push(`${dialog.type()}: ${dialog.message()}`)
    void dialog.dismiss()
  })
  page.on('request', (request) => {
    if (!request.url().startsWith('file:')) watched.requests.push(request.url())
  })
  return watched
}

/** Opens the report and waits until the treemap (or the first view) has painted. */
export async function openReport(page: Page, htmlFile: string, hash = ''): Promise<void> {
  await page.goto(`file://${htmlFile}${hash ? `#${hash}` : ''}`)
  await page.waitForFunction(() => document.querySelector('.tabs') !== null)
}

export async function waitForTreemap(page: Page): Promise<void> {
  await page.waitForFunction(() => document.documentElement.dataset.treemapPainted === 'true')
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS_DIR, { recursive: true })
  const file = path.join(ARTIFACTS_DIR, `${name}.png`)
  await page.screenshot({ path: file })
  return file
}

export function createTempDir(name: string): string {
  const dir = path.resolve(import.meta.dirname, '../.tmp', `${name}-${process.pid}-${Date.now().toString(36)}`)
  mkdirSync(dir, { recursive: true })
  return dir
}
