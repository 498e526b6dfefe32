/**
 * The few ESTree shapes the leak scans read, and a walker over any ESTree program (Rollup's,
 * Rolldown's or acorn's `parse` output: every node has `type`, `start` and `end` offsets).
 */

export interface EstreeNode {
  type: string
  start: number
  end: number
  [key: string]: unknown
}

function isNode(value: unknown): value is EstreeNode {
  return typeof value === 'object' && value !== null && typeof (value as EstreeNode).type === 'string'
}

/**
 * Visits every node depth-first in source order; `ancestors` ends with the parent. Returning
 * `false` from `enter` skips the node's children.
 */
export function visitEstree(root: EstreeNode, enter: (node: EstreeNode, ancestors: readonly EstreeNode[]) => boolean | void): void {
  const ancestors: EstreeNode[] = []
  const visit = (node: EstreeNode): void => {
    if (enter(node, ancestors) === false) return
    ancestors.push(node)
    for (const key in node) {
      if (key === 'type' || key === 'start' || key === 'end' || key === 'loc' || key === 'range') continue
      const value = node[key]
      if (Array.isArray(value)) {
        for (const item of value) if (isNode(item)) visit(item)
      }
      else if (isNode(value)) {
        visit(value)
      }
    }
    ancestors.pop()
  }
  visit(root)
}

/** The called name: `setTimeout(...)` → setTimeout, `el.addEventListener(...)` / `el['observe'](...)` → the property. */
export function getCalleeName(callee: EstreeNode): string | null {
  if (callee.type === 'Identifier') return callee.name as string
  if (callee.type === 'MemberExpression') {
    const property = callee.property as EstreeNode
    if (!callee.computed && property.type === 'Identifier') return property.name as string
    if (callee.computed && property.type === 'Literal' && typeof property.value === 'string') return property.value
    return null
  }
  if (callee.type === 'ParenthesizedExpression') return getCalleeName(callee.expression as EstreeNode)
  return null
}

/** Where the name of a call is written (the property for member calls), for file:line:column. */
export function getCalleeNameStart(callee: EstreeNode): number {
  if (callee.type === 'MemberExpression') return (callee.property as EstreeNode).start
  return callee.start
}

/** `new ResizeObserver(...)` / `new window.ResizeObserver(...)` → ResizeObserver. */
export function getConstructedName(node: EstreeNode): string | null {
  return node.type === 'NewExpression' ? getCalleeName(node.callee as EstreeNode) : null
}

/** 1-based line and column of an offset, from a table of line start offsets. */
export function createOffsetLocator(code: string): (offset: number) => { line: number, column: number } {
  const lineStarts = [0]
  for (let i = 0; i < code.length; i++) if (code.charCodeAt(i) === 10) lineStarts.push(i + 1)
  return (offset) => {
    let low = 0
    let high = lineStarts.length - 1
    while (low < high) {
      const mid = (low + high + 1) >> 1
      if (lineStarts[mid]! <= offset) low = mid
      else high = mid - 1
    }
    return { line: low + 1, column: offset - lineStarts[low]! + 1 }
  }
}
