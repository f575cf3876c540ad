import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { CrmName } from '../crm/connector.ts'
import { withTransaction } from '../db/pool.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { enqueueSync } from '../sync/enqueue-sync.ts'
import type { DriftFinding } from './drift.ts'

/**
 * Makes the sync write these entities again. The sync skips an entity whose state hash equals
 * the recorded `synced_hash` (nothing changed since it was written), which is exactly the
 * case of drift made in the CRM, so the hash is cleared. A record that is gone from the CRM
 * also loses its recorded CRM id: the upsert recreates it, and until then the entity's
 * messages and appointments wait for the new id instead of linking to the lost record.
 */
async function forgetSyncedState (client: pg.PoolClient, crm: CrmName, refs: EntityRef[], lost: Set<string>): Promise<void> {
  await client.query(`
    UPDATE crm_records r SET status = 'pending', synced_hash = NULL, crm_id = CASE WHEN t.lost THEN NULL ELSE r.crm_id END
    FROM unnest($2::text[], $3::text[], $4::boolean[]) AS t(type, id, lost)
    WHERE r.crm = $1 AND r.entity_type = t.type AND r.entity_id = t.id`,
  [crm, refs.map((ref) => ref.type), refs.map((ref) => ref.id), refs.map((ref) => lost.has(entityKey(ref)))])
}

/** The messages and appointments of these customers: their links pointed at a lost contact record. */
async function dependentsOf (client: pg.PoolClient, customerIds: string[]): Promise<EntityRef[]> {
  if (customerIds.length === 0) return []
  const { rows } = await client.query<EntityRef>(`
    SELECT 'message' AS type, m.id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.customer_id = ANY($1::text[])
    UNION ALL SELECT 'appointment', a.id FROM appointments a WHERE a.customer_id = ANY($1::text[])`, [customerIds])
  return rows
}

/**
 * Queues the drifted entities for one CRM again, in one transaction with the bookkeeping
 * above, so a crash leaves either both or neither. Returns how many entities were queued.
 */
export async function healDrift (pool: pg.Pool, boss: PgBoss, crm: CrmName, findings: DriftFinding[]): Promise<number> {
  if (findings.length === 0) return 0
  const lost = findings.filter((f) => f.kind === 'missing').map((f) => f.ref)
  return withTransaction(pool, async (client) => {
    const dependents = await dependentsOf(client, lost.filter((ref) => ref.type === 'contact').map((ref) => ref.id))
    const refs = [...new Map([...findings.map((f) => f.ref), ...dependents].map((ref) => [entityKey(ref), ref])).values()]
    await forgetSyncedState(client, crm, refs, new Set(lost.map(entityKey)))
    await enqueueSync(boss, client, [crm], refs)
    return refs.length
  })
}
