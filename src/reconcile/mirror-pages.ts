import type pg from 'pg'
import type { EntityType } from '../mirror/states.ts'

const TABLES: Record<EntityType, string> = { contact: 'customers', message: 'messages', appointment: 'appointments' }

/**
 * The mirror's ids of one entity type, `pageSize` at a time in id order (keyset paging: each
 * page is one index range scan, however far in; entities added behind the cursor wait for
 * the next pass).
 */
export async function * mirrorPages (db: pg.Pool, type: EntityType, pageSize: number): AsyncGenerator<string[]> {
  let after = ''
  for (;;) {
    const { rows } = await db.query<{ id: string }>(`SELECT id FROM ${TABLES[type]} WHERE id > $1 ORDER BY id LIMIT $2`, [after, pageSize])
    if (rows.length === 0) return
    yield rows.map((row) => row.id)
    if (rows.length < pageSize) return
    after = rows[rows.length - 1]!.id
  }
}
