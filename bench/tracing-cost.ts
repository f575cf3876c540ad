import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { freePort } from '../src/db/free-port.ts'
import { benchVariant, type IngestPoint } from './ingest-bench.ts'

/**
 * `node bench/tracing-cost.ts`: the cost of tracing on the hot path (ingestion, the real
 * receiver: `ours`), off vs on. "On" exports every span over OTLP http/protobuf with the
 * SDK's default batch processor to a local sink that answers 200 (a collector that keeps
 * up); "off" is the default with no OTEL_* set. Runs alternate off/on ROUNDS times, so load
 * from elsewhere on the machine hits both alike; prints the medians. SAMPLE_RATIO=0.1 samples
 * a tenth of the traces when on; CONCURRENCIES=10,50 by default.
 */
const ROUNDS = Number(process.env.ROUNDS ?? 2)
const CONCURRENCIES = (process.env.CONCURRENCIES ?? '10,50').split(',').map(Number)
const log = (line: string) => process.stderr.write(`[tracing-cost] ${line}\n`)

let exportedBytes = 0
let exports = 0
const sink = createServer((req, res) => {
  req.on('data', (chunk: Buffer) => { exportedBytes += chunk.length })
  req.on('end', () => { exports++; res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end() })
})
await new Promise<void>((resolve) => sink.listen(0, '127.0.0.1', resolve))
const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`

const dataDir = join(tmpdir(), `agentclara-tracing-cost-${randomUUID()}`)
const postgres = await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: false })
const traced = { script: new URL('./traced-ingest-server.ts', import.meta.url).pathname, env: { OTEL_EXPORTER_OTLP_ENDPOINT: sinkUrl, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf', ...(process.env.TRACED_NODE_OPTIONS ? { NODE_OPTIONS: process.env.TRACED_NODE_OPTIONS } : {}), ...(process.env.SAMPLE_RATIO ? { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: process.env.SAMPLE_RATIO } : {}) }, label: 'ours+tracing' }
const results: Record<'off' | 'on', IngestPoint[]> = { off: [], on: [] }
try {
  for (let round = 0; round < ROUNDS; round++) {
    for (const mode of ['off', 'on'] as const) {
      results[mode].push(...await benchVariant({
        variant: 'ours', clusterUrl: postgres.url, secret: 'bench-secret', poolSize: 10, concurrencies: CONCURRENCIES, warmupMs: 2000, durationMs: 8000, log, server: mode === 'on' ? traced : undefined
      }))
    }
  }
} finally {
  await postgres.stop()
  await rm(dataDir, { recursive: true, force: true })
  sink.close()
}

const median = (values: number[]) => {
  const sorted = values.sort((a, b) => a - b)
  const middle = sorted.length / 2
  return Number.isInteger(middle) ? ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2 : sorted[Math.floor(middle)] ?? NaN
}
const lines = ['| concurrency | tracing | req/s | p50 ms | p99 ms | server CPU µs / request | peak RSS MiB |', '|---:|---|---:|---:|---:|---:|---:|']
for (const concurrency of CONCURRENCIES) {
  for (const mode of ['off', 'on'] as const) {
    const points = results[mode].filter((point) => point.concurrency === concurrency)
    const m = (pick: (point: IngestPoint) => number | null) => median(points.map((point) => pick(point) ?? NaN)).toFixed(1)
    lines.push(`| ${concurrency} | ${mode} | ${m((p) => p.rps)} | ${m((p) => p.p50)} | ${m((p) => p.p99)} | ${m((p) => p.cpuMicrosPerRequest)} | ${m((p) => p.peakRssMiB)} |`)
  }
}
lines.push('', `OTLP exports received: ${exports} requests, ${(exportedBytes / 2 ** 20).toFixed(1)} MiB`)
process.stdout.write(lines.join('\n') + '\n')
