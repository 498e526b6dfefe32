/** The CLI entry used by `bin/weighbridge.mjs`: see `cli/index.ts`. */
export { runCli } from './cli/index'
export type { CliIo } from './cli/index'
