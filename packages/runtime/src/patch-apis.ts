/**
 * Wraps the browser APIs whose registrations can outlive a view: `EventTarget#add/removeEventListener`,
 * timers, animation frames and the three observers. A wrapper calls the native function first, with
 * the caller's own `this` and arguments, so the page sees the same results and the same exceptions;
 * only then, and inside a try/catch, does it count. A registration is counted when the call was tagged
 * by the build (`pending` is the site id set by the hook `t` right before the call); untagged calls
 * (libraries, other realms) cost one variable read.
 *
 * Listener options are read from data properties only (never through getters or `toString`), so
 * counting never runs user code; options the runtime cannot read that way are not counted.
 */
import { countAdded, countReleased } from './state'

/** The site id of the tagged call about to run; reset by every wrapper and by the hook `u`. */
export const tag = { pending: 0 }

/** Observers created at a tagged `new X()` (hook `n`), by observer. */
export const observerCreators = new WeakMap<object, number>()

interface Held {
  /** Site ids of the live registrations on one target (a multiset). */
  sites: number[]
}

interface Registration {
  site: number
  /** The `{ once: true }` companion listener that notices the dispatch. */
  companion?: () => void
}

interface TargetRecord {
  held: Held
  byKey: Map<string, Map<unknown, Registration>>
}

interface ObserverRecord {
  site: number
  count: number
  generation: number
  targets: WeakMap<object, ObservationHeld>
}

interface ObservationHeld {
  record: ObserverRecord
  generation: number
  active: boolean
}

const NOT_READABLE = {}

/** Reads a data property along the prototype chain without running getters; NOT_READABLE for accessors. */
function readDataProperty(object: object, key: string): unknown {
  for (let current: object | null = object; current; current = Object.getPrototypeOf(current)) {
    const descriptor = Object.getOwnPropertyDescriptor(current, key)
    if (descriptor) return 'value' in descriptor ? descriptor.value : NOT_READABLE
  }
  return undefined
}

interface ListenerOptions {
  capture: boolean
  once: boolean
  signal: AbortSignal | null
}

function readListenerOptions(options: unknown, full: boolean): ListenerOptions | null {
  if (options === null || (typeof options !== 'object' && typeof options !== 'function')) {
    return { capture: !!options, once: false, signal: null }
  }
  const capture = readDataProperty(options, 'capture')
  const once = full ? readDataProperty(options, 'once') : false
  const signal = full ? readDataProperty(options, 'signal') : null
  if (capture === NOT_READABLE || once === NOT_READABLE || signal === NOT_READABLE) return null
  return { capture: !!capture, once: !!once, signal: (signal as AbortSignal | null | undefined) ?? null }
}

function isCallbackObject(value: unknown): value is object {
  return typeof value === 'function' || (typeof value === 'object' && value !== null)
}

function removeOne(list: number[], site: number): void {
  const index = list.indexOf(site)
  if (index >= 0) list.splice(index, 1)
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown

/** Replaces `owner[key]` keeping the property's attributes. */
function replaceMethod(owner: object, key: string, wrap: (native: AnyFunction) => AnyFunction): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key)
  if (!descriptor || typeof descriptor.value !== 'function') return
  Object.defineProperty(owner, key, { ...descriptor, value: wrap(descriptor.value as AnyFunction) })
}

