// PLANTED PROBLEM (a CommonJS utility library for two functions, part 2): `throttle` from the
// CommonJS `lodash`, see components/search-box.tsx.
import { throttle } from 'lodash'

/** Calls `onScroll` with the vertical offset at most every 100 ms; returns the unsubscribe function. */
export function watchScroll(onScroll: (offsetPx: number) => void): () => void {
  const handler = throttle(() => onScroll(window.scrollY), 100)
  window.addEventListener('scroll', handler, { passive: true })
  return () => {
    handler.cancel()
    window.removeEventListener('scroll', handler)
  }
}
