/**
 * How often each npm package of a report changed: the input of the long-lived vendor groups.
 *
 * With baseline reports (oldest first), a package changed between two consecutive reports when its
 * version differs, or when any of its bundled modules appeared, disappeared or changed size. Without
 * baselines, the version alone decides: prerelease (`1.0.0-beta.2`) and 0.x versions, unversioned
 * packages and packages outside node_modules (workspace links) are counted as changing once.
 */
import type { Package, Report } from '../model'

export type VendorTier = 'vendor-stable' | 'vendor-changing'

export interface PackageStability {
  /** `Package.id` → changes seen (0 = never changed). */
  changes: Map<string, number>
  /** How many report pairs were compared (0 without baselines). */
  comparedReports: number
}

function isVersionVolatile(pkg: Package | undefined): boolean {
  if (!pkg || pkg.version === null)
    return true
  if (!pkg.id.includes('node_modules/'))
    return true
  return /^0\./.test(pkg.version) || pkg.version.includes('-')
}

/** The module sizes of each package (keyed by package name + folder tail, so a moved store path still matches). */
function fingerprintPackages(report: Report): Map<string, { version: string | null, modules: Map<string, number> }> {
  const byPackage = new Map<string, { version: string | null, modules: Map<string, number> }>()
  const packageById = new Map(report.packages.map(pkg => [pkg.id, pkg]))
  const keyOf = (pkg: Package): string => `${pkg.name}\0${pkg.id.slice(pkg.id.lastIndexOf('node_modules/'))}`
  for (const pkg of report.packages)
    byPackage.set(keyOf(pkg), { version: pkg.version, modules: new Map() })
  const moduleById = new Map(report.modules.map(module => [module.id, module]))
  for (const chunk of report.chunks) {
    for (const part of chunk.modules) {
      const pkgId = moduleById.get(part.id)?.package
      const pkg = pkgId ? packageById.get(pkgId) : undefined
      if (!pkg)
        continue
      const entry = byPackage.get(keyOf(pkg))!
      const local = part.id.slice(pkg.id.length)
      entry.modules.set(local, (entry.modules.get(local) ?? 0) + part.rawBytes)
    }
  }
  return byPackage
}

function packageKey(pkg: Package): string {
  return `${pkg.name}\0${pkg.id.slice(pkg.id.lastIndexOf('node_modules/'))}`
}

function sameModules(a: Map<string, number>, b: Map<string, number>): boolean {
  if (a.size !== b.size)
    return false
  for (const [id, bytes] of a) {
    if (b.get(id) !== bytes)
      return false
  }
  return true
}

/** Counts the changes of every package of `report` across `baselines` (oldest first) and `report`. */
export function computePackageStability(report: Report, baselines: readonly Report[] = []): PackageStability {
  const changes = new Map<string, number>()
  if (baselines.length === 0) {
    for (const pkg of report.packages)
      changes.set(pkg.id, isVersionVolatile(pkg) ? 1 : 0)
    return { changes, comparedReports: 0 }
  }
  const history = [...baselines, report].map(fingerprintPackages)
  for (const pkg of report.packages) {
    const key = packageKey(pkg)
    let count = 0
    for (let step = 1; step < history.length; step++) {
      const before = history[step - 1]!.get(key)
      const after = history[step]!.get(key)
      if (!before || !after) {
        if (before || after)
          count += 1
        continue
      }
      if (before.version !== after.version || !sameModules(before.modules, after.modules))
        count += 1
    }
    changes.set(pkg.id, count + (count === 0 && isVersionVolatile(pkg) ? 1 : 0))
  }
  return { changes, comparedReports: history.length - 1 }
}

export function classifyVendorTier(packageId: string, stability: PackageStability): VendorTier {
  return (stability.changes.get(packageId) ?? 1) === 0 ? 'vendor-stable' : 'vendor-changing'
}
