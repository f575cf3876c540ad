import type pg from 'pg'
import { prepared } from '../db/prepared.ts'

/**
 * Last-writer-wins upserts. Every independently updated field carries the timestamp of
 * the event that set it and is only replaced by a strictly newer event, so duplicates
 * and out-of-order deliveries converge on the same state.
 */

const UPSERT_CUSTOMER = prepared(`
    INSERT INTO customers AS c (id, name, name_at, phone, phone_at, last_contact_at)
    VALUES ($1, $2::text, CASE WHEN $2::text IS NULL THEN NULL ELSE $4::timestamptz END,
            $3::text, CASE WHEN $3::text IS NULL THEN NULL ELSE $4::timestamptz END, $4::timestamptz)
    ON CONFLICT (id) DO UPDATE SET
      name = CASE WHEN EXCLUDED.name_at > coalesce(c.name_at, '-infinity') THEN EXCLUDED.name ELSE c.name END,
      name_at = GREATEST(c.name_at, EXCLUDED.name_at),
      phone = CASE WHEN EXCLUDED.phone_at > coalesce(c.phone_at, '-infinity') THEN EXCLUDED.phone ELSE c.phone END,
      phone_at = GREATEST(c.phone_at, EXCLUDED.phone_at),
      last_contact_at = GREATEST(c.last_contact_at, EXCLUDED.last_contact_at),
      updated_at = now()`)

export async function upsertCustomer (db: pg.ClientBase, input: { id: string, name?: string | null, phone?: string | null, at: string }): Promise<void> {
  await db.query(UPSERT_CUSTOMER([input.id, input.name ?? null, input.phone ?? null, input.at]))
}

export interface ConversationFacts {
  id: string
  customerId: string
  at: string
  channel?: string | null
  status?: string | null
  tags?: string[] | null
  closedAt?: string | null
  closeReason?: string | null
}

const UPSERT_CONVERSATION = prepared(`
    INSERT INTO conversations AS v (id, customer_id, channel, status, status_at, tags, tags_at, closed_at, close_reason, last_event_at)
    VALUES ($1, $2, $3::text, $4::text, CASE WHEN $4::text IS NULL THEN NULL ELSE $5::timestamptz END,
            coalesce($6::text[], '{}'), CASE WHEN $6::text[] IS NULL THEN NULL ELSE $5::timestamptz END,
            $7::timestamptz, $8::text, $5::timestamptz)
    ON CONFLICT (id) DO UPDATE SET
      channel = coalesce(v.channel, EXCLUDED.channel),
      status = CASE WHEN EXCLUDED.status_at > coalesce(v.status_at, '-infinity') THEN EXCLUDED.status ELSE v.status END,
      status_at = GREATEST(v.status_at, EXCLUDED.status_at),
      tags = CASE WHEN EXCLUDED.tags_at > coalesce(v.tags_at, '-infinity') THEN EXCLUDED.tags ELSE v.tags END,
      tags_at = GREATEST(v.tags_at, EXCLUDED.tags_at),
      -- A close carries its status: it wins only when its status does (last writer wins).
      closed_at = CASE WHEN EXCLUDED.closed_at IS NOT NULL AND EXCLUDED.status_at >= coalesce(v.status_at, '-infinity') THEN EXCLUDED.closed_at ELSE v.closed_at END,
      close_reason = CASE WHEN EXCLUDED.closed_at IS NOT NULL AND EXCLUDED.status_at >= coalesce(v.status_at, '-infinity') THEN EXCLUDED.close_reason ELSE v.close_reason END,
      last_event_at = GREATEST(v.last_event_at, EXCLUDED.last_event_at),
      updated_at = now()`)

/** For events that name the customer (created, closed): creates the conversation if new. */
export async function upsertConversation (db: pg.ClientBase, input: ConversationFacts): Promise<void> {
  await db.query(UPSERT_CONVERSATION([input.id, input.customerId, input.channel ?? null, input.status ?? null, input.at, input.tags ?? null, input.closedAt ?? null, input.closeReason ?? null]))
}

