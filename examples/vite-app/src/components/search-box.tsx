// PLANTED PROBLEM (a CommonJS utility library for two functions, part 1): `lodash` is the CommonJS
// build, one big module that cannot be tree-shaken; the app uses `debounce` here and `throttle` in
// lib/scroll.ts. The fix: `import debounce from 'lodash-es/debounce'` (or a ten-line helper).
import { debounce } from 'lodash'
import { useMemo, useState } from 'react'
import { routes } from '../routes'

export function SearchBox() {
  const [query, setQuery] = useState('')
  const [matches, setMatches] = useState<string[]>([])

  const search = useMemo(() => debounce((text: string) => {
    const needle = text.trim().toLowerCase()
    setMatches(needle === '' ? [] : routes.filter(route => route.title.toLowerCase().includes(needle)).map(route => route.path))
  }, 150), [])

  return (
    <div className="search-box">
      <input
        type="search"
        placeholder="Jump to…"
        value={query}
        onChange={(event) => {
          setQuery(event.target.value)
          search(event.target.value)
        }}
      />
      {matches.length > 0 && (
        <ul>
          {matches.map(path => <li key={path}><a href={`#${path}`}>{path}</a></li>)}
        </ul>
      )}
    </div>
  )
}
