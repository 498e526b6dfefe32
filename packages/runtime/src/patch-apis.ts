/**
 * Wraps the browser APIs whose registrations can outlive a view: `EventTarget#add/removeEventListener`,
 * timers, animation frames and the three observers. A wrapper calls the native function first, with
 * the caller's own `this` and arguments, so the page sees the same results and the same exceptions;
 * only then, and inside a try/catch, does it count. A registration is counted when the call was tagged
 * by the build (`tag.pending` is the site id set by the hook `t` right before the call); untagged calls
 * (libraries, other realms) cost one property read.
 *
 * Per-call work is kept small: one WeakMap lookup per target, then a scan of that target's own flat
 * array of live registrations (no Map, no object per registration, no key strings, no closure unless
 * `{ once }` needs one), counters in arrays indexed by site id, and one FinalizationRegistry entry per
 * target (not per call). Listener options are read from data properties only (never through getters
 * or `toString`), so counting never runs user code; options the runtime cannot read that way are not
 * counted.
 */
import { countAdded, countCollected, countReleased } from './state'

/** The site id of the tagged call about to run; reset by every wrapper and by the hook `u`. */
export const tag = { pending: 0 }

/** Observers created at a tagged `new X()` (hook `n`), by observer. */
export const observerCreators = new WeakMap<object, number>()

/**
 * The live listener registrations of one target, flat: `[sites, ...]` then `STRIDE` slots each,
 * `[listener, type, capture, token]`; `token` is the `{ once }` companion listener, a marker object
 * for a `{ signal }` (what the abort finds its registration by), or 0. `sites` is `[count, site of
 * the first registration, ...]`, numbers only: it is what the FinalizationRegistry holds, and a held
 * value must not reach the listeners (a listener closing over its target would keep it alive).
 * Two arrays per target and no object per registration: a fresh target costs two small allocations,
 * adding or removing one scans a few slots. Freed slots are zeroed (nothing stays reachable) but
 * kept: a shrinking array gives its backing store back, and the next add would allocate a new one.
 */
type TargetRecord = unknown[]
const STRIDE = 4

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
const OBJECT_PROTOTYPE = Object.prototype
/** Whether Object.prototype defines no listener option (checked at install): plain option objects then need only their own properties read. */
const OPTIONS_PROTOTYPE_CLEAN = !['capture', 'once', 'signal'].some(key => key in OBJECT_PROTOTYPE)

/** Reads a data property along the prototype chain without running getters; NOT_READABLE for accessors. */
function readDataProperty(object: object, key: string): unknown {
  for (let current: object | null = object; current; current = Object.getPrototypeOf(current)) {
    if (current === OBJECT_PROTOTYPE && OPTIONS_PROTOTYPE_CLEAN) return undefined
    const descriptor = Object.getOwnPropertyDescriptor(current, key)
    if (descriptor) return 'value' in descriptor ? descriptor.value : NOT_READABLE
  }
  return undefined
}

function isObject(value: unknown): value is object {
  return typeof value === 'function' || (typeof value === 'object' && value !== null)
}

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown

/**
 * Replaces `owner[key]` keeping the property's attributes and the function's `length` and `name`.
 * Wrappers pass the caller's exact argument list on (`native.apply(this, args)` with rest
 * parameters, or `apply(this, arguments)` next to named ones in the two listener wrappers, which
 * read three of them; Chromium 156 optimizes both into a direct call, measured within noise of each
 * other), so the native function sees the same count and throws the same errors.
 */
function replaceMethod(owner: object, key: string, wrap: (native: AnyFunction) => AnyFunction): void {
  const descriptor = Object.getOwnPropertyDescriptor(owner, key)
  if (descriptor && typeof descriptor.value === 'function') {
    const native = descriptor.value as AnyFunction
    const wrapper = wrap(native)
    for (const property of ['length', 'name'] as const) Object.defineProperty(wrapper, property, { value: native[property] })
    descriptor.value = wrapper
    Object.defineProperty(owner, key, descriptor)
  }
}

