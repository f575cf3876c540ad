import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { CrmName } from '../../crm/connector.ts'
import type { EntityType } from '../../mirror/states.ts'
import { enqueueSync } from '../../sync/enqueue-sync.ts'
import { withTransaction } from '../../db/pool.ts'

export interface RecordKey {
  crm: CrmName
  type: EntityType
  id: string
}

export type RecordSelection =
  | { key: RecordKey }
  | { filter: { crm?: CrmName, entityType?: EntityType }, cap: number }

/**
 * Replays CRM records: back to `pending` with fresh attempts and a sync job, in one
 * transaction. The synced hash is cleared so the worker writes the entity even if its
 * state did not change since the last successful write (a replay means "send it again").
 * Only records of enabled CRMs are replayed: nothing would work the others' queues.
 */
export async function replayRecords (pool: pg.Pool, boss: PgBoss, enabled: readonly CrmName[], selection: RecordSelection): Promise<RecordKey[]> {
  return withTransaction(pool, async (client) => {
    const replayed = 'key' in selection
      ? await resetOne(client, enabled, selection.key)
      : await resetMatching(client, enabled, selection.filter, selection.cap)
    for (const crm of enabled) {
      const refs = replayed.filter((key) => key.crm === crm).map((key) => ({ type: key.type, id: key.id }))
      await enqueueSync(boss, client, [crm], refs)
    }
    return replayed
  })
}

const RESET = "status = 'pending', attempts = 0, synced_hash = NULL"

async function resetOne (client: pg.PoolClient, enabled: readonly CrmName[], key: RecordKey): Promise<RecordKey[]> {
  const { rows } = await client.query<{ crm: CrmName, type: EntityType, id: string }>(`
    UPDATE crm_records SET ${RESET}
    WHERE crm = $1 AND entity_type = $2 AND entity_id = $3 AND crm = ANY($4::text[])
    RETURNING crm, entity_type AS type, entity_id AS id`,
  [key.crm, key.type, key.id, enabled])
  return rows
}

async function resetMatching (client: pg.PoolClient, enabled: readonly CrmName[], filter: { crm?: CrmName, entityType?: EntityType }, cap: number): Promise<RecordKey[]> {
  const { rows } = await client.query<{ crm: CrmName, type: EntityType, id: string }>(`
    UPDATE crm_records r SET ${RESET}
    FROM (
      SELECT crm, entity_type, entity_id FROM crm_records
      WHERE status = 'dead' AND crm = ANY($1::text[]) AND ($2::text IS NULL OR crm = $2) AND ($3::text IS NULL OR entity_type = $3)
      ORDER BY last_attempt_at NULLS FIRST, crm, entity_type, entity_id
      LIMIT $4 FOR UPDATE SKIP LOCKED
    ) picked
    WHERE r.crm = picked.crm AND r.entity_type = picked.entity_type AND r.entity_id = picked.entity_id
    RETURNING r.crm, r.entity_type AS type, r.entity_id AS id`,
  [enabled, filter.crm ?? null, filter.entityType ?? null, cap])
  return rows
}
