import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { runErasure, type ErasureDeps } from './run-erasure.ts'

/**
 * Erasures run as jobs in the worker processes, which hold the CRM connectors (a dashboard
 * in a receiver-only process has none). A failed step retries with backoff and resumes.
 */
export const ERASURE_QUEUE = 'erase-customer'

export interface ErasureJob { erasureId: string }

export async function ensureErasureQueue (boss: PgBoss): Promise<void> {
  // `exclusive` with the erasure id as singleton key: one queued or running job per erasure.
  await boss.createQueue(ERASURE_QUEUE, {
    policy: 'exclusive', retryLimit: 12, retryDelay: 15, retryBackoff: true, retryDelayMax: 600, expireInSeconds: 900, heartbeatSeconds: 30, notify: true
  })
}

/**
 * Starts an erasure of `customerId`, or finds the one already in progress for them, and
 * queues its job. The customer id is kept in the row only until the erasure completes.
 */
export async function requestErasure (pool: pg.Pool, boss: PgBoss, customerId: string, requestedBy: string): Promise<{ erasureId: string, jobId: string | null }> {
  await ensureErasureQueue(boss)
  const { rows } = await pool.query<{ id: string }>(`
    INSERT INTO erasures (customer_hash, customer_id, requested_by) VALUES (erasure_subject_hash('customer:' || $1), $1, $2)
    ON CONFLICT (customer_hash) WHERE status = 'in_progress' DO UPDATE SET requested_by = erasures.requested_by
    RETURNING id`, [customerId, requestedBy])
  const erasureId = rows[0]!.id
  const jobId = await boss.send(ERASURE_QUEUE, { erasureId } satisfies ErasureJob, { singletonKey: erasureId })
  return { erasureId, jobId }
}

export async function startErasureWorker (deps: ErasureDeps & { boss: PgBoss }): Promise<{ stop: () => Promise<void> }> {
  await ensureErasureQueue(deps.boss)
  await deps.boss.work<ErasureJob>(ERASURE_QUEUE, { pollingIntervalSeconds: 5 }, async ([job]) => {
    if (job) await runErasure(deps, job.data.erasureId)
  })
  return { stop: () => deps.boss.offWork(ERASURE_QUEUE, { wait: true }) }
}