export function patchApis(global: typeof globalThis): void {
  const collectedTargets = new FinalizationRegistry<number[]>((sites) => {
    for (let j = sites[0]!; j > 0; j--) countCollected(sites[j]!)
  })
  const listeners = new WeakMap<object, TargetRecord>()
  /** Per AbortSignal: `[record, token, ...]` released by its one abort listener. */
  const signals = new WeakMap<object, unknown[]>()
  const EventTargetClass = global.EventTarget as typeof EventTarget | undefined
  const proto = EventTargetClass?.prototype
  const nativeAdd = proto?.addEventListener as AnyFunction | undefined
  const nativeRemove = proto?.removeEventListener as AnyFunction | undefined

  /** Forgets the registration at slot `index` of `record` (moving the last one there) and counts it released. */
  function unlink(record: TargetRecord, index: number): void {
    const sites = record[0] as number[]
    const count = sites[0]!
    const at = (index + STRIDE - 1) / STRIDE
    const last = 1 + (count - 1) * STRIDE
    countReleased(sites[at]!)
    sites[at] = sites[count]!
    sites[0] = count - 1
    for (let k = 0; k < STRIDE; k++) {
      record[index + k] = record[last + k]
      record[last + k] = 0
    }
  }

  /** Unlinks the registration whose token is `token`, when it is still live. */
  function unlinkToken(record: TargetRecord, token: unknown): void {
    const index = record.indexOf(token)
    if (index >= 0) unlink(record, index - 3)
  }

  function find(record: TargetRecord, listener: unknown, type: string, capture: boolean): number {
    for (let i = 1, end = 1 + (record[0] as number[])[0]! * STRIDE; i < end; i += STRIDE) {
      if (record[i] === listener && record[i + 1] === type && record[i + 2] === capture) return i
    }
    return -1
  }

  function trackListener(target: object, type: unknown, listener: unknown, options: unknown, site: number): void {
    if (typeof type !== 'string' || !isObject(listener)) return
    let capture: unknown = options
    let once: unknown = false
    let signal: unknown = null
    if (isObject(options)) {
      capture = readDataProperty(options, 'capture')
      once = readDataProperty(options, 'once')
      signal = readDataProperty(options, 'signal')
      if (capture === NOT_READABLE || once === NOT_READABLE || signal === NOT_READABLE) return
      if (signal && (signal as AbortSignal).aborted) return
    }
    capture = !!capture
    let record = listeners.get(target)
    let at = 1
    if (!record) {
      // A fresh target: both arrays at their final size (growing them later would allocate twice).
      const sites = [1, site]
      listeners.set(target, record = [sites, listener, type, capture, 0])
      collectedTargets.register(target, sites)
    }
    else {
      if (find(record, listener, type, capture as boolean) >= 0) return // Same listener, type and phase: the browser ignored it.
      const sites = record[0] as number[]
      const count = sites[0]!
      at = 1 + count * STRIDE
      record[at] = listener
      record[at + 1] = type
      record[at + 2] = capture
      record[at + 3] = 0
      sites[count + 1] = site
      sites[0] = count + 1
    }
    countAdded(site)
    let token: unknown = 0
    if (once) {
      const owner = record
      const drop = (): void => unlinkToken(owner, drop)
      record[at + 3] = token = drop
      nativeAdd!.call(target, type, drop, { capture, once: true, passive: true })
    }
    if (signal) {
      if (!token) record[at + 3] = token = {}
      // One native abort listener per signal, however many listeners it releases.
      let released = signals.get(signal as object)
      if (!released) {
        const list: unknown[] = released = []
        signals.set(signal as object, list)
        nativeAdd!.call(signal, 'abort', () => {
          for (let i = 0; i < list.length; i += 2) unlinkToken(list[i] as TargetRecord, list[i + 1])
          list.length = 0
        }, { once: true })
      }
      released.push(record, token)
    }
  }

  function untrackListener(target: object, type: unknown, listener: unknown, options: unknown): void {
    const record = listeners.get(target)
    if (!record || typeof type !== 'string') return
    let capture: unknown = options
    if (isObject(options)) {
      capture = readDataProperty(options, 'capture')
      if (capture === NOT_READABLE) return
    }
    capture = !!capture
    const index = find(record, listener, type, capture as boolean)
    if (index < 0) return
    const token = record[index + 3]
    unlink(record, index)
    if (typeof token === 'function') nativeRemove!.call(target, type, token, { capture })
  }

  if (proto && nativeAdd && nativeRemove) {
    replaceMethod(proto, 'addEventListener', native => function (this: unknown, type: unknown, listener: unknown, options: unknown) {
      const site = tag.pending
      tag.pending = 0
      const result = native.apply(this, arguments as unknown as unknown[])
      if (site) {
        try {
          trackListener(this as object, type, listener, options, site)
        }
        catch {}
      }
      return result
    })
    replaceMethod(proto, 'removeEventListener', native => function (this: unknown, type: unknown, listener: unknown, options: unknown) {
      tag.pending = 0
      const result = native.apply(this, arguments as unknown as unknown[])
      if (isObject(this)) {
        try {
          untrackListener(this, type, listener, options)
        }
        catch {}
      }
      return result
    })
  }

  // Timer and frame ids → site (clearTimeout clears intervals too: one table for both).
  const timers = new Map<unknown, number>()
  const frames = new Map<unknown, number>()

  function clearTracked(table: Map<unknown, number>, id: unknown): void {
    const site = table.get(id)
    if (site !== undefined) {
      table.delete(id)
      countReleased(site)
    }
  }

  /** setTimeout / requestAnimationFrame: live until the callback runs or the id is cleared. */
  const wrapOneShot = (table: Map<unknown, number>) => (native: AnyFunction) => function (this: unknown, ...args: unknown[]) {
    const site = tag.pending
    tag.pending = 0
    const handler = args[0]
    if (!site || typeof handler !== 'function') return native.apply(this, args)
    let id: unknown
    args[0] = function (this: unknown, ...callbackArgs: unknown[]) {
      clearTracked(table, id)
      return (handler as AnyFunction).apply(this, callbackArgs)
    }
    id = native.apply(this, args)
    table.set(id, site)
    countAdded(site)
    return id
  }

  const wrapClear = (table: Map<unknown, number>) => (native: AnyFunction) => function (this: unknown, ...args: unknown[]) {
    tag.pending = 0
    const result = native.apply(this, args)
    clearTracked(table, args[0])
    return result
  }

  replaceMethod(global, 'setTimeout', wrapOneShot(timers))
  replaceMethod(global, 'requestAnimationFrame', wrapOneShot(frames))
  replaceMethod(global, 'setInterval', native => function (this: unknown, ...args: unknown[]) {
    const site = tag.pending
    tag.pending = 0
    const id = native.apply(this, args)
    if (site) {
      timers.set(id, site)
      countAdded(site)
    }
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
    if (held.active && held.generation === record.generation && record.count > 0 && --record.count === 0) countCollected(record.site)
  })

  for (const name of ['ResizeObserver', 'MutationObserver', 'IntersectionObserver']) {
    const ObserverClass = (global as unknown as Record<string, { prototype: object } | undefined>)[name]
    if (typeof ObserverClass !== 'function') continue
    const observerProto = (ObserverClass as { prototype: object }).prototype
    replaceMethod(observerProto, 'observe', native => function (this: unknown, ...args: unknown[]) {
      const site = tag.pending
      tag.pending = 0
      const result = native.apply(this, args)
      const target = args[0]
      try {
        let record = observers.get(this as object)
        if (!record) {
          const owner = observerCreators.get(this as object) || site
          if (!owner) return result
          observers.set(this as object, record = { site: owner, count: 0, generation: 0, targets: new WeakMap() })
        }
        if (isObject(target) && !record.targets.has(target)) {
          const held: ObservationHeld = { record, generation: record.generation, active: true }
          record.targets.set(target, held)
          collectedObservations.register(target, held)
          if (record.count++ === 0) countAdded(record.site)
        }
      }
      catch {}
      return result
    })
    replaceMethod(observerProto, 'unobserve', native => function (this: unknown, ...args: unknown[]) {
      tag.pending = 0
      const result = native.apply(this, args)
      const target = args[0]
      try {
        const record = observers.get(this as object)
        const held = record && isObject(target) && record.targets.get(target)
        if (held) {
          held.active = false
          record.targets.delete(target as object)
          if (--record.count === 0) countReleased(record.site)
        }
      }
      catch {}
      return result
    })
    replaceMethod(observerProto, 'disconnect', native => function (this: unknown, ...args: unknown[]) {
      tag.pending = 0
      const result = native.apply(this, args)
      try {
        const record = observers.get(this as object)
        if (record) {
          record.generation++
          record.targets = new WeakMap()
          if (record.count > 0) countReleased(record.site)
          record.count = 0
        }
      }
      catch {}
      return result
    })
  }
}
