import assert from 'node:assert/strict'
import { test } from 'node:test'
import { callsFor, roomIn } from '../../src/sync/call-room.ts'

const hubspot = { recordsPerCall: 100 }
const salesforce = { recordsPerCall: 1000, recordsPerCollection: 200 }

test('when each kind goes in calls of its own, then a kind takes a call per 100 records, and another kind never shares it', () => {
  assert.equal(callsFor(hubspot, [0], false), 0)
  assert.equal(callsFor(hubspot, [1], false), 1)
  assert.equal(callsFor(hubspot, [100, 1], false), 2)
  assert.equal(callsFor(hubspot, [101, 0], false), 2)
})

test('when kinds share Composite calls, then each kind fills collections of 200 and a call takes five of them, whatever their kinds', () => {
  assert.equal(callsFor(salesforce, [0, 0, 0], true), 0)
  assert.equal(callsFor(salesforce, [383, 617, 0], true), 2, '2 + 4 collections: one too many for a call')
  assert.equal(callsFor(salesforce, [400, 600, 0], true), 1)
  assert.equal(callsFor(salesforce, [1, 1, 1], true), 1)
})

test('when calls go anyway, then the room in them is what a kind can add without one more call; with no call, none', () => {
  assert.equal(roomIn(hubspot, [1], 0, 500, false), 99)
  assert.equal(roomIn(hubspot, [100], 0, 500, false), 0)
  assert.equal(roomIn(hubspot, [0], 0, 500, false), 0, 'no call is made: a put-off contact would cost one')
  assert.equal(roomIn(hubspot, [1], 0, 5, false), 5, 'at most what there is')
  // 17 contacts and 700 Tasks: 1 + 4 collections. More contacts fill their collection (183), no new one.
  assert.equal(roomIn(salesforce, [17, 700, 0], 0, 1000, true), 183)
  assert.equal(roomIn(salesforce, [17, 500, 0], 0, 1000, true), 383, 'a fifth collection is free too')
  assert.equal(roomIn(salesforce, [0, 0, 5], 0, 1000, true), 800, 'a call of Events has four collections free for contacts')
})
