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

/** A stylesheet extension at the end of the id's path (before the first `?`); no copy of the id is made. */
const STYLE_MODULE_ID = /^[^?]*\.(?:css|scss|sass|less|styl|stylus|pcss|postcss|sss)(?:\?|$)/i

/** Whether a module id names a stylesheet (its import edges are of kind `css`), query ignored. */
export function isStyleModuleId(id: string): boolean {
  return STYLE_MODULE_ID.test(id)
}
