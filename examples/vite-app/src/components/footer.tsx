// PLANTED PROBLEM (two versions of one package, part 2): date-fns 2.30 under the npm alias
// `date-fns-2`, next to date-fns 4 in the header. The fix is to move this call to date-fns 4.
import { formatDistanceToNow } from 'date-fns-2'
import { useEffect, useState } from 'react'
import { watchScroll } from '../lib/scroll'

const deployedAt = new Date(Date.now() - 1000 * 60 * 60 * 3)

export function Footer() {
  const [scrolledDown, setScrolledDown] = useState(false)
  useEffect(() => watchScroll(offsetPx => setScrolledDown(offsetPx > 200)), [])

  return (
    <footer className="app-footer">
      <span>Deployed {formatDistanceToNow(deployedAt, { addSuffix: true })}</span>
      {scrolledDown && (
        <button type="button" onClick={() => window.scrollTo({ top: 0, behavior: 'smooth' })}>
          Back to top
        </button>
      )}
    </footer>
  )
}
