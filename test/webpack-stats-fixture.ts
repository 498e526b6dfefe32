/**
 * The conformance fixture built by webpack 5 in production mode with hidden source maps, CSS
 * extracted and an image asset, and its stats.json written with the options `weighbridge analyze`
 * asks for: the input of the CLI tests.
 */
import fs from 'node:fs'
import { createRequire } from 'node:module'
import { STATS_OPTIONS } from '../packages/weighbridge/src/importers/webpack-stats'
import { runCompiler } from './run-compiler'
import type { RunnableCompiler } from './run-compiler'

const require = createRequire(import.meta.url)

export async function buildWebpackStatsFixture(fixture: string, outDir: string, statsFile: string): Promise<void> {
  const { default: webpack } = await import('webpack')
  const { default: MiniCssExtractPlugin } = await import('mini-css-extract-plugin')
  const compiler = webpack({
    mode: 'production',
    context: fixture,
    devtool: 'hidden-source-map',
    entry: { main: './src/main.js', admin: './src/admin.js' },
    output: { path: outDir, filename: '[name].[contenthash].js', clean: true },
    module: { rules: [{ test: /\.css$/, use: [MiniCssExtractPlugin.loader, require.resolve('css-loader')] }, { test: /\.png$/, type: 'asset/resource' }] },
    plugins: [new MiniCssExtractPlugin({ filename: '[name].[contenthash].css' })],
    infrastructureLogging: { level: 'none' },
  })
  const stats = await runCompiler(compiler as unknown as RunnableCompiler<import('webpack').Stats>)
  fs.writeFileSync(statsFile, JSON.stringify(stats.toJson(STATS_OPTIONS as never)))
}
