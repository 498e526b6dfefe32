/**
 * A tiny element builder. Every string becomes a text node or an attribute value: data from the
 * report never goes through innerHTML.
 */
export type Child = Node | string | number | null | undefined | false
export interface Props {
  className?: string
  attrs?: Record<string, string | number | boolean | null | undefined>
  dataset?: Record<string, string>
  on?: Partial<{ [K in keyof HTMLElementEventMap]: (event: HTMLElementEventMap[K]) => void }>
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag)
  if (props) {
    if (props.className) element.className = props.className
    if (props.attrs) {
      for (const [name, value] of Object.entries(props.attrs)) {
        if (value === null || value === undefined || value === false) continue
        element.setAttribute(name, value === true ? '' : String(value))
      }
    }
    if (props.dataset) Object.assign(element.dataset, props.dataset)
    if (props.on) {
      for (const [type, listener] of Object.entries(props.on)) element.addEventListener(type, listener as EventListener)
    }
  }
  append(element, children)
  return element
}

export function append(parent: Node, children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue
    parent.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child)
  }
}

export function clear(element: Element): void {
  while (element.firstChild) element.removeChild(element.firstChild)
}

/** Enter or Space on a non-button element acts as a click (buttons do this natively). */
export function activateOnKey(event: KeyboardEvent, action: () => void): void {
  if (event.key === 'Enter' || event.key === ' ') {
    event.preventDefault()
    action()
  }
}
