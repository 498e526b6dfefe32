#!/usr/bin/env node
import('../dist/cli.mjs').then(m => m.runCli(process.argv.slice(2)))
