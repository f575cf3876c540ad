// bench/ingest-server.ts booted the way workers/main.ts boots the service: tracing (from the
// OTEL_* environment) first, then the application's modules.
import { startTracing } from '../src/tracing/start-tracing.ts'

const tracing = await startTracing(process.env)
if (!tracing) throw new Error('set OTEL_* so that tracing starts')
await import('./ingest-server.ts')
