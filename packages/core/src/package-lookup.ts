/**
 * Finds the npm package a module file belongs to: the nearest `package.json` with a `name`,
 * walking up from the file's directory but never above the `node_modules` folder that holds it.
 * Lookups are cached per directory, so a package with 600 files reads its manifest once.
 *
 * Reads are synchronous on purpose: a build has a few dozen to a few hundred manifests of a few kB,
 * read in a few ms, while the libuv thread pool that async reads need is busy compressing the
 * outputs (see measure/compress.ts): async, the example app's lookups waited ~0.4 s for it.
 */
import type { Package } from './model'
import { readFileSync } from 'node:fs'
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

function readManifest(manifestPath: string): PackageManifest | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(manifestPath, 'utf8'))
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
  // The substring test first: most files of an app are not in node_modules, and splitting 20,000 paths costs.
  return filePath.includes('node_modules') && filePath.split(/[\\/]/).includes('node_modules')
}

export interface PackageLookup {
  /** The package of an absolute module file path; null for app code (outside node_modules). */
  findPackageOfFile: (filePath: string) => Package | null
}

export function createPackageLookup(root: string): PackageLookup {
  const packageByDirectory = new Map<string, Package | null>()

  /** The package whose manifest sits in `directory`, when it has one with a name. */
  function readPackage(directory: string): Package | null {
    const manifest = readManifest(path.join(directory, 'package.json'))
    if (!manifest || typeof manifest.name !== 'string' || manifest.name === '')
      return null
    return {
      id: relativizePath(directory, root),
      name: manifest.name,
      version: typeof manifest.version === 'string' ? manifest.version : null,
      sideEffects: readSideEffects(manifest.sideEffects),
      hasEsmBuild: typeof manifest.module === 'string' || manifest.type === 'module' || hasImportCondition(manifest.exports),
    }
  }

  function findPackageInDirectory(directory: string): Package | null {
    let found = packageByDirectory.get(directory)
    if (found !== undefined)
      return found
    found = readPackage(directory)
    const parent = path.dirname(directory)
    if (!found && parent !== directory && path.basename(directory) !== 'node_modules')
      found = findPackageInDirectory(parent)
    packageByDirectory.set(directory, found)
    return found
  }

  return {
    findPackageOfFile: filePath => isInsideNodeModules(filePath) ? findPackageInDirectory(path.dirname(filePath)) : null,
  }
}
