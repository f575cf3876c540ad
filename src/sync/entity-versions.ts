import type pg from 'pg'
import { prepared } from '../db/prepared.ts'
import type { PgBoss } from 'pg-boss'
import type { CrmName } from '../crm/connector.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { enqueueSync } from './enqueue-sync.ts'

/**
 * Why no committed change can be lost, with any number of processes:
 *
 * 1. An apply transaction bumps the version of every entity it changed (`recordChanges`),
 *    THEN enqueues their sync jobs, then commits. The bump's row lock lasts until commit.
 * 2. A sync job reads the versions of its entities FOR SHARE (`lockVersions`) before it
 *    reads their state, in the same transaction, each in its own statement.
 *
 * If the apply's enqueue was dropped because a job for the entity was still waiting
 * (stately singleton), that job had not been fetched when the apply bumped the version;
 * so whenever it runs, its FOR SHARE waits for the apply to commit, and the next
 * statement's fresh snapshot holds the change. If the insert was not dropped, the new job
 * is invisible until the apply commits. Either way some sync reads the change. Both sides
 * lock rows in the same (SQL) order, so they cannot deadlock each other.
 */

const SORTED_REFS = 'SELECT t.type, t.id FROM unnest($1::text[], $2::text[]) AS t(type, id) GROUP BY t.type, t.id ORDER BY t.type, t.id'

const BUMP_VERSIONS = prepared(`
  INSERT INTO entity_versions (entity_type, entity_id) ${SORTED_REFS}
  ON CONFLICT (entity_type, entity_id) DO UPDATE SET version = entity_versions.version + 1`)

/** In the apply's transaction: bump the changed entities' versions, then queue their syncs. */
export async function recordChanges (boss: PgBoss, client: pg.PoolClient, crms: readonly CrmName[], refs: EntityRef[]): Promise<void> {
  await bumpVersions(client, refs)
  await enqueueSync(boss, client, crms, refs)
}

/** The first half of `recordChanges`, for a caller that enqueues in several steps after it. */
export async function bumpVersions (client: pg.PoolClient, refs: EntityRef[]): Promise<void> {
  if (refs.length === 0) return
  await client.query(BUMP_VERSIONS([refs.map((ref) => ref.type), refs.map((ref) => ref.id)]))
}

/**
 * In the sync's read transaction, before reading state: waits for every apply in flight
 * on these entities and returns their versions (0 for an entity never recorded).
 */
export async function lockVersions (client: pg.ClientBase, refs: EntityRef[]): Promise<Map<string, number>> {
  const versions = new Map(refs.map((ref) => [entityKey(ref), 0]))
  if (refs.length === 0) return versions
  const { rows } = await client.query<{ entity_type: EntityRef['type'], entity_id: string, version: string }>(`
    SELECT v.entity_type, v.entity_id, v.version FROM entity_versions v
    WHERE (v.entity_type, v.entity_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
    ORDER BY v.entity_type, v.entity_id FOR SHARE`,
  [refs.map((ref) => ref.type), refs.map((ref) => ref.id)])
  for (const row of rows) versions.set(entityKey({ type: row.entity_type, id: row.entity_id }), Number(row.version))
  return versions
}

/** Entities whose version moved past the one a sync read: they need another sync. */
export async function versionsMovedOn (db: pg.Pool | pg.ClientBase, read: Array<{ ref: EntityRef, version: number }>): Promise<EntityRef[]> {
  if (read.length === 0) return []
  const { rows } = await db.query<{ entity_type: EntityRef['type'], entity_id: string }>(`
    SELECT v.entity_type, v.entity_id FROM entity_versions v
    JOIN unnest($1::text[], $2::text[], $3::bigint[]) AS t(type, id, version) ON v.entity_type = t.type AND v.entity_id = t.id
    WHERE v.version > t.version`,
  [read.map((item) => item.ref.type), read.map((item) => item.ref.id), read.map((item) => item.version)])
  return rows.map((row) => ({ type: row.entity_type, id: row.entity_id }))
}
