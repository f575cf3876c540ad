import type pg from 'pg'
import type { AgentClaraEvent } from '../events/schemas.ts'

/**
 * Holds an event whose customer or conversation was erased, instead of applying it, so an
 * erased customer does not silently come back. Called by the apply worker inside its
 * transaction; the subjects' advisory locks are shared until that transaction ends (see
 * `erasure_holding` in migrations/012_erasure.sql). Returns the holding erasure, if any.
 */
export async function holdIfErased (db: pg.ClientBase, eventId: string, event: AgentClaraEvent): Promise<string | undefined> {
  const data = event.data as { customer_id?: string | null, conversation_id?: string | null }
  const subjects = [
    ...(data.customer_id ? [`customer:${data.customer_id}`] : []),
    ...(data.conversation_id ? [`conversation:${data.conversation_id}`] : [])
  ]
  if (subjects.length === 0) return undefined
  const { rows } = await db.query<{ erasure_id: string | null }>('SELECT erasure_holding($1::text[]) AS erasure_id', [subjects])
  const erasureId = rows[0]?.erasure_id
  if (!erasureId) return undefined
  if (data.conversation_id) {
    // Later messages of this conversation name only the conversation: hold them too.
    await db.query(`
      INSERT INTO erased_subjects (subject_hash, kind, erasure_id) VALUES (erasure_subject_hash('conversation:' || $1), 'conversation', $2)
      ON CONFLICT (subject_hash) DO UPDATE SET erasure_id = EXCLUDED.erasure_id, lifted_at = NULL`, [data.conversation_id, erasureId])
  }
  await db.query('UPDATE webhook_events SET status = \'suppressed\', held_by = $2, error = $3 WHERE id = $1',
    [eventId, erasureId, `customer erased (erasure #${erasureId}): held, not applied, until an operator lifts the erasure`])
  return erasureId
}
