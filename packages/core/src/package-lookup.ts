/**
 * Finds the npm package a module file belongs to: the nearest `package.json` with a `name`,
 * walking up from the file's directory but never above the `node_modules` folder that holds it.
 * Lookups are cached per directory, so a package with 600 files reads its manifest once.
 */
import type { Package } from './model'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { relativizePath } from './normalize-id'

interface PackageManifest {
  name?: unknown
  version?: unknown
  sideEffects?: unknown
  module?: unknown
  type?: unknown
  exports?: unknown
}

async function readManifest(manifestPath: string): Promise<PackageManifest | null> {
  try {
    const parsed: unknown = JSON.parse(await readFile(manifestPath, 'utf8'))
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? parsed as PackageManifest : null
  }
  catch {
    return null
  }
}

function hasImportCondition(exportsField: unknown): boolean {
  if (exportsField === null || typeof exportsField !== 'object')
    return false
  if (Array.isArray(exportsField))
    return exportsField.some(hasImportCondition)
  return Object.entries(exportsField).some(([key, value]) => key === 'import' || hasImportCondition(value))
}

function readSideEffects(value: unknown): boolean | string[] | null {
  if (typeof value === 'boolean')
    return value
  if (typeof value === 'string')
    return [value]
  if (Array.isArray(value) && value.every(item => typeof item === 'string'))
    return [...value]
  return null
}

function isInsideNodeModules(filePath: string): boolean {
  return filePath.split(/[\\/]/).includes('node_modules')
}

export interface PackageLookup {
  /** The package of an absolute module file path; null for app code (outside node_modules). */
  findPackageOfFile: (filePath: string) => Promise<Package | null>
}

export function createPackageLookup(root: string): PackageLookup {
  const packageByDirectory = new Map<string, Promise<Package | null>>()

  function findPackageInDirectory(directory: string): Promise<Package | null> {
    const cached = packageByDirectory.get(directory)
    if (cached)
      return cached
    const lookup = (async (): Promise<Package | null> => {
      const manifest = await readManifest(path.join(directory, 'package.json'))
      if (manifest && typeof manifest.name === 'string' && manifest.name !== '') {
        return {
          id: relativizePath(directory, root),
          name: manifest.name,
          version: typeof manifest.version === 'string' ? manifest.version : null,
          sideEffects: readSideEffects(manifest.sideEffects),
          hasEsmBuild: typeof manifest.module === 'string' || manifest.type === 'module' || hasImportCondition(manifest.exports),
        }
      }
      const parent = path.dirname(directory)
      if (parent === directory || path.basename(directory) === 'node_modules')
        return null
      return findPackageInDirectory(parent)
    })()
    packageByDirectory.set(directory, lookup)
    return lookup
  }

  return {
    findPackageOfFile: async filePath => isInsideNodeModules(filePath) ? findPackageInDirectory(path.dirname(filePath)) : null,
  }
}
