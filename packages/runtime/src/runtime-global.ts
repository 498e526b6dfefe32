/** The global the runtime installs (the page-facing API, `globalThis.__WEIGHBRIDGE__`). */
export const RUNTIME_GLOBAL = '__WEIGHBRIDGE__'
