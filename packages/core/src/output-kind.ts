import type { OutputKind } from './model'

const KIND_BY_EXTENSION: Record<string, OutputKind> = {
  js: 'js',
  mjs: 'js',
  cjs: 'js',
  css: 'css',
  html: 'html',
  htm: 'html',
  map: 'map',
  png: 'image',
  jpg: 'image',
  jpeg: 'image',
  gif: 'image',
  svg: 'image',
  webp: 'image',
  avif: 'image',
  ico: 'image',
  bmp: 'image',
  woff: 'font',
  woff2: 'font',
  ttf: 'font',
  otf: 'font',
  eot: 'font',
  wasm: 'wasm',
}

/** What an emitted file is, by its extension (query and hash ignored). */
export function classifyOutputKind(file: string): OutputKind {
  const extension = /\.([a-z0-9]+)$/i.exec(file.replace(/[?#].*$/, ''))?.[1]?.toLowerCase()
  return (extension && KIND_BY_EXTENSION[extension]) || 'other'
}

const STYLE_EXTENSION = /\.(?:css|scss|sass|less|styl|stylus|pcss|postcss|sss)$/i

/** Whether a module id names a stylesheet (its import edges are of kind `css`). */
export function isStyleModuleId(id: string): boolean {
  return STYLE_EXTENSION.test(id.replace(/\?.*$/, ''))
}
