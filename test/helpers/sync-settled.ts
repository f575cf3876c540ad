import type { SyncHarness } from './sync-harness.ts'
import { until } from './until.ts'

/** Apply and sync jobs still queued, retrying or running (a subquery, to add to other counts). */
export const OPEN_PIPELINE_JOBS = "(SELECT count(*) FROM pgboss.job WHERE (name LIKE 'sync-%' OR name = 'apply-event') AND state IN ('created', 'retry', 'active'))"

const count = async (h: SyncHarness, sql: string, params: unknown[] = []) => Number((await h.pool.query(sql, params)).rows[0].count)

/** Waits until `applied` deliveries are applied and no sync job is waiting or running. */
export async function syncSettled (h: SyncHarness, applied: number): Promise<void> {
  await until(async () =>
    await count(h, "SELECT count(*) FROM webhook_events WHERE status = 'applied'") === applied &&
    await count(h, "SELECT count(*) FROM pgboss.job WHERE name LIKE 'sync-%' AND state IN ('created', 'retry', 'active')") === 0,
  Boolean, { what: `${applied} deliveries applied and synced` })
}
