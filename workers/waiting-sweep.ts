import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { enqueueSync } from '../src/sync/enqueue-sync.ts'
import { waitingForLandedContacts } from '../src/sync/sync-records.ts'
import { startSerialLoop } from './serial-loop.ts'

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
  return startSerialLoop(deps.everyMs ?? WAITING_SWEEP_MS, async () => {
    const stranded = await waitingForLandedContacts(deps.pool, crm)
    if (stranded.length === 0) return
    await enqueueSync(deps.boss, undefined, [crm], stranded)
    deps.logger.warn({ crm, requeued: stranded.length }, 'sync: records still waiting for a contact already in the CRM were queued again')
  }, (error) => deps.logger.warn({ crm, err: error }, 'sync: the sweep for records waiting on a landed contact failed'))
}