export function patchApis(global: typeof globalThis): void {
  const collectedTargets = new FinalizationRegistry<Held>((held) => {
    for (const site of held.sites) countReleased(site, true)
    held.sites.length = 0
  })
  const listeners = new WeakMap<object, TargetRecord>()
  const EventTargetClass = global.EventTarget as typeof EventTarget | undefined
  const nativeAdd = EventTargetClass?.prototype.addEventListener as typeof EventTarget.prototype.addEventListener | undefined
  const nativeRemove = EventTargetClass?.prototype.removeEventListener as typeof EventTarget.prototype.removeEventListener | undefined

  function trackListener(target: object, type: unknown, listener: unknown, options: unknown, site: number): void {
    if (typeof type !== 'string' || !isCallbackObject(listener)) return
    const read = readListenerOptions(options, true)
    if (!read || read.signal?.aborted) return
    const key = (read.capture ? 'c' : 'b') + type
    let record = listeners.get(target)
    if (!record) {
      record = { held: { sites: [] }, byKey: new Map() }
      listeners.set(target, record)
      collectedTargets.register(target, record.held)
    }
    let byListener = record.byKey.get(key)
    if (!byListener) record.byKey.set(key, byListener = new Map())
    if (byListener.has(listener)) return
    const registration: Registration = { site }
    const held = record.held
    const map = byListener
    byListener.set(listener, registration)
    held.sites.push(site)
    countAdded(site)
    const drop = (): void => {
      if (map.get(listener) !== registration) return
      map.delete(listener)
      removeOne(held.sites, site)
      countReleased(site)
    }
    if (read.once) {
      registration.companion = drop
      nativeAdd!.call(target, type, drop, { capture: read.capture, once: true, passive: true })
    }
    if (read.signal) nativeAdd!.call(read.signal, 'abort', drop, { once: true })
  }

  function untrackListener(target: object, type: unknown, listener: unknown, options: unknown): void {
    if (typeof type !== 'string' || !isCallbackObject(listener)) return
    const record = listeners.get(target)
    if (!record) return
    const read = readListenerOptions(options, false)
    if (!read) return
    const byListener = record.byKey.get((read.capture ? 'c' : 'b') + type)
    const registration = byListener?.get(listener)
    if (!registration) return
    byListener!.delete(listener)
    removeOne(record.held.sites, registration.site)
    countReleased(registration.site)
    if (registration.companion) nativeRemove!.call(target, type, registration.companion, { capture: read.capture })
  }

  if (EventTargetClass && nativeAdd && nativeRemove) {
    const proto = EventTargetClass.prototype
    replaceMethod(proto, 'addEventListener', native => function addEventListener(this: unknown, type: unknown, listener: unknown) {
      const site = tag.pending
      tag.pending = 0
      // eslint-disable-next-line prefer-rest-params
      const result = native.apply(this, arguments as unknown as unknown[])
      if (site) {
        try {
          // eslint-disable-next-line prefer-rest-params
          trackListener(this as object, type, listener, arguments[2], site)
        }
        catch {}
      }
      return result
    })
    replaceMethod(proto, 'removeEventListener', native => function removeEventListener(this: unknown, type: unknown, listener: unknown) {
      tag.pending = 0
      // eslint-disable-next-line prefer-rest-params
      const result = native.apply(this, arguments as unknown as unknown[])
      try {
        // eslint-disable-next-line prefer-rest-params
        untrackListener(this as object, type, listener, arguments[2])
      }
      catch {}
      return result
    })
  }

  // Timers and animation frames share one id → site table (clearTimeout clears intervals too).
  const timers = new Map<unknown, number>()
  const frames = new Map<unknown, number>()

  function clearTracked(table: Map<unknown, number>, id: unknown): void {
    const site = table.get(id)
    if (site === undefined) return
    table.delete(id)
    countReleased(site)
  }

  /** setTimeout / requestAnimationFrame: live until the callback runs or the id is cleared. */
  const wrapOneShot = (table: Map<unknown, number>) => (native: AnyFunction) => function schedule(this: unknown, handler: unknown) {
    const site = tag.pending
    tag.pending = 0
    if (!site || typeof handler !== 'function') {
      // eslint-disable-next-line prefer-rest-params
      return native.apply(this, arguments as unknown as unknown[])
    }
    // eslint-disable-next-line prefer-rest-params
    const args = Array.prototype.slice.call(arguments)
    let id: unknown
    args[0] = function (this: unknown) {
      try {
        clearTracked(table, id)
      }
      catch {}
      // eslint-disable-next-line prefer-rest-params
      return (handler as AnyFunction).apply(this, arguments as unknown as unknown[])
    }
    id = native.apply(this, args)
    try {
      table.set(id, site)
      countAdded(site)
    }
    catch {}
    return id
  }

  const wrapClear = (table: Map<unknown, number>) => (native: AnyFunction) => function clear(this: unknown, id: unknown) {
    tag.pending = 0
    // eslint-disable-next-line prefer-rest-params
    const result = native.apply(this, arguments as unknown as unknown[])
    try {
      clearTracked(table, id)
    }
    catch {}
    return result
  }

  replaceMethod(global, 'setTimeout', wrapOneShot(timers))
  replaceMethod(global, 'requestAnimationFrame', wrapOneShot(frames))
  replaceMethod(global, 'setInterval', native => function setInterval(this: unknown, handler: unknown) {
    const site = tag.pending
    tag.pending = 0
    // eslint-disable-next-line prefer-rest-params
    const id = native.apply(this, arguments as unknown as unknown[])
    if (site) {
      try {
        timers.set(id, site)
        countAdded(site)
      }
      catch {}
    }
    void handler
    return id
  })
  replaceMethod(global, 'clearTimeout', wrapClear(timers))
  replaceMethod(global, 'clearInterval', wrapClear(timers))
  replaceMethod(global, 'cancelAnimationFrame', wrapClear(frames))

  // Observers: one live unit per observer that observes at least one target, counted at the site
  // that created it (or, when the creation was not tagged, the site of its first `observe`).
  const observers = new WeakMap<object, ObserverRecord>()
  const collectedObservations = new FinalizationRegistry<ObservationHeld>((held) => {
    const record = held.record
    if (!held.active || held.generation !== record.generation || record.count === 0) return
    if (--record.count === 0) countReleased(record.site, true)
  })

  function releaseObserver(record: ObserverRecord): void {
    record.generation++
    record.targets = new WeakMap()
    if (record.count > 0) countReleased(record.site)
    record.count = 0
  }

  for (const name of ['ResizeObserver', 'MutationObserver', 'IntersectionObserver'] as const) {
    const ObserverClass = (global as unknown as Record<string, { prototype: object } | undefined>)[name]
    if (typeof ObserverClass !== 'function') continue
    const proto = (ObserverClass as { prototype: object }).prototype
    replaceMethod(proto, 'observe', native => function observe(this: unknown, target: unknown) {
      const site = tag.pending
      tag.pending = 0
      // eslint-disable-next-line prefer-rest-params
      const result = native.apply(this, arguments as unknown as unknown[])
      try {
        const observer = this as object
        let record = observers.get(observer)
        if (!record) {
          const owner = observerCreators.get(observer) || site
          if (!owner || !isCallbackObject(target)) return result
          record = { site: owner, count: 0, generation: 0, targets: new WeakMap() }
          observers.set(observer, record)
        }
        if (isCallbackObject(target) && !record.targets.has(target)) {
          const held: ObservationHeld = { record, generation: record.generation, active: true }
          record.targets.set(target, held)
          collectedObservations.register(target, held)
          if (record.count++ === 0) countAdded(record.site)
        }
      }
      catch {}
      return result
    })
    replaceMethod(proto, 'unobserve', native => function unobserve(this: unknown, target: unknown) {
      tag.pending = 0
      // eslint-disable-next-line prefer-rest-params
      const result = native.apply(this, arguments as unknown as unknown[])
      try {
        const record = observers.get(this as object)
        const held = record && isCallbackObject(target) ? record.targets.get(target) : undefined
        if (record && held) {
          held.active = false
          record.targets.delete(target as object)
          if (--record.count === 0) countReleased(record.site)
        }
      }
      catch {}
      return result
    })
    replaceMethod(proto, 'disconnect', native => function disconnect(this: unknown) {
      tag.pending = 0
      // eslint-disable-next-line prefer-rest-params
      const result = native.apply(this, arguments as unknown as unknown[])
      try {
        const record = observers.get(this as object)
        if (record) releaseObserver(record)
      }
      catch {}
      return result
    })
  }
}
