import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { createPool } from '../../src/db/pool.ts'
import { loadContacts } from '../../src/mirror/load-state.ts'
import { customerOfConversation, updateConversation, upsertAppointment, upsertConversation, upsertCustomer, upsertMessage } from '../../src/mirror/upserts.ts'
import { rolledBackClient } from '../helpers/rolled-back.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'
import { testLogger } from '../helpers/test-logger.ts'

// The last-writer-wins SQL and the state read back from it, on a real PostgreSQL, each test in a transaction of its own
// that is rolled back at its end.
let database: TestDatabase
let pool: pg.Pool
before(async () => {
  database = await createTestDatabase()
  pool = createPool({ connectionString: database.url, logger: testLogger() })
})
after(async () => {
  await pool.end()
  await database.drop()
})

const at = (minute: number) => `2024-03-15T10:${String(minute).padStart(2, '0')}:00.000Z`
const iso = (value: Date | null) => value?.toISOString() ?? null

async function customer (db: pg.ClientBase, id: string) {
  const { rows: [row] } = await db.query('SELECT name, name_at, phone, phone_at, last_contact_at FROM customers WHERE id = $1', [id])
  return row && { name: row.name, nameAt: iso(row.name_at), phone: row.phone, phoneAt: iso(row.phone_at), lastContactAt: iso(row.last_contact_at) }
}
async function conversation (db: pg.ClientBase, id: string) {
  const { rows: [row] } = await db.query('SELECT customer_id, channel, status, tags, closed_at, close_reason, last_event_at FROM conversations WHERE id = $1', [id])
  return row && { customerId: row.customer_id, channel: row.channel, status: row.status, tags: row.tags, closedAt: iso(row.closed_at), closeReason: row.close_reason, lastEventAt: iso(row.last_event_at) }
}
async function message (db: pg.ClientBase, id: string) {
  const { rows: [row] } = await db.query('SELECT sender, content, channel, sent_at FROM messages WHERE id = $1', [id])
  return row && { sender: row.sender, content: row.content, channel: row.channel, sentAt: iso(row.sent_at) }
}
async function appointment (db: pg.ClientBase, id: string) {
  const { rows: [row] } = await db.query('SELECT customer_id, conversation_id, starts_at, duration_minutes, service, booked_at FROM appointments WHERE id = $1', [id])
  return row && { customerId: row.customer_id, conversationId: row.conversation_id, startsAt: iso(row.starts_at), minutes: row.duration_minutes, service: row.service, bookedAt: iso(row.booked_at) }
}

test('when an older event arrives after a newer one, then it does not overwrite the newer name or phone', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c1', name: 'Ada Newer', phone: '+15550000002', at: at(10) })
  await upsertCustomer(db, { id: 'c1', name: 'Ada Older', phone: '+15550000001', at: at(5) })
  assert.deepEqual(await customer(db, 'c1'), { name: 'Ada Newer', nameAt: at(10), phone: '+15550000002', phoneAt: at(10), lastContactAt: at(10) })
})

test('when events carry different fields, then each field keeps the value of the newest event that set it', async (t) => {
  const db = await rolledBackClient(t, pool)
  // The older event is the only one with a phone: it fills the phone, not the name.
  await upsertCustomer(db, { id: 'c2', name: 'Grace', at: at(10) })
  await upsertCustomer(db, { id: 'c2', name: 'Grace Old', phone: '+15550000003', at: at(5) })
  // An event without a name (a message) moves only the last contact.
  await upsertCustomer(db, { id: 'c2', at: at(20) })
  assert.deepEqual(await customer(db, 'c2'), { name: 'Grace', nameAt: at(10), phone: '+15550000003', phoneAt: at(5), lastContactAt: at(20) })
})

