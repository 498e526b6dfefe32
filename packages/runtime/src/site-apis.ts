/**
 * The call sites the build tags, by a small code the transform writes into each module's site table
 * (`[id, line, column, apiCode, ...]`). Shared by the transform (node) and the runtime (browser).
 */
import type { RuntimeSiteKind } from '@weighbridge/core'

/** [api as written in the report, kind]; the index is the api code. Append only: codes are stable. */
export const SITE_APIS: readonly (readonly [string, RuntimeSiteKind])[] = [
  ['addEventListener', 'listener'],
  ['setInterval', 'interval'],
  ['setTimeout', 'timeout'],
  ['requestAnimationFrame', 'animation-frame'],
  ['new ResizeObserver', 'observer'],
  ['new MutationObserver', 'observer'],
  ['new IntersectionObserver', 'observer'],
  ['observe', 'observer'],
  ['removeEventListener', 'release'],
  ['clearInterval', 'release'],
  ['clearTimeout', 'release'],
  ['cancelAnimationFrame', 'release'],
  ['disconnect', 'release'],
  ['unobserve', 'release'],
]

/** Api code of a call, by the called name (`new X` for constructors); -1 when not tagged. */
export function getSiteApiCode(api: string): number {
  return SITE_APIS.findIndex(entry => entry[0] === api)
}

export { RUNTIME_GLOBAL } from './runtime-global'
