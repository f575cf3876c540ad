import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { bossDb, withTransaction } from '../db/pool.ts'
import { APPLY_QUEUE, applyJobsFor } from '../mirror/apply-queue.ts'

export type LiftOutcome =
  | { lifted: true, requeued: number, emptied: number }
  | { lifted: false, reason: 'not-erased' | 'in-progress' }

/**
 * Lifts every erasure of `customerId`: new events for them are applied again, and the events
 * held meanwhile are queued to apply (those already emptied by retention cannot be).
 */
export async function liftErasure (pool: pg.Pool, boss: PgBoss, customerId: string): Promise<LiftOutcome> {
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string, status: string }>(
      'SELECT id, status FROM erasures WHERE customer_hash = erasure_subject_hash(\'customer:\' || $1) AND lifted_at IS NULL FOR UPDATE', [customerId])
    if (rows.length === 0) return { lifted: false, reason: 'not-erased' }
    if (rows.some((row) => row.status === 'in_progress')) return { lifted: false, reason: 'in-progress' }
    const ids = rows.map((row) => row.id)
    await client.query('UPDATE erasures SET lifted_at = now() WHERE id = ANY($1::bigint[])', [ids])
    await client.query('UPDATE erased_subjects SET lifted_at = now() WHERE erasure_id = ANY($1::bigint[]) AND lifted_at IS NULL', [ids])
    const held = await client.query<{ id: string, purged: boolean }>(`
      UPDATE webhook_events SET status = CASE WHEN purged_at IS NULL THEN 'received' ELSE status END, held_by = NULL,
        error = CASE WHEN purged_at IS NULL THEN NULL ELSE error END
      WHERE status = 'suppressed' AND held_by = ANY($1::bigint[])
      RETURNING id, purged_at IS NOT NULL AS purged`, [ids])
    const requeue = held.rows.filter((row) => !row.purged).map((row) => ({ id: row.id }))
    if (requeue.length > 0) await boss.insert(APPLY_QUEUE, applyJobsFor(requeue), { db: bossDb(client) })
    return { lifted: true, requeued: requeue.length, emptied: held.rows.length - requeue.length }
  })
}
