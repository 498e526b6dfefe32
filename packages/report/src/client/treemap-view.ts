/**
 * The treemap: absolutely positioned divs laid out by d3-hierarchy's squarified treemap. Groups
 * (chunks, packages, folders) get a header when they are big enough; leaves get a label where it
 * fits. Click or Enter zooms into a group or opens a module; Escape zooms out (handled by the app).
 */
import { hierarchy, treemap, type HierarchyNode, type HierarchyRectangularNode } from 'd3-hierarchy'
import type { SizeMetric } from '@weighbridge/core'
import { formatBytes } from '@weighbridge/core/format-bytes'
import { formatPercent } from '../format'
import { h, clear } from './dom'
import type { App } from './app'
import { findZoomNode, valueOf, type TreeNode } from './treemap-tree'
import { APP_PACKAGE } from './state'
import { METRIC_LABELS } from './report-index'

const HEADER_PX = 18
/** A group smaller than this is drawn as one box (its children are not drawn): fast and readable. */
const MIN_GROUP_WIDTH_PX = 48
const MIN_GROUP_HEIGHT_PX = 40
/** Leaves smaller than this are not drawn; their parent's box shows their area. */
const MIN_LEAF_PX = 2
const INNER_PADDING_PX = 2

type LayoutNode = HierarchyRectangularNode<TreeNode>

function isExpandable(node: LayoutNode): boolean {
  return node.x1 - node.x0 >= MIN_GROUP_WIDTH_PX && node.y1 - node.y0 >= MIN_GROUP_HEIGHT_PX
}

function hashHue(text: string): number {
  let hash = 2166136261
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index)
    hash = Math.imul(hash, 16777619)
  }
  return (hash >>> 0) % 360
}

function leafHue(node: TreeNode): number {
  if (node.kind === 'glue') return -1
  if (node.kind === 'asset') return 40
  if (!node.pkg || node.pkg === APP_PACKAGE) return 212
  return hashHue(node.pkg)
}

export class TreemapView {
  readonly element: HTMLElement
  private readonly breadcrumb: HTMLElement
  private readonly map: HTMLElement
  private readonly legend: HTMLElement
  private nodes: LayoutNode[] = []
  private layoutKey = ''
  private zoomPath: TreeNode[] = []
  private resizeTimer: number | undefined
  painted = false

  constructor(private readonly app: App) {
    this.breadcrumb = h('nav', { className: 'breadcrumb', attrs: { 'aria-label': 'Treemap zoom' } })
    this.map = h('div', {
      className: 'treemap',
      attrs: { 'role': 'group', 'aria-label': 'Treemap of output sizes', 'data-testid': 'treemap' },
      on: {
        click: event => this.activate(event.target),
        keydown: (event) => {
          if (event.key === 'Enter' || event.key === ' ') {
            event.preventDefault()
            this.activate(event.target)
          }
        },
        mousemove: event => this.showTooltip(event),
        mouseleave: () => this.app.hideTooltip(),
        focusin: event => this.showTooltip(event),
        focusout: () => this.app.hideTooltip(),
      },
    })
    this.legend = h('p', { className: 'hint treemap-legend' })
    this.element = h('section', { className: 'view view-treemap', attrs: { 'aria-label': 'Treemap' } }, this.breadcrumb, this.map, this.legend)
    new ResizeObserver(() => {
      window.clearTimeout(this.resizeTimer)
      this.resizeTimer = window.setTimeout(() => this.render(), 80)
    }).observe(this.map)
  }

  /** Zoom target as the hash state names it; empty means the whole build. */
  private currentPath(): TreeNode[] {
    const { state } = this.app
    return findZoomNode(this.app.tree, state.chunk, state.pkg, state.dir)
  }

