import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'
import { syncQueue } from '../sync/sync-queue.ts'
import type { ErasurePlan } from './erasure-plan.ts'

/**
 * Waits (up to `timeoutMs`) until no sync job for the plan's entities is running on this
 * CRM's queue. Jobs that start after the mirror was emptied find nothing to write; one that
 * read the mirror before could still be writing, and must not land after our delete.
 */
export async function settleSyncJobs (pool: pg.Pool, crm: CrmName, plan: ErasurePlan, timeoutMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const { rows } = await pool.query<{ active: number }>(`
      SELECT count(*)::int AS active FROM pgboss.job
      WHERE name = $1 AND state = 'active' AND (
        (data->>'type' = 'contact' AND data->>'id' = $2)
        OR (data->>'type' = 'message' AND data->>'id' = ANY($3::text[]))
        OR (data->>'type' = 'appointment' AND data->>'id' = ANY($4::text[])))`,
    [syncQueue(crm), plan.customerId, plan.messages.map((m) => m.id), plan.appointments])
    if ((rows[0]?.active ?? 0) === 0) return true
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, 200))
  }
}
