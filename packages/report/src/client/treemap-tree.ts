/**
 * The treemap's tree: build → chunk (or asset file) → package → folder → module, plus one glue leaf
 * per chunk so that a chunk's area is its whole file. Leaves carry all four metrics.
 */
import type { SizeMetric } from '@weighbridge/core'
import { APP_PACKAGE } from './state'
import { packageLabel, type ReportIndex } from './report-index'

export type TreeNodeKind = 'root' | 'chunk' | 'asset' | 'package' | 'folder' | 'module' | 'glue'

export interface TreeNode {
  kind: TreeNodeKind
  name: string
  children?: TreeNode[]
  /** Leaves: raw, rendered, gzip, brotli. */
  values?: [number, number, number, number]
  /** The chunk or asset file this node belongs to. */
  file?: string
  /** Package id, or APP_PACKAGE for the app's own code. */
  pkg?: string
  /** Folder path inside the package (uncompressed). */
  dir?: string
  moduleId?: string
}

const METRIC_INDEX: Record<SizeMetric, number> = { raw: 0, rendered: 1, gzip: 2, brotli: 3 }

export function valueOf(node: TreeNode, metric: SizeMetric): number {
  return node.values ? node.values[METRIC_INDEX[metric]]! : 0
}

interface FolderDraft {
  name: string
  dir: string
  folders: Map<string, FolderDraft>
  leaves: TreeNode[]
}

function newFolder(name: string, dir: string): FolderDraft {
  return { name, dir, folders: new Map(), leaves: [] }
}

/** Folders with a single child folder and no modules are merged (`src/components/ui`). */
function finishFolder(folder: FolderDraft, base: Omit<TreeNode, 'kind' | 'name'>): TreeNode[] {
  const children: TreeNode[] = [...folder.leaves]
  for (const child of folder.folders.values()) {
    let current = child
    let name = child.name
    while (current.leaves.length === 0 && current.folders.size === 1) {
      current = current.folders.values().next().value!
      name = `${name}/${current.name}`
    }
    children.push({ ...base, kind: 'folder', name, dir: current.dir, children: finishFolder(current, base) })
  }
  return children
}

function relativeToPackage(moduleId: string, packageId: string | null): string {
  if (packageId && moduleId.startsWith(`${packageId}/`)) return moduleId.slice(packageId.length + 1)
  return moduleId
}

function baseName(file: string): string {
  return file.slice(file.lastIndexOf('/') + 1)
}

export function buildTree(index: ReportIndex): TreeNode {
  const { report } = index
  const children: TreeNode[] = []
  const labels = new Map<string | null, string>()
  const labelOf = (packageId: string | null): string => {
    let label = labels.get(packageId)
    if (label === undefined) labels.set(packageId, label = packageLabel(index, packageId))
    return label
  }
  for (const chunk of report.chunks) {
    const packages = new Map<string, FolderDraft>()
    for (const part of chunk.modules) {
      const module = index.moduleById.get(part.id)
      const packageId = module?.package ?? null
      const pkgKey = packageId ?? APP_PACKAGE
      let root = packages.get(pkgKey)
      if (!root) packages.set(pkgKey, root = newFolder(labelOf(packageId), ''))
      const isVirtual = part.id.startsWith('virtual:')
      const segments = isVirtual ? [part.id] : relativeToPackage(part.id, packageId).split('/')
      let folder = root
      for (let depth = 0; depth < segments.length - 1; depth++) {
        const segment = segments[depth]!
        let next = folder.folders.get(segment)
        if (!next) folder.folders.set(segment, next = newFolder(segment, folder.dir ? `${folder.dir}/${segment}` : segment))
        folder = next
      }
      folder.leaves.push({
        kind: 'module',
        name: segments[segments.length - 1]!,
        file: chunk.file,
        pkg: pkgKey,
        moduleId: part.id,
        values: [part.rawBytes, part.renderedBytes ?? 0, part.gzipBytes ?? 0, part.brotliBytes ?? 0],
      })
    }
    const packageNodes: TreeNode[] = []
    for (const [pkgKey, root] of packages) {
      packageNodes.push({ kind: 'package', name: root.name, file: chunk.file, pkg: pkgKey, dir: '', children: finishFolder(root, { file: chunk.file, pkg: pkgKey }) })
    }
    if (chunk.glue.rawBytes > 0 || (chunk.glue.gzipBytes ?? 0) > 0) {
      packageNodes.push({
        kind: 'glue',
        name: '(glue: runtime, wrappers)',
        file: chunk.file,
        values: [chunk.glue.rawBytes, 0, chunk.glue.gzipBytes ?? 0, chunk.glue.brotliBytes ?? 0],
      })
    }
    children.push({ kind: 'chunk', name: baseName(chunk.file), file: chunk.file, children: packageNodes })
  }
  for (const output of report.outputs) {
    if (output.kind === 'map' || index.chunkByFile.has(output.file)) continue
    children.push({
      kind: 'asset',
      name: baseName(output.file),
      file: output.file,
      values: [output.rawBytes, output.rawBytes, output.gzipBytes ?? 0, output.brotliBytes ?? 0],
    })
  }
  return { kind: 'root', name: 'All outputs', children }
}

/** Finds the zoomed node named by the hash state; falls back to the deepest match. */
export function findZoomNode(root: TreeNode, file: string | null, pkg: string | null, dir: string | null): TreeNode[] {
  const path: TreeNode[] = [root]
  if (!file) return path
  const chunkNode = root.children?.find(child => child.file === file && (child.kind === 'chunk' || child.kind === 'asset'))
  if (!chunkNode) return path
  path.push(chunkNode)
  if (!pkg) return path
  const packageNode = chunkNode.children?.find(child => child.kind === 'package' && child.pkg === pkg)
  if (!packageNode) return path
  path.push(packageNode)
  if (!dir) return path
  let current = packageNode
  for (;;) {
    const next: TreeNode | undefined = current.children?.find(child => child.kind === 'folder' && (dir === child.dir || dir.startsWith(`${child.dir}/`)))
    if (!next) break
    path.push(next)
    current = next
    if (next.dir === dir) break
  }
  return path
}
