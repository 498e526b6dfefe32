// PLANTED PROBLEM (a namespace import of a big ESM library): `import * as _` plus a lookup by a
// computed name (`_[name]`) means the bundler cannot know which functions are used, so all of
// lodash-es (~600 modules) ships with the reports route. The fix: a map of the few functions used,
//   import sortBy from 'lodash-es/sortBy'; import groupBy from 'lodash-es/groupBy' ...
import * as _ from 'lodash-es'

/** The column operations a saved report can name (they come from user settings, hence strings). */
export type TransformName = 'sortBy' | 'groupBy' | 'uniqBy' | 'orderBy' | 'countBy' | 'partition'

export function applyTransform<T>(name: TransformName, rows: T[], key: keyof T & string): unknown {
  const transform = (_ as unknown as Record<string, (rows: T[], key: string) => unknown>)[name]
  if (typeof transform !== 'function') throw new Error(`Unknown report transform "${name}"`)
  return transform(rows, key)
}
