// The process entry point: `node workers/main.ts [all|receiver|worker]`. It hands the
// worker layer (the pg-boss handlers in this folder) to the composition root in
// src/main.ts, which wires everything else; nothing in src/ imports workers/.
import { startTracing } from '../src/tracing/start-tracing.ts'

// Tracing (only when OTEL_* asks for it) starts before the application's modules load:
// its hooks must be in place when express and pg are first imported, hence the dynamic imports.
const tracing = await startTracing(process.env)
const { main } = await import('../src/main.ts')
const { startWorkers } = await import('./start-workers.ts')

await main({ argv: process.argv.slice(2), env: process.env, startWorkers, tracing })
