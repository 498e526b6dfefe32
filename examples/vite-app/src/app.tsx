import { lazy, Suspense, useEffect, useMemo, useState } from 'react'
import { Footer } from './components/footer'
import { Header } from './components/header'
import { findRoute, readHashPath, routes } from './routes'

export function App() {
  const [path, setPath] = useState(readHashPath)

  useEffect(() => {
    const onHashChange = () => setPath(readHashPath())
    window.addEventListener('hashchange', onHashChange)
    return () => window.removeEventListener('hashchange', onHashChange)
  }, [])

  const route = findRoute(path)
  // One lazy component per route, created once per route so React keeps its state.
  const Page = useMemo(() => lazy(route.load), [route])

  return (
    <div className="app">
      <Header />
      <nav className="app-nav">
        {routes.map(item => (
          <a key={item.path} href={`#${item.path}`} className={item === route ? 'active' : undefined}>
            {item.title}
          </a>
        ))}
      </nav>
      <main className="app-main">
        <Suspense fallback={<p className="loading">Loading {route.title.toLowerCase()}…</p>}>
          <Page />
        </Suspense>
      </main>
      <Footer />
    </div>
  )
}
