import type pg from 'pg'

/**
 * Brings these entities' retry jobs forward to now, their retry count back to 0. A record
 * waiting for its contact fails and backs off each time it is read too early (1–2 s, 2–4 s,
 * … up to minutes); when the contact lands it is queued again at once, but that fresh job
 * cannot replace the backed-off one: the sync queues keep one job per entity and state, and
 * when the fresh job fails for itself pg-boss drops its retry (ON CONFLICT DO NOTHING) in
 * favour of the one already waiting. The record would then go at its long backoff. Its waits
 * were not its own failures, so its own attempts start over here. Reaches into pg-boss's job
 * table (as trace-links.ts does): pg-boss has no API to reschedule a retry.
 */
export async function wakeRetries (db: pg.Pool | pg.ClientBase, queue: string, keys: string[]): Promise<number> {
  if (keys.length === 0) return 0
  const { rowCount } = await db.query(`
    UPDATE pgboss.job SET start_after = now(), retry_count = 0
    WHERE name = $1 AND state = 'retry' AND singleton_key = ANY($2::text[])`, [queue, keys])
  return rowCount ?? 0
}
