import type pg from 'pg'
import type { CrmRecordRow } from './crm-records.ts'
import { PAGE_SIZE } from './deliveries.ts'

export interface CustomerRow {
  id: string
  name: string | null
  phone: string | null
  last_contact_at: Date | null
  conversations: number
  messages: number
  appointments: number
  /** Contact sync state per CRM: `{hubspot: {status, crm_id}}`. */
  records: Record<string, { status: string, crm_id: string | null }>
}

/** Customers by id, keyset-paginated (the primary key keeps every page cheap). */
export async function listCustomers (db: pg.Pool, after?: string): Promise<{ rows: CustomerRow[], next?: string }> {
  const { rows } = await db.query<CustomerRow>(`
    SELECT c.id, c.name, c.phone, c.last_contact_at,
      (SELECT count(*)::int FROM conversations v WHERE v.customer_id = c.id) AS conversations,
      (SELECT count(*)::int FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.customer_id = c.id) AS messages,
      (SELECT count(*)::int FROM appointments a WHERE a.customer_id = c.id) AS appointments,
      (SELECT coalesce(jsonb_object_agg(r.crm, jsonb_build_object('status', r.status, 'crm_id', r.crm_id)), '{}'::jsonb)
         FROM crm_records r WHERE r.entity_type = 'contact' AND r.entity_id = c.id) AS records
    FROM customers c
    WHERE ($1::text IS NULL OR c.id > $1)
    ORDER BY c.id
    LIMIT $2`, [after ?? null, PAGE_SIZE + 1])
  const page = rows.slice(0, PAGE_SIZE)
  return { rows: page, next: rows.length > PAGE_SIZE ? page.at(-1)?.id : undefined }
}

export interface CustomerDetail {
  customer: { id: string, name: string | null, phone: string | null, last_contact_at: Date | null, updated_at: Date }
  conversations: Array<{ id: string, channel: string | null, status: string | null, tags: string[], closed_at: Date | null, close_reason: string | null, last_event_at: Date, messages: number }>
  appointments: Array<{ id: string, starts_at: Date, duration_minutes: number, service: string, booked_at: Date }>
  /** The contact's and its appointments' records, one row per CRM. */
  records: CrmRecordRow[]
  /** Message records summarised per CRM and status (a customer may have thousands). */
  messageRecords: Array<{ crm: string, status: string, count: number }>
}

export async function getCustomer (db: pg.Pool, id: string): Promise<CustomerDetail | undefined> {
  const customer = await db.query<CustomerDetail['customer']>(
    'SELECT id, name, phone, last_contact_at, updated_at FROM customers WHERE id = $1', [id])
  if (!customer.rows[0]) return undefined
  const [conversations, appointments, records, messageRecords] = await Promise.all([
    db.query<CustomerDetail['conversations'][number]>(`
      SELECT v.id, v.channel, v.status, v.tags, v.closed_at, v.close_reason, v.last_event_at,
             (SELECT count(*)::int FROM messages m WHERE m.conversation_id = v.id) AS messages
      FROM conversations v WHERE v.customer_id = $1 ORDER BY v.last_event_at DESC LIMIT 200`, [id]),
    db.query<CustomerDetail['appointments'][number]>(`
      SELECT id, starts_at, duration_minutes, service, booked_at
      FROM appointments WHERE customer_id = $1 ORDER BY starts_at DESC LIMIT 200`, [id]),
    db.query<CrmRecordRow>(`
      SELECT crm, entity_type, entity_id, status, crm_id, attempts, last_error, synced_at, last_attempt_at
      FROM crm_records r
      WHERE (r.entity_type = 'contact' AND r.entity_id = $1)
         OR (r.entity_type = 'appointment' AND r.entity_id IN (SELECT a.id FROM appointments a WHERE a.customer_id = $1))
      ORDER BY r.entity_type = 'contact' DESC, r.entity_id, r.crm`, [id]),
    db.query<CustomerDetail['messageRecords'][number]>(`
      SELECT r.crm, r.status, count(*)::int AS count
      FROM crm_records r
      JOIN messages m ON r.entity_type = 'message' AND r.entity_id = m.id
      JOIN conversations v ON v.id = m.conversation_id
      WHERE v.customer_id = $1
      GROUP BY r.crm, r.status ORDER BY r.crm, r.status`, [id])
  ])
  return {
    customer: customer.rows[0],
    conversations: conversations.rows,
    appointments: appointments.rows,
    records: records.rows,
    messageRecords: messageRecords.rows
  }
}
