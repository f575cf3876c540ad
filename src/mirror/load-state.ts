import type pg from 'pg'
import type { AppointmentState, ContactState, MessageState } from './states.ts'

/**
 * Reads the CURRENT state of entities from the mirror, in the shape connectors write.
 * State-based sync: whatever events led here, the CRM gets this.
 */

/**
 * A contact's last message is the newest of its conversations' newest: each found through
 * `messages_conversation`, whatever the statistics say. Joined flat, the planner estimated
 * from a fresh table's statistics and scanned every message once per contact — seconds a
 * batch in a burst's first minute.
 */
export async function loadContacts (db: pg.ClientBase | pg.Pool, ids: string[]): Promise<Map<string, ContactState>> {
  if (ids.length === 0) return new Map()
  const { rows } = await db.query(`
    SELECT c.id, c.name, c.phone, c.last_contact_at, lc.id AS conversation_id, lc.status, lc.tags, lm.content AS last_message
    FROM customers c
    LEFT JOIN LATERAL (
      SELECT v.id, v.status, v.tags FROM conversations v
      WHERE v.customer_id = c.id ORDER BY v.last_event_at DESC, v.id DESC LIMIT 1
    ) lc ON true
    LEFT JOIN LATERAL (
      SELECT last.content FROM conversations v
      CROSS JOIN LATERAL (
        SELECT m.content, m.sent_at, m.id FROM messages m
        WHERE m.conversation_id = v.id ORDER BY m.sent_at DESC, m.id DESC LIMIT 1
      ) last
      WHERE v.customer_id = c.id ORDER BY last.sent_at DESC, last.id DESC LIMIT 1
    ) lm ON true
    WHERE c.id = ANY($1::text[])`, [ids])
  return new Map(rows.map((row): [string, ContactState] => [row.id, {
    customerId: row.id,
    name: row.name,
    phone: row.phone,
    conversationId: row.conversation_id,
    conversationStatus: row.status,
    conversationTags: row.tags ?? [],
    lastMessage: row.last_message,
    lastContactAt: row.last_contact_at?.toISOString() ?? null
  }]))
}

export async function loadMessages (db: pg.ClientBase | pg.Pool, ids: string[]): Promise<Map<string, MessageState>> {
  if (ids.length === 0) return new Map()
  const { rows } = await db.query(`
    SELECT m.id, m.conversation_id, v.customer_id, m.sender, m.content, m.channel, m.sent_at
    FROM messages m JOIN conversations v ON v.id = m.conversation_id
    WHERE m.id = ANY($1::text[])`, [ids])
  return new Map(rows.map((row): [string, MessageState] => [row.id, {
    messageId: row.id,
    conversationId: row.conversation_id,
    customerId: row.customer_id,
    sender: row.sender,
    content: row.content,
    channel: row.channel,
    sentAt: row.sent_at.toISOString()
  }]))
}

export async function loadAppointments (db: pg.ClientBase | pg.Pool, ids: string[]): Promise<Map<string, AppointmentState>> {
  if (ids.length === 0) return new Map()
  const { rows } = await db.query(`
    SELECT id, customer_id, conversation_id, starts_at, duration_minutes, service, booked_at
    FROM appointments WHERE id = ANY($1::text[])`, [ids])
  return new Map(rows.map((row): [string, AppointmentState] => [row.id, {
    appointmentId: row.id,
    conversationId: row.conversation_id,
    customerId: row.customer_id,
    startsAt: row.starts_at.toISOString(),
    durationMinutes: row.duration_minutes,
    service: row.service,
    bookedAt: row.booked_at.toISOString()
  }]))
}
