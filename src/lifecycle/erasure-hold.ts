import type pg from 'pg'
import { prepared } from '../db/prepared.ts'
import type { AgentClaraEvent } from '../events/schemas.ts'

/** The erasure subjects an event names: its customer and its conversation. */
function subjectsOf (event: AgentClaraEvent): string[] {
  const data = event.data as { customer_id?: string | null, conversation_id?: string | null }
  return [
    ...(data.customer_id ? [`customer:${data.customer_id}`] : []),
    ...(data.conversation_id ? [`conversation:${data.conversation_id}`] : [])
  ]
}

const ERASURE_HOLDING = prepared('SELECT erasure_holding($1::text[]) AS erasure_id')

/**
 * Whether any of these events' subjects is erased, in one call: the apply worker asks this
 * once per batch and checks event by event (`holdIfErased`) only when the answer is yes.
 * Takes the same shared advisory locks the per-event check does, so an erasure waits for
 * this transaction either way.
 */
export async function anyErased (db: pg.ClientBase, events: AgentClaraEvent[]): Promise<boolean> {
  const subjects = [...new Set(events.flatMap(subjectsOf))]
  if (subjects.length === 0) return false
  const { rows } = await db.query<{ erasure_id: string | null }>(ERASURE_HOLDING([subjects]))
  return rows[0]?.erasure_id != null
}

/**
 * Holds an event whose customer or conversation was erased, instead of applying it, so an
 * erased customer does not silently come back. Called by the apply worker inside its
 * transaction; the subjects' advisory locks are shared until that transaction ends (see
 * `erasure_holding` in migrations/012_erasure.sql). Returns the holding erasure, if any.
 */
export async function holdIfErased (db: pg.ClientBase, eventId: string, event: AgentClaraEvent): Promise<string | undefined> {
  const data = event.data as { customer_id?: string | null, conversation_id?: string | null }
  const subjects = subjectsOf(event)
  if (subjects.length === 0) return undefined
  const { rows } = await db.query<{ erasure_id: string | null }>(ERASURE_HOLDING([subjects]))
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