test('when the same customer events arrive in every order, with duplicates, then the state is the same', async (t) => {
  const db = await rolledBackClient(t, pool)
  const events = [
    { name: 'Alan', at: at(1) },
    { name: 'Alan Turing', phone: '+15550000004', at: at(2) },
    { phone: '+15550000005', at: at(3) }
  ]
  const orders = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0], [2, 2, 1, 0, 0, 1]]
  const states = []
  for (const [n, order] of orders.entries()) {
    for (const index of order) await upsertCustomer(db, { id: `order_${n}`, ...events[index]!, at: events[index]!.at })
    states.push(await customer(db, `order_${n}`))
  }
  for (const state of states) {
    assert.deepEqual(state, { name: 'Alan Turing', nameAt: at(2), phone: '+15550000005', phoneAt: at(3), lastContactAt: at(3) })
  }
})

test('when a conversation update is older than the current status, then status and tags stay', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c3', name: 'Linus', at: at(0) })
  await upsertConversation(db, { id: 'v3', customerId: 'c3', channel: 'sms', status: 'open', at: at(0) })
  assert.equal(await updateConversation(db, { id: 'v3', status: 'closed', tags: ['resolved'], at: at(10) }), 'c3')
  assert.equal(await updateConversation(db, { id: 'v3', status: 'pending', tags: ['stale'], at: at(5) }), 'c3')
  // The creation event delivered again (a duplicate) changes nothing either.
  await upsertConversation(db, { id: 'v3', customerId: 'c3', channel: 'whatsapp', status: 'open', at: at(0) })
  assert.deepEqual(await conversation(db, 'v3'), {
    customerId: 'c3', channel: 'sms', status: 'closed', tags: ['resolved'], closedAt: null, closeReason: null, lastEventAt: at(10)
  })
})

test('when an update arrives before its conversation is known, then nothing is written and the caller is told', async (t) => {
  const db = await rolledBackClient(t, pool)
  assert.equal(await updateConversation(db, { id: 'v_unknown', status: 'closed', at: at(10) }), undefined)
  assert.equal(await customerOfConversation(db, 'v_unknown'), undefined)
  assert.equal(await conversation(db, 'v_unknown'), undefined)
})

test('when the creation arrives after a newer close, then the conversation stays closed', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c4', at: at(20) })
  await upsertConversation(db, { id: 'v4', customerId: 'c4', status: 'closed', closedAt: at(20), closeReason: 'resolved', at: at(20) })
  await upsertCustomer(db, { id: 'c4', name: 'Barbara', at: at(0) })
  await upsertConversation(db, { id: 'v4', customerId: 'c4', channel: 'sms', status: 'open', at: at(0) })
  assert.deepEqual(await conversation(db, 'v4'), {
    customerId: 'c4', channel: 'sms', status: 'closed', tags: [], closedAt: at(20), closeReason: 'resolved', lastEventAt: at(20)
  })
  assert.equal((await customer(db, 'c4'))?.name, 'Barbara')
})

test('when a late close is older than the close already stored, then the stored close time and reason stay', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c9', at: at(0) })
  await upsertConversation(db, { id: 'v9', customerId: 'c9', status: 'closed', closedAt: at(30), closeReason: 'resolved again', at: at(30) })
  await upsertConversation(db, { id: 'v9', customerId: 'c9', status: 'closed', closedAt: at(10), closeReason: 'first close', at: at(10) })
  const stored = await conversation(db, 'v9')
  assert.deepEqual([stored?.closedAt, stored?.closeReason], [at(30), 'resolved again'])
})

test('when a message is delivered again or an older version arrives, then the newest content stays', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c5', at: at(0) })
  await upsertConversation(db, { id: 'v5', customerId: 'c5', channel: 'sms', status: 'open', at: at(0) })
  await upsertMessage(db, { id: 'm5', conversationId: 'v5', sender: 'customer', content: 'edited', channel: 'sms', at: at(12) })
  await upsertMessage(db, { id: 'm5', conversationId: 'v5', sender: 'customer', content: 'original', channel: 'sms', at: at(11) })
  await upsertMessage(db, { id: 'm5', conversationId: 'v5', sender: 'customer', content: 'same time, other text', channel: 'sms', at: at(12) })
  assert.deepEqual(await message(db, 'm5'), { sender: 'customer', content: 'edited', channel: 'sms', sentAt: at(12) })
  // The conversation's last event moves forward with its messages, never back.
  assert.equal((await conversation(db, 'v5'))?.lastEventAt, at(12))
})

