/**
 * The scripts and stylesheets an emitted HTML page loads, matched to files of the same bundle
 * (`<script src>`, `<link rel="modulepreload" href>`, `<link rel="stylesheet" href>`).
 */
import path from 'node:path'

export interface PageReferences {
  scripts: string[]
  styles: string[]
}

const ATTRIBUTE = /([^\s"'<>/=]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/g

function readAttributes(tagBody: string): Map<string, string> {
  const attributes = new Map<string, string>()
  for (const match of tagBody.matchAll(ATTRIBUTE))
    attributes.set(match[1]!.toLowerCase(), match[2] ?? match[3] ?? match[4] ?? '')
  return attributes
}

/** A URL in the page → the bundle file name it points at, or null (external, data:, not emitted). */
function resolvePageUrl(url: string, pageFileName: string, base: string, bundleFiles: ReadonlySet<string>): string | null {
  let target = url.trim().replace(/[?#].*$/, '')
  try {
    target = decodeURI(target)
  }
  catch {}
  if (target === '' || target.startsWith('data:'))
    return null
  let relative: string
  if (base !== '' && base !== '/' && base !== './' && target.startsWith(base))
    relative = target.slice(base.length)
  else if (/^[a-z][a-z0-9+.-]*:|^\/\//i.test(target))
    return null
  else if (target.startsWith('/'))
    relative = target.slice(1)
  else
    relative = path.posix.join(path.posix.dirname(pageFileName), target)
  const normalized = path.posix.normalize(relative).replace(/^\.\//, '')
  return bundleFiles.has(normalized) ? normalized : null
}

export function readPageReferences(html: string, pageFileName: string, base: string, bundleFiles: ReadonlySet<string>): PageReferences {
  const scripts: string[] = []
  const styles: string[] = []
  const markup = html.replace(/<!--[\s\S]*?-->/g, '')
  for (const match of markup.matchAll(/<(script|link)\b([^>]*)>/gi)) {
    const attributes = readAttributes(match[2]!)
    if (match[1]!.toLowerCase() === 'script') {
      const file = attributes.has('src') ? resolvePageUrl(attributes.get('src')!, pageFileName, base, bundleFiles) : null
      if (file)
        scripts.push(file)
      continue
    }
    const rel = (attributes.get('rel') ?? '').toLowerCase().split(/\s+/)
    const file = attributes.has('href') ? resolvePageUrl(attributes.get('href')!, pageFileName, base, bundleFiles) : null
    if (file && rel.includes('stylesheet'))
      styles.push(file)
    else if (file && rel.includes('modulepreload'))
      scripts.push(file)
  }
  return { scripts: [...new Set(scripts)], styles: [...new Set(styles)] }
}
