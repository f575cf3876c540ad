import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { withTransaction } from '../db/pool.ts'
import type { EntityRef } from '../mirror/entity-ref.ts'
import type { CrmName } from '../crm/connector.ts'
import { enqueueSync } from './enqueue-sync.ts'

const CHUNK = 1000

/**
 * Forgets what was written to one CRM and queues every mirrored entity for it again.
 * Used when a sandbox starts empty while the database remembers an earlier sandbox's
 * record ids (a restarted `npm start`), so the demo always shows everything.
 */
export async function resyncAll (pool: pg.Pool, boss: PgBoss, crm: CrmName): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query('DELETE FROM crm_records WHERE crm = $1', [crm])
    const { rows } = await client.query<EntityRef>(`
      SELECT 'contact' AS type, id FROM customers
      UNION ALL SELECT 'message', id FROM messages
      UNION ALL SELECT 'appointment', id FROM appointments`)
    for (let start = 0; start < rows.length; start += CHUNK) {
      await enqueueSync(boss, client, [crm], rows.slice(start, start + CHUNK))
    }
    return rows.length
  })
}
