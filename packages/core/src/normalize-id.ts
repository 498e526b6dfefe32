/**
 * Module ids and output paths as the report writes them: relative to the project root, POSIX,
 * virtual ids (`\0x`) as `virtual:x`, queries (`?commonjs-proxy`) kept. Nothing else is touched, so
 * names with `<script>`, quotes or non-ASCII characters survive as they are.
 */
import path from 'node:path'

export interface ParsedModuleId {
  /** Bundler-virtual module (id started with `\0`). */
  isVirtual: boolean
  /** The absolute file path inside the id, when there is one (query stripped). */
  filePath: string | null
  /** `?query` suffix, including the `?`, or ''. */
  query: string
}

function toPosixPath(value: string): string {
  return path.sep === '\\' ? value.replaceAll('\\', '/') : value
}

function splitQuery(id: string): [string, string] {
  const queryIndex = id.indexOf('?')
  return queryIndex === -1 ? [id, ''] : [id.slice(0, queryIndex), id.slice(queryIndex)]
}

/** Splits a bundler module id into virtual flag, absolute file path and query. */
export function parseModuleId(id: string): ParsedModuleId {
  const isVirtual = id.startsWith('\0')
  const [pathPart, query] = splitQuery(isVirtual ? id.slice(1) : id)
  return { isVirtual, filePath: path.isAbsolute(pathPart) ? pathPart : null, query }
}

/** A path segment that `path.relative` would normalise away: `//`, `/./`, `/../`, trailing `/.` or `/..`. */
const DOT_OR_DOUBLE_SLASH = /\/\/|\/\.{1,2}(?:\/|$)/

/** An absolute path relative to `root`, POSIX (`.` for the root itself). */
export function relativizePath(absolutePath: string, root: string): string {
  // Fast path (most ids): a normalised POSIX path inside a normalised root is a plain suffix.
  if (path.sep === '/' && absolutePath.length > root.length + 1 && absolutePath.startsWith(root) && absolutePath.charCodeAt(root.length) === 47
    && !root.endsWith('/') && !DOT_OR_DOUBLE_SLASH.test(absolutePath) && !absolutePath.endsWith('/'))
    return absolutePath.slice(root.length + 1)
  return toPosixPath(path.relative(root, absolutePath)) || '.'
}

/**
 * The report id of a module: `src/main.ts`, `node_modules/.pnpm/x@1/node_modules/x/index.js?query`,
 * `virtual:commonjsHelpers.js`, `virtual:node_modules/lodash/debounce.js?commonjs-es-import`.
 * Ids that are neither absolute paths nor virtual (externals such as `react`) stay as they are.
 */
export function normalizeModuleId(id: string, root: string): string {
  const { isVirtual, filePath, query } = parseModuleId(id)
  const prefix = isVirtual ? 'virtual:' : ''
  if (filePath === null)
    return prefix + toPosixPath(isVirtual ? id.slice(1) : id)
  return prefix + relativizePath(filePath, root) + query
}

/** The report path of an emitted file (absolute or relative to root). */
export function normalizeOutputPath(fileName: string, root: string): string {
  return relativizePath(path.resolve(root, fileName), root)
}
