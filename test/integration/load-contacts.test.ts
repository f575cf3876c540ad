import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { createPool } from '../../src/db/pool.ts'
import { loadContacts } from '../../src/mirror/load-state.ts'
import { upsertConversation, upsertCustomer, upsertMessage } from '../../src/mirror/upserts.ts'
import { rolledBackClient } from '../helpers/rolled-back.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'
import { testLogger } from '../helpers/test-logger.ts'

// The contact state every CRM write starts from, read from a real PostgreSQL.
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

const at = (second: number) => `2024-03-15T10:00:${String(second).padStart(2, '0')}.000Z`
const message = (id: string, conversationId: string, second: number) =>
  ({ id, conversationId, sender: 'customer', content: `text of ${id}`, channel: 'sms', at: at(second) })

test('when a customer has several conversations, then the last message is the newest of all of them, the larger id breaking a tie', async (t) => {
  const db = await rolledBackClient(t, pool)
  await upsertCustomer(db, { id: 'c1', name: 'Ada', at: at(0) })
  await upsertConversation(db, { id: 'v_old', customerId: 'c1', channel: 'sms', status: 'open', at: at(0) })
  await upsertConversation(db, { id: 'v_new', customerId: 'c1', channel: 'sms', status: 'open', at: at(1) })
  await upsertMessage(db, message('m_a', 'v_new', 10))
  await upsertMessage(db, message('m_c', 'v_old', 20))
  await upsertMessage(db, message('m_b', 'v_new', 20))
  await upsertMessage(db, message('m_old', 'v_old', 5))
  // Another customer's newer message is not theirs.
  await upsertCustomer(db, { id: 'c2', at: at(0) })
  await upsertConversation(db, { id: 'v_other', customerId: 'c2', at: at(0) })
  await upsertMessage(db, message('m_z', 'v_other', 30))
  await upsertCustomer(db, { id: 'c3', name: 'Quiet', at: at(0) })
  await upsertConversation(db, { id: 'v_quiet', customerId: 'c3', at: at(0) })

  const contacts = await loadContacts(db, ['c1', 'c3', 'c_unknown'])
  assert.equal(contacts.get('c1')?.lastMessage, 'text of m_c', 'both at :20 — m_c sorts after m_b')
  assert.equal(contacts.get('c1')?.conversationId, 'v_old', 'both conversations last moved at :20: the larger id breaks the tie')
  assert.equal(contacts.get('c3')?.lastMessage, null, 'no message yet')
  assert.equal(contacts.has('c_unknown'), false)
})
