import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { syncQueue } from '../sync/sync-queue.ts'

/**
 * Entities the sync is working on for this CRM: a job queued, retrying or running (pg-boss's
 * job table; sync jobs carry the entity key as singleton key), or a record the sync reports
 * as retrying, waiting (for its CRM or its contact) or dead. Their CRM copy is expected to lag the mirror; the sync owns them and
 * the dashboard shows them, so reconciliation leaves them out instead of calling them drift.
 */
export async function inFlightKeys (db: pg.Pool, crm: CrmName, refs: EntityRef[]): Promise<Set<string>> {
  if (refs.length === 0) return new Set()
  const keys = refs.map(entityKey)
  const { rows } = await db.query<{ key: string }>(`
    SELECT singleton_key AS key FROM pgboss.job
    WHERE name = $1 AND state IN ('created', 'retry', 'active') AND singleton_key = ANY($2::text[])
    UNION
    SELECT entity_type || ':' || entity_id FROM crm_records
    WHERE crm = $3 AND status IN ('retrying', 'waiting', 'dead') AND entity_type || ':' || entity_id = ANY($2::text[])`,
  [syncQueue(crm), keys, crm])
  return new Set(rows.map((row) => row.key))
}
