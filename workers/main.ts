// The process entry point: `node workers/main.ts [all|receiver|worker]`. It hands the
// worker layer (the pg-boss handlers in this folder) to the composition root in
// src/main.ts, which wires everything else; nothing in src/ imports workers/.
import { main } from '../src/main.ts'
import { startWorkers } from './start-workers.ts'

await main({ argv: process.argv.slice(2), env: process.env, startWorkers })
