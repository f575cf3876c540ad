import type { PgBoss } from 'pg-boss'
import type { CrmName } from '../crm/connector.ts'
import type { RunTrigger } from './report.ts'

/** Reconciliation passes, run by the workers (they hold the connectors and their rate limiters). */
export const RECONCILE_QUEUE = 'reconcile'

export interface ReconcileJob { crm: CrmName, dryRun: boolean, trigger: RunTrigger }

// One pass per CRM queued or running at a time ('exclusive', the CRM as singleton key). No
// retries: a failed pass is reported and the next sweep tries again. A pass over a large
// mirror takes minutes at the CRM's rate limit; the heartbeat spots a worker that died (and
// tells a pass that `npm run reconcile` cancelled to stop). NOTIFY wakes a worker at once.
const options = { policy: 'exclusive', retryLimit: 0, expireInSeconds: 4 * 3600, heartbeatSeconds: 30, notify: true } as const

/** Creates the queue if missing (idempotent, safe when several processes start together). */
export async function ensureReconcileQueue (boss: PgBoss): Promise<void> {
  const { policy: _policy, ...updatable } = options
  await boss.createQueue(RECONCILE_QUEUE, options)
  await boss.updateQueue(RECONCILE_QUEUE, updatable)
}

/**
 * Asks the workers for a pass. Null when one is already queued or running for that CRM, or,
 * with `everySeconds`, when one was already asked for in the current time slot of that length
 * (pg-boss throttling: at most one per slot, however many workers ask).
 */
export async function requestReconcile (boss: PgBoss, job: ReconcileJob, throttle: { everySeconds?: number } = {}): Promise<string | null> {
  return boss.send(RECONCILE_QUEUE, job, {
    singletonKey: job.crm,
    ...(throttle.everySeconds ? { singletonSeconds: throttle.everySeconds } : {})
  })
}
