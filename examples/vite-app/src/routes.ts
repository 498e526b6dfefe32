import type { ComponentType } from 'react'

export interface Route {
  path: string
  title: string
  /** Each route is its own chunk: loaded with `import()` when first visited. */
  load: () => Promise<{ default: ComponentType }>
}

export const routes: Route[] = [
  { path: '/', title: 'Overview', load: () => import('./routes/home') },
  { path: '/dashboard', title: 'Dashboard', load: () => import('./routes/dashboard') },
  { path: '/reports', title: 'Reports', load: () => import('./routes/reports') },
  { path: '/settings', title: 'Settings', load: () => import('./routes/settings') },
]

export function findRoute(path: string): Route {
  return routes.find(route => route.path === path) ?? routes[0]!
}

export function readHashPath(): string {
  const path = window.location.hash.replace(/^#/, '')
  return path === '' ? '/' : path
}
