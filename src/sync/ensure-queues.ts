import type { PgBoss, Queue } from 'pg-boss'
import type { CrmName } from '../crm/connector.ts'
import { APPLY_QUEUE, applyQueueOptions } from '../mirror/apply-queue.ts'
import { syncQueue, syncQueueOptions } from './sync-queue.ts'

/**
 * Creates the pipeline's queues if missing: the apply queue and one sync queue per CRM in
 * the registry. Idempotent and race-free (pg-boss inserts ON CONFLICT DO NOTHING), so
 * receivers and workers starting together may all call it. Hot queues get their own
 * partition: a stale-statistics plan flip on the shared job table was seen to slow
 * fetches 150×.
 */
export async function ensureQueues (boss: PgBoss, crms: readonly CrmName[], overrides: { retryLimit?: number, retryDelay?: number, retryDelayMax?: number } = {}): Promise<void> {
  await ensureQueue(boss, APPLY_QUEUE, { ...applyQueueOptions, ...overrides })
  for (const crm of crms) await ensureQueue(boss, syncQueue(crm), { ...syncQueueOptions, ...overrides })
}

/** Creates the queue, or brings an existing one's retry/expiry/heartbeat options up to date. */
async function ensureQueue (boss: PgBoss, name: string, options: Omit<Queue, 'name' | 'deadLetter'>): Promise<void> {
  const { policy: _policy, partition: _partition, ...updatable } = options
  await boss.createQueue(name, { ...options, partition: true, notify: true })
  await boss.updateQueue(name, { ...updatable, notify: true })
}
