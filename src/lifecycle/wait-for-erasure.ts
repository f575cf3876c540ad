import type pg from 'pg'
import { ERASURE_QUEUE } from './erasure-job.ts'
import type { ErasureReceipt } from './erasure-receipt.ts'
import { loadReceipt } from './run-erasure.ts'

export type ErasureWait =
  | { outcome: 'completed', receipt: ErasureReceipt }
  | { outcome: 'failed', receipt: ErasureReceipt, error: string }
  | { outcome: 'timeout', receipt: ErasureReceipt, lastError?: string }

/** The latest job of the erasure: its state, and the error of its last failed attempt. */
async function latestJob (db: pg.Pool, erasureId: string): Promise<{ state: string, error?: string } | undefined> {
  const { rows } = await db.query<{ state: string, error: string | null }>(`
    SELECT state, coalesce(output->>'message', output->>'error') AS error FROM pgboss.job
    WHERE name = $1 AND singleton_key = $2 ORDER BY created_on DESC LIMIT 1`, [ERASURE_QUEUE, erasureId])
  return rows[0] && { state: rows[0].state, error: rows[0].error ?? undefined }
}

/**
 * Polls until the erasure completes, its job gives up, or `timeoutMs` passes; `onRetry` hears
 * each new error of an attempt that failed and will be retried.
 */
export async function waitForErasure (db: pg.Pool, erasureId: string, options: { timeoutMs: number, onRetry?: (error: string) => void }): Promise<ErasureWait> {
  const deadline = Date.now() + options.timeoutMs
  let lastError: string | undefined
  for (;;) {
    const receipt = (await loadReceipt(db, erasureId))!
    if (receipt.status === 'completed') return { outcome: 'completed', receipt }
    const job = await latestJob(db, erasureId)
    if (job?.state === 'failed') return { outcome: 'failed', receipt, error: job.error ?? 'the erasure job failed' }
    if (job?.error && job.error !== lastError) {
      lastError = job.error
      options.onRetry?.(job.error)
    }
    if (Date.now() > deadline) return { outcome: 'timeout', receipt, lastError }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
