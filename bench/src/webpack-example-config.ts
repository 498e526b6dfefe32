/**
 * A webpack 5 production config for examples/vite-app, as a webpack user would write it for that
 * app: `.ts`/`.tsx` through esbuild-loader (JSX automatic, the app's tsconfig), CSS through
 * css-loader + mini-css-extract-plugin, the image as `asset/resource`, index.html through
 * html-webpack-plugin (its Vite `<script type="module" src="/src/main.tsx">` taken out: webpack
 * injects its own tags). The app uses no path aliases (vite.config.ts and tsconfig.json set none).
 *
 * Loaders are resolved from the bench package (the app does not depend on them); the app's own
 * dependencies (react, lodash, moment...) resolve from the app's node_modules as usual.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import type { Configuration, WebpackPluginInstance } from 'webpack'

const require = createRequire(import.meta.url)

/** examples/vite-app, absolute. */
export const exampleAppRoot = path.resolve(import.meta.dirname, '../../examples/vite-app')

/** The app's index.html without Vite's module script (html-webpack-plugin adds the bundle's tags). */
export function readExampleHtmlTemplate(appRoot: string): string {
  const html = readFileSync(path.join(appRoot, 'index.html'), 'utf8')
  const withoutViteScript = html.replace(/\s*<script type="module" src="\/src\/main\.tsx"><\/script>/, '')
  if (withoutViteScript === html)
    throw new Error(`${path.join(appRoot, 'index.html')}: no <script type="module" src="/src/main.tsx"> found; update the bench's template handling`)
  return withoutViteScript
}

export interface WebpackExampleConfigOptions {
  appRoot: string
  outDir: string
  /** Plugins added after the app's own (html-webpack-plugin, mini-css-extract-plugin). */
  extraPlugins: WebpackPluginInstance[]
}

export async function createWebpackExampleConfig(options: WebpackExampleConfigOptions): Promise<Configuration> {
  const { default: MiniCssExtractPlugin } = await import('mini-css-extract-plugin')
  const { default: HtmlWebpackPlugin } = await import('html-webpack-plugin')
  const { default: webpack } = await import('webpack')
  return {
    mode: 'production',
    context: options.appRoot,
    entry: { main: './src/main.tsx' },
    output: {
      path: options.outDir,
      filename: 'assets/[name].[contenthash:8].js',
      chunkFilename: 'assets/[name].[contenthash:8].js',
      assetModuleFilename: 'assets/[name].[contenthash:8][ext]',
      clean: true,
    },
    resolve: { extensions: ['.tsx', '.ts', '.mjs', '.js', '.json'] },
    module: {
      rules: [
        {
          test: /\.[cm]?tsx?$/,
          exclude: /node_modules/,
          loader: require.resolve('esbuild-loader'),
          options: { target: 'es2022', jsx: 'automatic', tsconfig: path.join(options.appRoot, 'tsconfig.json') },
        },
        { test: /\.css$/, use: [MiniCssExtractPlugin.loader, require.resolve('css-loader')] },
        { test: /\.(?:png|jpe?g|gif|svg|webp|avif)$/, type: 'asset/resource' },
      ],
    },
    plugins: [
      new HtmlWebpackPlugin({ templateContent: readExampleHtmlTemplate(options.appRoot), scriptLoading: 'defer' }),
      new MiniCssExtractPlugin({ filename: 'assets/[name].[contenthash:8].css', chunkFilename: 'assets/[name].[contenthash:8].css' }),
      // moment's `min/moment-with-locales` bundles every locale and still tries `require('./locale')`,
      // which does not exist next to it: the usual IgnorePlugin from moment's webpack notes.
      new webpack.IgnorePlugin({ resourceRegExp: /^\.\/locale$/, contextRegExp: /moment[\\/]min$/ }),
      ...options.extraPlugins,
    ],
    // Same defaults for every variant; no persistent webpack cache (production's default), so each
    // build is a full build and only Weighbridge's own cache differs between variants.
    performance: { hints: false },
    infrastructureLogging: { level: 'error' },
  }
}
