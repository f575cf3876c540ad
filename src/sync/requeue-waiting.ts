import type { PgBoss } from 'pg-boss'
import type pg from 'pg'
import type { Logger } from 'pino'
import type { CrmConnector } from '../crm/connector.ts'
import { enqueueSync } from './enqueue-sync.ts'
import { waitingRecords } from './sync-records.ts'

const CHUNK = 1000

/** After a CRM's circuit closed: every record parked for it goes back on its queue. */
export async function requeueWaiting (deps: { pool: pg.Pool, boss: PgBoss, connector: CrmConnector, logger: Logger }): Promise<number> {
  const crm = deps.connector.name
  const waiting = await waitingRecords(deps.pool, crm)
  for (let start = 0; start < waiting.length; start += CHUNK) await enqueueSync(deps.boss, undefined, [crm], waiting.slice(start, start + CHUNK))
  if (waiting.length > 0) deps.logger.info({ crm, requeued: waiting.length }, `${crm} answers again: re-queued every waiting record`)
  return waiting.length
}