  render(): void {
    const { state } = this.app
    const width = this.map.clientWidth
    const height = this.map.clientHeight
    if (width === 0 || height === 0) return
    this.zoomPath = this.currentPath()
    const zoom = this.zoomPath[this.zoomPath.length - 1]!
    const key = `${state.metric}|${width}x${height}|${this.zoomPath.length}|${zoom.kind}|${zoom.file ?? ''}|${zoom.pkg ?? ''}|${zoom.dir ?? ''}`
    this.renderBreadcrumb()
    if (key !== this.layoutKey) {
      this.layoutKey = key
      this.layout(zoom, state.metric, width, height)
    }
    this.applySearch()
    if (!this.painted) {
      this.painted = true
      requestAnimationFrame(() => setTimeout(() => {
        performance.mark('weighbridge:treemap-painted')
        document.documentElement.dataset.treemapPainted = 'true'
      }, 0))
    }
  }

  private layout(zoom: TreeNode, metric: SizeMetric, width: number, height: number): void {
    const root = hierarchy(zoom, node => node.children)
      .sum(node => (node.children ? 0 : valueOf(node, metric)))
      .sort((a, b) => (b.value ?? 0) - (a.value ?? 0))
    const laidOut = treemap<TreeNode>()
      .size([width, height])
      .paddingInner(INNER_PADDING_PX)
      .paddingOuter(node => (node.depth === 0 ? 0 : INNER_PADDING_PX))
      .paddingTop(node => (node.depth === 0 ? 0 : isExpandable(node) ? HEADER_PX : INNER_PADDING_PX))
      (root)
    const total = root.value ?? 0
    clear(this.map)
    this.nodes = []
    const fragment = document.createDocumentFragment()
    // Depth-first, so a group too small for a header is drawn as one box and its children skipped:
    // 20,000 modules stay fast and the picture stays readable.
    const visit = (node: LayoutNode): void => {
      const w = node.x1 - node.x0
      const hgt = node.y1 - node.y0
      if (node.depth > 0) {
        if (!node.value || w < 1 || hgt < 1 || (node.depth > 1 && (w < MIN_LEAF_PX || hgt < MIN_LEAF_PX))) return
        const expanded = !!node.children && isExpandable(node)
        fragment.appendChild(this.renderBox(node, metric, total, expanded))
        if (!expanded) return
      }
      node.children?.forEach(visit)
    }
    visit(laidOut)
    this.map.appendChild(fragment)
    this.legend.textContent = `${METRIC_LABELS[metric]} sizes. Area is proportional to bytes; ${formatBytes(total)} shown. Click or press Enter on a box to zoom in or open a module, Escape to zoom out.`
  }

  private renderBox(node: LayoutNode, metric: SizeMetric, total: number, expanded: boolean): HTMLElement {
    const index = this.nodes.push(node) - 1
    const data = node.data
    const w = node.x1 - node.x0
    const hgt = node.y1 - node.y0
    const isGroup = !!node.children
    const div = document.createElement('div')
    div.className = expanded ? `tm-group tm-${data.kind}` : `tm-leaf tm-${data.kind}${isGroup ? ' tm-collapsed' : ''}`
    div.dataset.i = String(index)
    div.dataset.kind = data.kind
    if (data.moduleId) div.dataset.module = data.moduleId
    if (data.file && (data.kind === 'chunk' || data.kind === 'asset')) div.dataset.file = data.file
    if (data.kind === 'package' && data.pkg) div.dataset.pkg = data.pkg
    div.style.cssText = `left:${node.x0}px;top:${node.y0}px;width:${w}px;height:${hgt}px`
    if (!expanded) {
      const hue = leafHue(data)
      if (hue >= 0) div.style.setProperty('--hue', String(hue))
    }
    if (node.depth === 1) {
      div.tabIndex = 0
      div.setAttribute('role', 'button')
      div.setAttribute('aria-label', `${data.name}, ${formatBytes(node.value)} ${METRIC_LABELS[metric].toLowerCase()}, ${formatPercent(node.value ?? 0, total)}`)
    }
    if (expanded || (w > 44 && hgt > 15)) {
      const label = document.createElement('span')
      label.className = 'tm-label'
      label.textContent = `${data.name} ${formatBytes(node.value)}`
      div.appendChild(label)
    }
    return div
  }

