import type pg from 'pg'
import type { EntityType } from '../mirror/states.ts'

/**
 * Everything of one customer that an erasure removes, found in the mirror, in the inbox's
 * payloads and in `crm_records`. Stored on the erasure while it runs, so a run that crashed
 * after the mirror was emptied still knows what to delete in the CRMs.
 */
export interface ErasurePlan {
  customerId: string
  conversations: string[]
  messages: Array<{ id: string, channel: string | null }>
  appointments: string[]
  records: Array<{ crm: string, type: EntityType, entityId: string, crmId: string | null }>
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])].sort()

async function column (db: pg.ClientBase, sql: string, values: unknown[]): Promise<string[]> {
  const { rows } = await db.query<{ id: string | null }>(sql, values)
  return rows.flatMap((row) => row.id ?? [])
}

/** Builds the plan from what the database holds now, merged with an earlier plan of the same erasure. */
export async function buildPlan (db: pg.ClientBase, customerId: string, earlier?: ErasurePlan | null): Promise<ErasurePlan> {
  const conversations = union(earlier?.conversations ?? [], await column(db, `
    SELECT id FROM conversations WHERE customer_id = $1
    UNION SELECT payload->'data'->>'conversation_id' FROM webhook_events WHERE payload->'data'->>'customer_id' = $1`, [customerId]))

  const { rows: messageRows } = await db.query<{ id: string, channel: string | null }>(`
    SELECT id, channel FROM messages WHERE conversation_id = ANY($1::text[])
    UNION SELECT payload->'data'->>'message_id', payload->'data'->>'channel' FROM webhook_events
    WHERE event_type = 'message.received' AND payload->'data'->>'conversation_id' = ANY($1::text[])`, [conversations])
  const messages = new Map((earlier?.messages ?? []).map((m) => [m.id, m]))
  for (const row of messageRows) if (row.id && !messages.get(row.id)?.channel) messages.set(row.id, row)

  const appointments = union(earlier?.appointments ?? [], await column(db, `
    SELECT id FROM appointments WHERE customer_id = $1
    UNION SELECT payload->'data'->>'appointment_id' FROM webhook_events
    WHERE event_type = 'appointment.booked' AND payload->'data'->>'customer_id' = $1`, [customerId]))

  const { rows: recordRows } = await db.query<ErasurePlan['records'][number]>(`
    SELECT crm, entity_type AS type, entity_id AS "entityId", crm_id AS "crmId" FROM crm_records
    WHERE (entity_type = 'contact' AND entity_id = $1) OR (entity_type = 'message' AND entity_id = ANY($2::text[]))
       OR (entity_type = 'appointment' AND entity_id = ANY($3::text[]))`, [customerId, [...messages.keys()], appointments])
  const records = new Map((earlier?.records ?? []).map((r) => [`${r.crm}:${r.type}:${r.entityId}`, r]))
  for (const row of recordRows) {
    const key = `${row.crm}:${row.type}:${row.entityId}`
    if (!records.get(key)?.crmId) records.set(key, row)
  }

  return { customerId, conversations, messages: [...messages.values()], appointments, records: [...records.values()] }
}

/**
 * Records the customer and their conversations as erased subjects, holding the subjects'
 * advisory locks exclusively: an apply that already checked them finishes first (and its
 * writes are then found by this plan), any later one sees them and holds its event.
 */
export async function markErased (db: pg.ClientBase, erasureId: string, customerId: string, conversations: string[]): Promise<void> {
  const subjects = [`customer:${customerId}`, ...conversations.map((id) => `conversation:${id}`)]
  await db.query(`
    SELECT pg_advisory_xact_lock(erasure_lock_key(h))
    FROM (SELECT erasure_subject_hash(s) AS h FROM unnest($1::text[]) AS s ORDER BY 1) AS locks`, [subjects])
  await db.query(`
    INSERT INTO erased_subjects (subject_hash, kind, erasure_id)
    SELECT erasure_subject_hash(s), split_part(s, ':', 1), $2 FROM unnest($1::text[]) AS s
    ON CONFLICT (subject_hash) DO UPDATE SET erasure_id = EXCLUDED.erasure_id, erased_at = now(), lifted_at = NULL`,
  [subjects, erasureId])
}
