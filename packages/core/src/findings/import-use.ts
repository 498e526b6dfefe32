/**
 * What an importer takes from a module, read from the importer's source: the statement (for the
 * location), the names it uses, and whether it uses the module whole (computed keys, passing the
 * namespace around) so that no bundler can drop anything.
 */
import type { Finding } from '../model'
import type { FindingsContext } from './context'
import type { ImportStatement } from './import-scan'
import { scanNamespaceUse } from './import-scan'

export interface ImportUse {
  importer: string
  statement: ImportStatement | null
  /** Export names used (`default` for a default import used as a value). */
  names: string[]
  /** The whole module object is used (computed access or passed around): every export is needed. */
  whole: boolean
  /** Names could not be read (no source, side-effect import, statement not found). */
  unknown: boolean
}

const useCache = new WeakMap<FindingsContext, Map<string, ImportUse>>()

/** What `importerId` takes from `targetId`; computed once per run and pair (do not change the result). */
export function readImportUse(ctx: FindingsContext, importerId: string, targetId: string): ImportUse {
  let cache = useCache.get(ctx)
  if (!cache) useCache.set(ctx, cache = new Map())
  const key = `${importerId}\0${targetId}`
  let use = cache.get(key)
  if (!use) {
    use = computeImportUse(ctx, importerId, targetId)
    cache.set(key, use)
  }
  return use
}

function computeImportUse(ctx: FindingsContext, importerId: string, targetId: string): ImportUse {
  const statement = ctx.findImportStatement(importerId, targetId)
  const source = ctx.readSource(importerId)
  if (!statement || source === null) return { importer: importerId, statement, names: [], whole: false, unknown: true }
  const names = new Set(statement.named.map(binding => binding.imported))
  let whole = false
  let unknown = false
  for (const objectName of [statement.namespaceName, statement.defaultName]) {
    if (objectName === null) continue
    const use = ctx.namespaceUseOf(importerId, objectName, statement.text) ?? scanNamespaceUse(source, objectName, statement.text)
    for (const member of use.members) names.add(member)
    if (objectName === statement.namespaceName && (use.computedAccess || use.wholeUse)) whole = true
    // A default import used as a value (called, passed) needs `default` itself.
    if (objectName === statement.defaultName && (use.wholeUse || use.computedAccess || use.members.length === 0)) {
      names.add('default')
      if (use.computedAccess) whole = true
    }
  }
  if (statement.kind === 'dynamic') unknown = true
  if (statement.defaultName === null && statement.namespaceName === null && statement.named.length === 0 && statement.kind !== 'reexport') unknown = true
  return { importer: importerId, statement, names: [...names].sort(), whole, unknown }
}

export function locateStatement(importerId: string, statement: ImportStatement | null): Finding['location'] {
  return { file: importerId, line: statement?.line ?? null, column: statement?.column ?? null }
}

/** `src/a.ts:12` for messages. */
export function formatLocation(location: Finding['location']): string {
  if (!location) return ''
  return location.line === null ? location.file : `${location.file}:${location.line}`
}