const UPDATE_CONVERSATION = prepared(`
    UPDATE conversations AS v SET
      status = CASE WHEN $2::text IS NOT NULL AND $4::timestamptz > coalesce(v.status_at, '-infinity') THEN $2::text ELSE v.status END,
      status_at = CASE WHEN $2::text IS NOT NULL THEN GREATEST(v.status_at, $4::timestamptz) ELSE v.status_at END,
      tags = CASE WHEN $3::text[] IS NOT NULL AND $4::timestamptz > coalesce(v.tags_at, '-infinity') THEN $3::text[] ELSE v.tags END,
      tags_at = CASE WHEN $3::text[] IS NOT NULL THEN GREATEST(v.tags_at, $4::timestamptz) ELSE v.tags_at END,
      last_event_at = GREATEST(v.last_event_at, $4::timestamptz),
      updated_at = now()
    WHERE id = $1
    RETURNING customer_id`)

/** For conversation.updated, which does not name the customer: returns the customer, or undefined if unknown. */
export async function updateConversation (db: pg.ClientBase, input: Omit<ConversationFacts, 'customerId'>): Promise<string | undefined> {
  const { rows } = await db.query<{ customer_id: string }>(UPDATE_CONVERSATION([input.id, input.status ?? null, input.tags ?? null, input.at]))
  return rows[0]?.customer_id
}

const CUSTOMER_OF_CONVERSATION = prepared('SELECT customer_id FROM conversations WHERE id = $1')

export async function customerOfConversation (db: pg.ClientBase, conversationId: string): Promise<string | undefined> {
  const { rows } = await db.query<{ customer_id: string }>(CUSTOMER_OF_CONVERSATION([conversationId]))
  return rows[0]?.customer_id
}

const TOUCH_CONVERSATION = prepared('UPDATE conversations SET last_event_at = GREATEST(last_event_at, $2) WHERE id = $1')

const UPSERT_MESSAGE = prepared(`
    INSERT INTO messages AS m (id, conversation_id, sender, content, channel, sent_at)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (id) DO UPDATE SET
      sender = EXCLUDED.sender, content = EXCLUDED.content, channel = EXCLUDED.channel,
      sent_at = EXCLUDED.sent_at, updated_at = now()
    WHERE EXCLUDED.sent_at > m.sent_at`)

export async function upsertMessage (db: pg.ClientBase, input: { id: string, conversationId: string, sender: string, content: string, channel: string, at: string }): Promise<void> {
  await db.query(UPSERT_MESSAGE([input.id, input.conversationId, input.sender, input.content, input.channel, input.at]))
  await db.query(TOUCH_CONVERSATION([input.conversationId, input.at]))
}

const UPSERT_APPOINTMENT = prepared(`
    INSERT INTO appointments AS a (id, customer_id, conversation_id, starts_at, duration_minutes, service, booked_at)
    VALUES ($1, $2, $3, $4, $5, $6, $7)
    ON CONFLICT (id) DO UPDATE SET
      customer_id = EXCLUDED.customer_id, conversation_id = coalesce(EXCLUDED.conversation_id, a.conversation_id),
      starts_at = EXCLUDED.starts_at, duration_minutes = EXCLUDED.duration_minutes, service = EXCLUDED.service,
      booked_at = EXCLUDED.booked_at, updated_at = now()
    WHERE EXCLUDED.booked_at > a.booked_at`)

export async function upsertAppointment (db: pg.ClientBase, input: {
  id: string, customerId: string, conversationId?: string | null, startsAt: string, durationMinutes: number, service: string, at: string
}): Promise<void> {
  await db.query(UPSERT_APPOINTMENT([input.id, input.customerId, input.conversationId ?? null, input.startsAt, input.durationMinutes, input.service, input.at]))
}
