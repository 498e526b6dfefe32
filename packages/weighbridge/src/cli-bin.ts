/** Runs the CLI from source (`node --import tsx --conditions=weighbridge-source src/cli-bin.ts ...`). */
import { runCli } from './cli'

await runCli(process.argv.slice(2))
