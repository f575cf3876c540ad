import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { enqueueSync } from '../src/sync/enqueue-sync.ts'
import { waitingForLandedContacts } from '../src/sync/sync-records.ts'

/** How often a CRM's records waiting for a contact that has landed are looked for. */
export const WAITING_SWEEP_MS = 30_000

/**
 * The safety net under waking: a record waiting for its contact spends no attempt and keeps
 * no job, and is queued again when its contact lands (sync-worker.ts). Should that wake be
 * lost, this finds it — marked waiting, its contact in the CRM — and queues it, so a lost
 * wake costs at most `everyMs`, never the record.
 */
export function startWaitingSweep (deps: { pool: pg.Pool, boss: PgBoss, connector: CrmConnector, logger: Logger, everyMs?: number }): { stop: () => Promise<void> } {
  const crm = deps.connector.name
  let running: Promise<void> = Promise.resolve()
  const timer = setInterval(() => {
    running = running.then(async () => {
      const stranded = await waitingForLandedContacts(deps.pool, crm)
      if (stranded.length === 0) return
      await enqueueSync(deps.boss, undefined, [crm], stranded)
      deps.logger.warn({ crm, requeued: stranded.length }, 'sync: records still waiting for a contact already in the CRM were queued again')
    }).catch((error: unknown) => deps.logger.warn({ crm, err: error }, 'sync: the sweep for records waiting on a landed contact failed'))
  }, deps.everyMs ?? WAITING_SWEEP_MS)
  return {
    async stop () {
      clearInterval(timer)
      await running
    }
  }
}
