import type pg from 'pg'

export interface KeptFieldRow {
  crm: string
  entity_type: string
  entity_id: string
  field: string
  first_skipped_at: Date
  last_skipped_at: Date
}

/**
 * CRM fields of a customer's records (contact, appointments, messages) the sync left alone
 * because the mapping says `if_empty` and someone else set them (see migration 040).
 */
export async function keptFields (db: pg.Pool, customerId: string): Promise<KeptFieldRow[]> {
  const { rows } = await db.query<KeptFieldRow>(`
    SELECT o.crm, o.entity_type, o.entity_id, o.field, o.first_skipped_at, o.last_skipped_at
    FROM crm_field_ownership o
    WHERE (o.entity_type = 'contact' AND o.entity_id = $1)
       OR (o.entity_type = 'appointment' AND o.entity_id IN (SELECT a.id FROM appointments a WHERE a.customer_id = $1))
       OR (o.entity_type = 'message' AND o.entity_id IN (
            SELECT m.id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.customer_id = $1))
    ORDER BY o.entity_type = 'contact' DESC, o.entity_type, o.entity_id, o.crm, o.field
    LIMIT 200`, [customerId])
  return rows
}
