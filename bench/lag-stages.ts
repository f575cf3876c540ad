import type pg from 'pg'
import type { CrmName } from '../src/crm/connector.ts'
import { syncQueue } from '../src/sync/sync-queue.ts'
import { quantileOf } from './quantile.ts'

/** p50 / p99 (ms) of one stage of the steady phase's lag. */
export interface StagePercentiles { p50: number | null, p99: number | null }

/**
 * Where the receive → contact-synced lag goes, stage by stage, for each new customer since
 * `afterEventId` whose id is `LIKE customers`:
 * - `queued`: receipt → its contact's first sync job (pg-boss's `created_on`, the start of
 *   the apply transaction that queued it: the job is visible from that transaction's commit);
 * - `waited`: that job queued → fetched by the worker that wrote the contact (`started_on`
 *   of the contact's latest job fetched before `synced_at`): the wait for the CRM's turn;
 * - `written`: fetched → `synced_at`: the batch's reads, the CRM call and the bookkeeping.
 * Each stage's percentiles are its own: the p50s need not add up to the whole lag's p50.
 * From the database's own timestamps, so one clock for all of them; pg-boss deletes completed
 * jobs only after seven days by default (`deleteAfterSeconds`), so they are all still there.
 */
export async function lagStages (pool: pg.Pool, crm: CrmName, afterEventId: string, customers: string): Promise<{ queued: StagePercentiles, waited: StagePercentiles, written: StagePercentiles }> {
  const { rows } = await pool.query<{ queued: number, waited: number, written: number }>(`
    WITH contact AS (
      SELECT w.id, min(w.received_at) AS received_at, min(r.synced_at) AS synced_at,
             min(j.created_on) AS queued_at,
             max(j.started_on) FILTER (WHERE j.started_on <= r.synced_at) AS fetched_at
      FROM webhook_events w
      JOIN crm_records r ON r.crm = $2 AND r.entity_type = 'contact' AND r.entity_id = w.payload -> 'data' ->> 'customer_id' AND r.status = 'synced'
      JOIN pgboss.job j ON j.name = $3 AND j.singleton_key = 'contact:' || (w.payload -> 'data' ->> 'customer_id')
      WHERE w.id > $1 AND w.payload -> 'data' ->> 'customer_id' LIKE $4
      GROUP BY w.id)
    SELECT 1000 * extract(epoch FROM queued_at - received_at)::float8 AS queued,
           1000 * extract(epoch FROM fetched_at - queued_at)::float8 AS waited,
           1000 * extract(epoch FROM synced_at - fetched_at)::float8 AS written
    FROM contact WHERE fetched_at IS NOT NULL`, [afterEventId, crm, syncQueue(crm), customers])
  const percentiles = (values: number[]): StagePercentiles => {
    const sorted = values.sort((a, b) => a - b)
    return { p50: quantileOf(sorted, 0.5), p99: quantileOf(sorted, 0.99) }
  }
  return {
    queued: percentiles(rows.map((row) => row.queued)),
    waited: percentiles(rows.map((row) => row.waited)),
    written: percentiles(rows.map((row) => row.written))
  }
}
