import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { bossDb } from '../db/pool.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { syncQueue } from './sync-queue.ts'
import type { CrmName } from '../crm/connector.ts'
import { traceSyncEnqueue } from './trace-links.ts'

/**
 * Enqueues one sync job per entity and CRM, inside the caller's transaction. The sync
 * queues are `stately` with the entity as singleton key, so an entity already waiting
 * is not queued twice: the waiting job will read the newest state when it runs.
 */
export async function enqueueSync (boss: PgBoss, client: pg.PoolClient, crms: readonly CrmName[], refs: EntityRef[]): Promise<void> {
  const unique = [...new Map(refs.map((ref) => [entityKey(ref), ref])).values()]
  if (unique.length === 0) return
  const trace = await traceSyncEnqueue(client, crms.map(syncQueue), unique.map(entityKey))
  for (const crm of crms) {
    await boss.insert(syncQueue(crm), unique.map((ref) => ({ data: { ...ref, trace }, singletonKey: entityKey(ref) })), { db: bossDb(client) })
  }
}