test('when a newer version of a message arrives, then it replaces the older one', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c6', at: at(0) })
  await upsertConversation(db, { id: 'v6', customerId: 'c6', at: at(0) })
  await upsertMessage(db, { id: 'm6', conversationId: 'v6', sender: 'customer', content: 'first', channel: 'sms', at: at(1) })
  await upsertMessage(db, { id: 'm6', conversationId: 'v6', sender: 'agent', content: 'second', channel: 'webchat', at: at(2) })
  assert.deepEqual(await message(db, 'm6'), { sender: 'agent', content: 'second', channel: 'webchat', sentAt: at(2) })
})

test('when bookings of one appointment arrive out of order, then the newest booking wins and the conversation is kept', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c7', at: at(0) })
  const booking = { id: 'a7', customerId: 'c7', durationMinutes: 60, service: 'Haircut' }
  await upsertAppointment(db, { ...booking, conversationId: 'v7', startsAt: '2024-03-16T14:00:00Z', at: at(10) })
  // A rebooking without a conversation keeps the one we know.
  await upsertAppointment(db, { ...booking, conversationId: null, startsAt: '2024-03-17T09:00:00Z', service: 'Beard trim', at: at(20) })
  // The original booking delivered late changes nothing.
  await upsertAppointment(db, { ...booking, conversationId: 'v7', startsAt: '2024-03-16T14:00:00Z', at: at(10) })
  await upsertAppointment(db, { ...booking, conversationId: 'v_other', startsAt: '2024-03-15T08:00:00Z', at: at(1) })
  assert.deepEqual(await appointment(db, 'a7'), {
    customerId: 'c7', conversationId: 'v7', startsAt: '2024-03-17T09:00:00.000Z', minutes: 60, service: 'Beard trim', bookedAt: at(20)
  })
})

// The contact state every CRM write starts from.
const sms = (id: string, conversationId: string, minute: number) =>
  ({ id, conversationId, sender: 'customer', content: `text of ${id}`, channel: 'sms', at: at(minute) })

test('when a customer has several conversations, then the last message is the newest of all of them, the larger id breaking a tie', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c1', name: 'Ada', at: at(0) })
  await upsertConversation(db, { id: 'v_old', customerId: 'c1', channel: 'sms', status: 'open', at: at(0) })
  await upsertConversation(db, { id: 'v_new', customerId: 'c1', channel: 'sms', status: 'open', at: at(1) })
  await upsertMessage(db, sms('m_a', 'v_new', 10))
  await upsertMessage(db, sms('m_c', 'v_old', 20))
  await upsertMessage(db, sms('m_b', 'v_new', 20))
  await upsertMessage(db, sms('m_old', 'v_old', 5))
  // Another customer's newer message is not theirs.
  await upsertCustomer(db, { id: 'c2', at: at(0) })
  await upsertConversation(db, { id: 'v_other', customerId: 'c2', at: at(0) })
  await upsertMessage(db, sms('m_z', 'v_other', 30))
  await upsertCustomer(db, { id: 'c3', name: 'Quiet', at: at(0) })
  await upsertConversation(db, { id: 'v_quiet', customerId: 'c3', at: at(0) })

  const contacts = await loadContacts(db, ['c1', 'c3', 'c_unknown'])
  assert.equal(contacts.get('c1')?.lastMessage, 'text of m_c', 'both at 10:20 — m_c sorts after m_b')
  assert.equal(contacts.get('c1')?.conversationId, 'v_old', 'both conversations last moved at 10:20: the larger id breaks the tie')
  assert.equal(contacts.get('c3')?.lastMessage, null, 'no message yet')
  assert.equal(contacts.has('c_unknown'), false)
})

test('when each test writes in its own rolled-back transaction, then nothing of the other tests is visible', async (t) => {
  const db = await rolledBackClient(t, pool)
  const { rows } = await db.query('SELECT (SELECT count(*) FROM customers)::int AS customers, (SELECT count(*) FROM appointments)::int AS appointments')
  assert.deepEqual(rows[0], { customers: 0, appointments: 0 })
})
