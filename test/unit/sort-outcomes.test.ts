import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sortOutcomes } from '../../src/sync/sort-outcomes.ts'
import type { EntityOutcome } from '../../src/sync/sync-batch.ts'

const down = { ok: false, error: 'connect ECONNREFUSED', retryable: true, whole: 'down' } as const
const own = { ok: false, error: 'INVALID_EMAIL', retryable: true } as const

function sort (entries: Array<[string, EntityOutcome]>, context: { lastAttempt?: string[], crmDown?: boolean } = {}) {
  return sortOutcomes(new Map(entries), { versions: new Map([['contact:c1', 7]]), lastAttempt: new Set(context.lastAttempt), crmDown: context.crmDown ?? false })
}

test('when records were written, put off or already in the CRM, then each lands in its own list with what the worker records', () => {
  const sorted = sort([
    ['contact:c1', { ok: true, crmId: '101', hash: 'h1', skipped: ['phone'] }],
    ['message:m1', { ok: true, crmId: '201', hash: 'h2' }],
    ['message:m2', { ok: true, unchanged: true }],
    ['appointment:a1', { ok: true, missing: true }],
    ['contact:c2', { ok: true, deferred: true }],
    ['contact:c3', { ok: true, arriving: true, waitMs: 2500 }],
    ['message:m3', { ok: true, held: true }]
  ])
  assert.deepEqual(sorted.synced, [
    { ref: { type: 'contact', id: 'c1' }, crmId: '101', hash: 'h1', version: 7, skipped: ['phone'] },
    { ref: { type: 'message', id: 'm1' }, crmId: '201', hash: 'h2', version: 0, skipped: [] }
  ])
  assert.equal(sorted.unchanged, 2, 'unchanged and gone from the mirror: nothing to record')
  assert.deepEqual(sorted.deferred, [{ type: 'contact', id: 'c2' }])
  assert.deepEqual(sorted.arriving, [{ ref: { type: 'contact', id: 'c3' }, waitMs: 2500 }])
  assert.deepEqual(sorted.held, [{ type: 'message', id: 'm3' }])
  assert.deepEqual([sorted.failed, sorted.parked, sorted.waitingForContact], [[], [], []])
})

test('when the CRM failed as a whole, then its records are parked while it is down or on their last attempt, and read again otherwise, never failed', () => {
  const parked = sort([['contact:c1', down]], { crmDown: true })
  assert.deepEqual([parked.parked, parked.crmFailed, parked.failed], [[{ type: 'contact', id: 'c1' }], [], []])
  assert.deepEqual(sort([['contact:c1', down]], { lastAttempt: ['contact:c1'] }).parked, [{ type: 'contact', id: 'c1' }], 'never dead for the CRM\'s sake')
  const rateLimited = { ok: false, error: 'HubSpot answered 429', retryable: true, whole: 'rate-limited' } as const
  const early = sort([['contact:c1', down], ['contact:c2', rateLimited]])
  assert.deepEqual(early.parked, [])
  assert.deepEqual(early.failed, [], 'the CRM\'s failure spends no attempt of the record\'s and does not grow its backoff')
  assert.deepEqual(early.crmFailed, [{ ref: { type: 'contact', id: 'c1' }, error: down.error }, { ref: { type: 'contact', id: 'c2' }, error: rateLimited.error }])
})

test('when a record failed for itself, then it retries, and is dead when the CRM rejected it or on its last attempt', () => {
  const sorted = sort([
    ['contact:c1', own],
    ['contact:c2', own],
    ['contact:c3', { ...own, retryable: false }]
  ], { lastAttempt: ['contact:c2'], crmDown: true })
  assert.deepEqual(sorted.failed.map((item) => [item.ref.id, item.dead]), [['c1', false], ['c2', true], ['c3', true]], 'a record\'s own error is not parked, even while the CRM is down')
  assert.deepEqual(sorted.parked, [])
})

test('when a record waits for its contact, then it waits visibly, on any attempt, and never fails or dies for it', () => {
  const waiting = { ok: false, error: 'waiting for contact c9', retryable: true, waitingFor: 'c9' } as const
  for (const lastAttempt of [[], ['message:m1']]) {
    const sorted = sort([['message:m1', waiting]], { lastAttempt })
    assert.deepEqual(sorted.waitingForContact, [{ type: 'message', id: 'm1' }])
    assert.deepEqual(sorted.failed, [])
  }
})