  private applySearch(): void {
    const query = this.app.state.q.trim().toLowerCase()
    this.map.classList.toggle('searching', query.length > 0)
    if (!query) return
    const leafMatches = (data: TreeNode): boolean => (data.moduleId ?? (data.kind === 'asset' ? data.file : undefined))?.toLowerCase().includes(query) ?? false
    const matches = (node: LayoutNode): boolean => (node.children ? node.leaves().some(leaf => leafMatches(leaf.data)) : leafMatches(node.data))
    this.map.querySelectorAll<HTMLElement>('.tm-leaf').forEach((element) => {
      const node = this.nodes[Number(element.dataset.i)]
      element.classList.toggle('match', !!node && matches(node))
    })
  }

  private renderBreadcrumb(): void {
    clear(this.breadcrumb)
    this.zoomPath.forEach((node, depth) => {
      const isLast = depth === this.zoomPath.length - 1
      if (depth > 0) this.breadcrumb.appendChild(h('span', { className: 'crumb-sep', attrs: { 'aria-hidden': 'true' } }, '›'))
      this.breadcrumb.appendChild(h('button', {
        className: 'crumb',
        attrs: { 'type': 'button', 'aria-current': isLast ? 'location' : null, 'disabled': isLast },
        on: { click: () => this.zoomTo(this.zoomPath.slice(0, depth + 1)) },
      }, node.name))
    })
  }

  private zoomTo(path: TreeNode[]): void {
    const chunk = path[1]
    const pkg = path[2]
    const dir = path.length > 3 ? path[path.length - 1]!.dir ?? null : null
    this.app.update({ chunk: chunk?.file ?? null, pkg: pkg?.pkg ?? null, dir })
  }

  zoomOut(): boolean {
    if (this.zoomPath.length <= 1) return false
    this.zoomTo(this.zoomPath.slice(0, -1))
    return true
  }

  private nodeOf(target: EventTarget | null): LayoutNode | undefined {
    const element = (target as Element | null)?.closest?.('[data-i]') as HTMLElement | null
    return element ? this.nodes[Number(element.dataset.i)] : undefined
  }

  private activate(target: EventTarget | null): void {
    const node = this.nodeOf(target)
    if (!node) return
    if (node.data.kind === 'module' && node.data.moduleId) {
      this.app.update({ module: node.data.moduleId })
      return
    }
    if (!node.children) return
    // Zoom into the clicked group: the path from the current zoom root down to it.
    const path = [...this.zoomPath]
    const chain: TreeNode[] = []
    for (let current: HierarchyNode<TreeNode> | null = node; current && current.depth > 0; current = current.parent) chain.unshift(current.data)
    this.zoomTo([...path, ...chain])
  }

  private showTooltip(event: Event): void {
    const node = this.nodeOf(event.target)
    if (!node) {
      this.app.hideTooltip()
      return
    }
    const data = node.data
    const { metric } = this.app.state
    const sums = { raw: 0, rendered: 0, gzip: 0, brotli: 0 }
    node.each((leaf) => {
      if (leaf.children) return
      for (const key of Object.keys(sums) as SizeMetric[]) sums[key] += valueOf(leaf.data, key)
    })
    const root = this.nodes[0]?.parent ?? null
    const lines: string[] = [
      `${METRIC_LABELS[metric]}: ${formatBytes(node.value ?? 0)} (${formatPercent(node.value ?? 0, root?.value ?? 0)} of this view)`,
    ]
    for (const key of ['raw', 'rendered', 'gzip', 'brotli'] as SizeMetric[]) {
      if (key !== metric && this.app.index.availableMetrics.has(key)) lines.push(`${METRIC_LABELS[key]}: ${formatBytes(sums[key])}`)
    }
    const title = data.moduleId ?? (data.kind === 'folder' ? `${data.dir}/` : data.name)
    const kind = data.kind === 'glue' ? 'bytes of no module' : data.kind
    let point: { x: number, y: number }
    if (event instanceof MouseEvent) {
      point = { x: event.clientX, y: event.clientY }
    }
    else {
      const rect = (event.target as Element).getBoundingClientRect()
      point = { x: rect.left + 8, y: rect.top + 8 }
    }
    this.app.showTooltip(point, title, kind, lines)
  }
}
