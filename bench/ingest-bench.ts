import pg from 'pg'
import { runMigrations } from '../src/db/migrate.ts'
import { clusterCpuSeconds, cpuSeconds, peakRssMiB, resetPeakRss, spawnJson, stopChild } from './child.ts'

export type Variant = 'ceiling' | 'naive' | 'naive+prepared' | 'ours' | 'ours+apply' | 'ours+sync'

export interface LoadResult {
  concurrency: number
  seconds: number
  requests: number
  ok: number
  errors: number
  statuses: Record<string, number>
  rps: number
  p50: number | null
  p99: number | null
  p999: number | null
}

export interface IngestPoint extends LoadResult {
  variant: Variant
  /** 1: the run's pass over every variant and concurrency; 2: its repeat up to c=50, the variants in reverse order. */
  round: number
  peakRssMiB: number | null
  /** Server CPU per request (µs), warm-up included: robust where other load shares the CPUs. */
  cpuMicrosPerRequest: number | null
  /** PostgreSQL's CPU per request (µs): every backend and background process of the cluster. */
  postgresCpuMicrosPerRequest: number | null
  /**
   * Inbox events the apply worker marked applied per second over warm-up + measurement
   * (variants running it): how much of the pipeline's work kept pace with the receiver.
   */
  appliedPerSecond: number | null
}

const APPLYING: Variant[] = ['ours+apply', 'ours+sync']

/** Events the apply worker has applied so far in this variant's database. */
async function appliedSoFar (databaseUrl: string): Promise<number> {
  const client = new pg.Client(databaseUrl)
  await client.connect()
  try {
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM webhook_events WHERE status = \'applied\'')
    return rows[0]?.n ?? 0
  } finally {
    await client.end()
  }
}

const SERVER = new URL('./ingest-server.ts', import.meta.url).pathname
const LOAD = new URL('./load-gen.ts', import.meta.url).pathname

/** A fresh database in the shared cluster, migrated. */
export async function freshDatabase (clusterUrl: string, name: string): Promise<string> {
  const admin = new pg.Client(clusterUrl)
  await admin.connect()
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
  await admin.query(`CREATE DATABASE ${name}`)
  await admin.end()
  const url = new URL(clusterUrl)
  url.pathname = `/${name}`
  await runMigrations(url.toString())
  return url.toString()
}

/**
 * Drops a variant's database once its points are measured, so each variant runs on a cluster
 * holding only its own: left behind, an earlier variant's tables (a few hundred thousand
 * inbox, mirror and pg-boss rows) were autovacuumed while a later variant ran, its reads,
 * writes and WAL charged to that variant.
 */
async function dropDatabase (clusterUrl: string, databaseUrl: string): Promise<void> {
  const admin = new pg.Client(clusterUrl)
  await admin.connect()
  try { await admin.query(`DROP DATABASE IF EXISTS ${new URL(databaseUrl).pathname.slice(1)} WITH (FORCE)`) } finally { await admin.end() }
}

/**
 * A checkpoint of the whole cluster, now. Each variant starts right after one: the cluster's
 * timed checkpoint (every 5 min) otherwise fell inside whichever variant ran at that moment —
 * the last one, every worker syncing, in each full run — and its flush, and the full-page
 * writes that follow it, set that variant's p99 alone.
 */
export async function checkpoint (clusterUrl: string): Promise<void> {
  const admin = new pg.Client(clusterUrl)
  await admin.connect()
  try { await admin.query('CHECKPOINT') } finally { await admin.end() }
}

/** Runs every concurrency point against one variant's server process. */
export async function benchVariant (options: {
  variant: Variant
  clusterUrl: string
  /** The cluster's data directory, to read its processes' CPU time. */
  databaseDir?: string
  secret: string
  poolSize: number
  concurrencies: number[]
  warmupMs: number
  durationMs: number
  log: (line: string) => void
  /** Another entry for the server process (bench/traced-ingest-server.ts) and its extra env. */
  server?: { script: string, env: Record<string, string>, label: string }
  /** Which pass over the variants this is (`IngestPoint.round`); 1 unless said. */
  round?: number
}): Promise<IngestPoint[]> {
  const round = options.round ?? 1
  const databaseUrl = await freshDatabase(options.clusterUrl, `bench_ingest_${options.variant.replace('+', '_')}`)
  await checkpoint(options.clusterUrl)
  const server = spawnJson<{ url: string, pid: number }>(options.server?.script ?? SERVER, [options.variant, databaseUrl, options.secret, String(options.poolSize)], options.server?.env)
  const { url, pid } = await server.first
  const points: IngestPoint[] = []
  try {
    for (const concurrency of options.concurrencies) {
      await resetPeakRss(pid)
      const cpuBefore = await cpuSeconds(pid)
      const postgresBefore = options.databaseDir ? await clusterCpuSeconds(options.databaseDir) : null
      const applying = APPLYING.includes(options.variant)
      const appliedBefore = applying ? await appliedSoFar(databaseUrl) : 0
      const load = spawnJson<LoadResult>(LOAD, [url, options.secret, String(concurrency), String(options.warmupMs), String(options.durationMs)])
      const result = await load.first
      const cpuAfter = await cpuSeconds(pid)
      const postgresAfter = options.databaseDir ? await clusterCpuSeconds(options.databaseDir) : null
      const appliedPerSecond = applying ? (await appliedSoFar(databaseUrl) - appliedBefore) / ((options.warmupMs + options.durationMs) / 1000) : null
      // Requests over warm-up + measurement, estimated from the measured rate.
      const served = result.rps * (options.warmupMs + options.durationMs) / 1000
      const cpuMicrosPerRequest = cpuBefore !== null && cpuAfter !== null && served > 0 ? (cpuAfter - cpuBefore) / served * 1e6 : null
      const postgresCpuMicrosPerRequest = postgresBefore !== null && postgresAfter !== null && served > 0 ? (postgresAfter - postgresBefore) / served * 1e6 : null
      const point = { variant: options.variant, round, ...result, peakRssMiB: await peakRssMiB(pid), cpuMicrosPerRequest, postgresCpuMicrosPerRequest, appliedPerSecond }
      options.log(`ingest ${options.server?.label ?? options.variant}${round > 1 ? ` (round ${round})` : ''} c=${concurrency}: ${point.rps.toFixed(0)} req/s p50 ${point.p50?.toFixed(1)} ms p99 ${point.p99?.toFixed(1)} ms errors ${point.errors} rss ${point.peakRssMiB} MiB cpu ${point.cpuMicrosPerRequest?.toFixed(0)} µs/req, postgres ${point.postgresCpuMicrosPerRequest?.toFixed(0)} µs/req${applying ? `, applied ${point.appliedPerSecond?.toFixed(0)} events/s` : ''}`)
      points.push(point)
    }
  } finally {
    await stopChild(server.child)
    await dropDatabase(options.clusterUrl, databaseUrl)
  }
  return points
}
