import type pg from 'pg'
import type { ErasurePlan } from './erasure-plan.ts'

export interface LocalCounts {
  /** Inbox rows whose payload, raw body and error were emptied (their dedupe keys stay). */
  inbox: number
  customers: number
  conversations: number
  messages: number
  appointments: number
  crmRecords: number
}

/** An id as it appears in JSON text: quoted, so "cust_1" does not match "cust_12". */
const needle = (id: string) => Buffer.from(JSON.stringify(id), 'utf8')

/**
 * Removes the customer from our own tables in the caller's transaction: empties every inbox
 * row that mentions them or their conversations, messages or appointments (payload rows by
 * their JSON, quarantined and ignored ones by searching the raw bytes), deletes their
 * `crm_records` and entity versions, then the mirror rows, children first.
 */
export async function eraseLocal (db: pg.ClientBase, plan: ErasurePlan): Promise<LocalCounts> {
  const messages = plan.messages.map((m) => m.id)
  const ids = [plan.customerId, ...plan.conversations, ...messages, ...plan.appointments]
  const count = async (sql: string, values: unknown[]) => (await db.query(sql, values)).rowCount ?? 0

  const inbox = await count(`
    UPDATE webhook_events
    SET payload = NULL, raw_body = NULL, error = NULL, purged_at = now(), purge_reason = 'erasure',
        status = CASE WHEN status IN ('received', 'waiting') THEN 'suppressed' ELSE status END
    WHERE purged_at IS NULL AND (
      payload->'data'->>'customer_id' = $1 OR payload->'data'->>'conversation_id' = ANY($2::text[])
      OR payload->'data'->>'message_id' = ANY($3::text[]) OR payload->'data'->>'appointment_id' = ANY($4::text[])
      OR (payload IS NULL AND EXISTS (SELECT 1 FROM unnest($5::bytea[]) AS n WHERE position(n IN raw_body) > 0)))`,
  [plan.customerId, plan.conversations, messages, plan.appointments, ids.map(needle)])

  const crmRecords = await count(`
    DELETE FROM crm_records
    WHERE (entity_type = 'contact' AND entity_id = $1) OR (entity_type = 'message' AND entity_id = ANY($2::text[]))
       OR (entity_type = 'appointment' AND entity_id = ANY($3::text[]))`, [plan.customerId, messages, plan.appointments])
  // Which CRM fields someone else owns (migration 040) names the entities too.
  await db.query(`
    DELETE FROM crm_field_ownership
    WHERE (entity_type = 'contact' AND entity_id = $1) OR (entity_type = 'message' AND entity_id = ANY($2::text[]))
       OR (entity_type = 'appointment' AND entity_id = ANY($3::text[]))`, [plan.customerId, messages, plan.appointments])
  // The entities' versions (migration 003) name them too. Deleting them waits for a sync
  // reading them (FOR SHARE); a later sync reads version 0 and finds no state to write.
  await db.query(`
    DELETE FROM entity_versions
    WHERE (entity_type = 'contact' AND entity_id = $1) OR (entity_type = 'message' AND entity_id = ANY($2::text[]))
       OR (entity_type = 'appointment' AND entity_id = ANY($3::text[]))`, [plan.customerId, messages, plan.appointments])
  const messagesDeleted = await count('DELETE FROM messages WHERE id = ANY($1::text[]) OR conversation_id = ANY($2::text[])', [messages, plan.conversations])
  const appointments = await count('DELETE FROM appointments WHERE customer_id = $1 OR id = ANY($2::text[])', [plan.customerId, plan.appointments])
  const conversations = await count('DELETE FROM conversations WHERE customer_id = $1 OR id = ANY($2::text[])', [plan.customerId, plan.conversations])
  const customers = await count('DELETE FROM customers WHERE id = $1', [plan.customerId])
  return { inbox, customers, conversations, messages: messagesDeleted, appointments, crmRecords }
}
