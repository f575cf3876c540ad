import assert from 'node:assert/strict'
import { test } from 'node:test'
import { arrivedWithin, type SyncJob } from '../../src/sync/sync-queue.ts'

const WINDOW_MS = 5000
const contact: SyncJob = { type: 'contact', id: 'cust_1' }

// pg-boss stamps both marks with the database's clock; the worker's own clock may be far off.
const databaseNow = Date.now() - 3_600_000
const fetchedAfter = (queuedMsBefore: number, data: SyncJob = contact) =>
  ({ data, createdOn: new Date(databaseNow - queuedMsBefore), startedOn: new Date(databaseNow) })

test('when the database clock is an hour behind the worker, then a change queued a second before its fetch still counts as arriving', () => {
  assert.equal(arrivedWithin(fetchedAfter(1000), WINDOW_MS), true)
})

test('when a job waited longer than the window before its fetch, then it is a backlog\'s, not an arrival', () => {
  assert.equal(arrivedWithin(fetchedAfter(WINDOW_MS + 1), WINDOW_MS), false)
})

test('when a job is a read again (held, put off, a CRM failure\'s retry), then it never counts as arriving', () => {
  for (const mark of [{ held: true }, { recheck: true }, { retry: true }]) {
    assert.equal(arrivedWithin(fetchedAfter(10, { ...contact, ...mark }), WINDOW_MS), false, JSON.stringify(mark))
  }
})
