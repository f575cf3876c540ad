import type pg from 'pg'
import { APPLY_QUEUE } from '../../../src/mirror/apply-queue.ts'

export interface PipelineState {
  /** Jobs not finished (created, retry, active) per queue. */
  open: Record<string, number>
  /** Jobs that gave up (pg-boss state `failed`) per queue. */
  failed: Record<string, number>
  /** crm_records rows per status (pending, synced, retrying, dead). */
  records: Record<string, number>
  /** Inbox rows not applied yet (received, waiting). */
  unapplied: number
  /** The largest groups of open jobs (queue, state, retries so far, last error), to say why it is not drained. */
  openDetail: Array<{ queue: string, state: string, retries: number, error: string | null, n: number, nextInSeconds: number }>
  /** Unapplied inbox rows by status and error. */
  unappliedDetail: Array<{ status: string, error: string | null, n: number }>
}

/** One statement, so one snapshot: every queue, every CRM record and the inbox at the same instant. */
export async function pipelineState (pool: pg.Pool): Promise<PipelineState> {
  const { rows } = await pool.query<{ open: Record<string, number> | null, failed: Record<string, number> | null, records: Record<string, number> | null, unapplied: number, detail: PipelineState['openDetail'] | null, unapplied_detail: PipelineState['unappliedDetail'] | null }>(`
    SELECT
      (SELECT jsonb_object_agg(name, n) FROM (SELECT name, count(*)::int AS n FROM pgboss.job
        WHERE state IN ('created', 'retry', 'active') GROUP BY name) j) AS open,
      (SELECT jsonb_object_agg(name, n) FROM (SELECT name, count(*)::int AS n FROM pgboss.job
        WHERE state = 'failed' GROUP BY name) j) AS failed,
      (SELECT jsonb_object_agg(status, n) FROM (SELECT status, count(*)::int AS n FROM crm_records GROUP BY status) r) AS records,
      (SELECT count(*)::int FROM webhook_events WHERE status IN ('received', 'waiting')) AS unapplied,
      (SELECT jsonb_agg(d) FROM (
        SELECT name AS queue, state, retry_count AS retries, left(coalesce(output->>'error', output->>'message'), 160) AS error, count(*)::int AS n,
               greatest(0, round(extract(epoch FROM min(start_after) - now())))::int AS "nextInSeconds"
        FROM pgboss.job WHERE state IN ('created', 'retry', 'active')
        GROUP BY 1, 2, 3, 4 ORDER BY n DESC LIMIT 8) d) AS detail,
      (SELECT jsonb_agg(u) FROM (
        SELECT status, left(error, 160) AS error, count(*)::int AS n FROM webhook_events
        WHERE status IN ('received', 'waiting') GROUP BY 1, 2 ORDER BY n DESC LIMIT 5) u) AS unapplied_detail`)
  const row = rows[0]
  return { open: row?.open ?? {}, failed: row?.failed ?? {}, records: row?.records ?? {}, unapplied: row?.unapplied ?? 0, openDetail: row?.detail ?? [], unappliedDetail: row?.unapplied_detail ?? [] }
}

/** Drained: every inbox row applied, no job queued, retrying or running, no CRM record pending or retrying. */
export function isDrained (state: PipelineState): boolean {
  const open = Object.values(state.open).reduce((sum, n) => sum + n, 0)
  return open === 0 && state.unapplied === 0 && !state.records.pending && !state.records.retrying
}

/** Every inbox row applied and the apply queue empty: what is left is CRM sync. */
function isApplied (state: PipelineState): boolean {
  return state.unapplied === 0 && !state.open[APPLY_QUEUE]
}

/**
 * Polls PostgreSQL until the pipeline is drained or the deadline passes, noting when the
 * apply stage was done. Does not throw at the deadline: the caller still reports what
 * the CRMs hold, then fails on `drained`.
 */
export async function waitForDrain (pool: pg.Pool, timeoutMs: number): Promise<{ drained: boolean, state: PipelineState, ms: number, appliedMs: number | null }> {
  const startedAt = Date.now()
  let appliedMs: number | null = null
  for (;;) {
    const state = await pipelineState(pool)
    const ms = Date.now() - startedAt
    if (appliedMs === null && isApplied(state)) appliedMs = ms
    if (isDrained(state)) return { drained: true, state, ms, appliedMs }
    if (ms > timeoutMs) return { drained: false, state, ms, appliedMs }
    await new Promise((resolve) => setTimeout(resolve, 500))
  }
}

/** Entity keys with a sync job not finished yet in `queue`: their differences are in flight, not lost. */
export async function openSyncKeys (pool: pg.Pool, queue: string): Promise<Set<string>> {
  const { rows } = await pool.query<{ key: string }>(
    "SELECT singleton_key AS key FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry', 'active') AND singleton_key IS NOT NULL", [queue])
  return new Set(rows.map((row) => row.key))
}

/** Per queue: jobs that needed more than one attempt, and attempts beyond the first (deadlocks, waits, CRM failures). */
export async function retryCounts (pool: pg.Pool): Promise<Record<string, { jobs: number, retries: number }>> {
  const { rows } = await pool.query<{ name: string, jobs: number, retries: number }>(
    'SELECT name, count(*) FILTER (WHERE retry_count > 0)::int AS jobs, coalesce(sum(retry_count), 0)::int AS retries FROM pgboss.job GROUP BY name')
  return Object.fromEntries(rows.map((row) => [row.name, { jobs: row.jobs, retries: row.retries }]))
}

/** crm_records status counts for some entities (`contact:…` keys) in one CRM: were lost ones recorded as synced? */
export async function recordStatuses (pool: pg.Pool, crm: string, keys: string[]): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string, n: number }>(`
    SELECT status, count(*)::int AS n FROM crm_records
    WHERE crm = $1 AND entity_type || ':' || entity_id = ANY($2::text[]) GROUP BY status`, [crm, keys])
  return Object.fromEntries(rows.map((row) => [row.status, row.n]))
}
