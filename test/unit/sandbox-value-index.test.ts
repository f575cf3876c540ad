import assert from 'node:assert/strict'
import { test } from 'node:test'
import { OBJECT_TYPES } from '../../src/sandbox/hubspot/object-types.ts'
import { createHubspotStore } from '../../src/sandbox/hubspot/store.ts'

// The sandbox finds records by value through an index (src/sandbox/value-index.ts); it must
// answer exactly what a scan would, through creates, updates, deletes and resets.
const contacts = OBJECT_TYPES.find((type) => type.name === 'contacts')!

test('when a record is created, changed, deleted and the portal reset, then lookups by value follow every step', () => {
  const store = createHubspotStore()
  assert.equal(store.findBy(contacts, 'email', 'a@example.com'), undefined)
  const first = store.create(contacts, { email: 'a@example.com' })
  assert.equal(store.findBy(contacts, 'email', 'a@example.com')?.id, first.id)
  store.update(contacts, first, { email: 'b@example.com' })
  assert.equal(store.findBy(contacts, 'email', 'a@example.com'), undefined)
  assert.equal(store.findBy(contacts, 'email', 'b@example.com')?.id, first.id)
  store.remove(contacts, first.id)
  assert.equal(store.findBy(contacts, 'email', 'b@example.com'), undefined)
  store.create(contacts, { email: 'c@example.com' })
  store.reset()
  assert.equal(store.findBy(contacts, 'email', 'c@example.com'), undefined)
})

test('when two records share a value, then the first created is found, as a scan in creation order finds it', () => {
  const store = createHubspotStore()
  const older = store.create(contacts, { firstname: 'Sam' })
  const newer = store.create(contacts, { firstname: 'Sam' })
  // Updating the older one re-indexes it last; it is still the one found.
  store.update(contacts, older, { firstname: 'Sam', lastname: 'Older' })
  assert.equal(store.findBy(contacts, 'firstname', 'Sam')?.id, older.id)
  store.remove(contacts, older.id)
  assert.equal(store.findBy(contacts, 'firstname', 'Sam')?.id, newer.id)
})
