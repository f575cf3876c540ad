import type pg from 'pg'
import { BOSS_SCHEMA } from '../db/boss.ts'
import { prepared } from '../db/prepared.ts'
import { APPLY_QUEUE } from './apply-queue.ts'

// The oldest apply job ready to run and not started yet, in the fetch index's order
// (pg-boss's job_i11: name, priority, created_on): the first match, not a scan of the
// backlog. Retries ('retry', or a later start_after) are an event's own wait, not the
// apply worker's backlog.
const OLDEST_READY = prepared(`
  SELECT greatest(0, 1000 * EXTRACT(EPOCH FROM now() - created_on))::float8 AS ms
  FROM ${BOSS_SCHEMA}.job
  WHERE name = $1 AND state = 'created' AND NOT blocked AND start_after <= now()
  ORDER BY priority DESC, created_on
  LIMIT 1`)

/**
 * How far the apply worker is behind the inbox (ms, the database's clock): how long the
 * oldest stored delivery it has not started on has waited; 0 when it is keeping up. What
 * those deliveries change is not in the mirror yet, so a customer that looks quiet there may
 * still have events coming.
 */
export async function applyLagMs (db: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await db.query<{ ms: number }>(OLDEST_READY([APPLY_QUEUE]))
  return rows[0]?.ms ?? 0
}
