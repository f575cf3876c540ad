import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { StoryJob, StoryRecord } from '../../src/admin/queries/sync-story.ts'
import { syncCell } from '../../src/admin/sync-verdict.ts'

const now = new Date('2024-06-01T12:00:00Z')
const record = (fields: Partial<StoryRecord>): StoryRecord => ({
  crm: 'hubspot', entity_type: 'contact', entity_id: 'c1', status: 'synced', crm_id: null, attempts: 0, last_error: null, synced_at: null, last_attempt_at: null, trace_id: null, ...fields
})
const job = (fields: Partial<StoryJob>): StoryJob => ({
  queue: 'sync-hubspot', key: 'contact:c1', state: 'created', created_on: new Date('2024-06-01T11:59:00Z'), start_after: now, retry_count: 0, ...fields
})

test('when a record is synced and nothing is queued, then it is in the CRM under its id', () => {
  const cell = syncCell('hubspot', record({ crm_id: '901', synced_at: now }), undefined, now)
  assert.equal(cell.verdict, 'synced')
  assert.match(cell.text, /^in hubspot as 901, synced 2024-06-01 12:00:00Z$/)
})

test('when a sync job waits or runs, then the record is pending, also on top of an older synced state', () => {
  assert.match(syncCell('hubspot', undefined, job({}), now).text, /^queued since 2024-06-01 11:59:00Z$/)
  assert.match(syncCell('hubspot', record({ crm_id: '901' }), job({}), now).text, /^in hubspot as 901; a newer change is queued since/)
  assert.equal(syncCell('hubspot', undefined, job({ state: 'active' }), now).text, 'being written to hubspot now')
})

test('when the last attempt failed and a retry waits, then the error and the next try are named', () => {
  const cell = syncCell('hubspot', record({ status: 'retrying', attempts: 3, last_error: 'CrmRetryableError: HubSpot 503' }), job({ state: 'retry', start_after: new Date('2024-06-01T12:05:00Z') }), now)
  assert.equal(cell.verdict, 'retrying')
  assert.equal(cell.text, 'attempt 3 failed: CrmRetryableError: HubSpot 503; next try in 5 min')
})

test('when the CRM gave up, then the attempts and the last error are named with what to do', () => {
  const cell = syncCell('hubspot', record({ status: 'dead', attempts: 16, last_error: 'CrmPermanentError: bad email' }), undefined, now)
  assert.equal(cell.verdict, 'dead')
  assert.match(cell.text, /^gave up after 16 attempts: CrmPermanentError: bad email; replay it/)
})

test('when there is neither a record nor a job, then it was never queued', () => {
  assert.equal(syncCell('salesforce', undefined, undefined, now).verdict, 'missing')
})

test('when a record waits with no job (for its contact, or for its CRM to answer), then it is pending and says what for', () => {
  const cell = syncCell('hubspot', record({ entity_type: 'message', status: 'waiting', last_error: 'waiting for contact: it goes as soon as its contact is in the CRM' }), undefined, now)
  assert.equal(cell.verdict, 'pending')
  assert.equal(cell.text, 'waiting for contact: it goes as soon as its contact is in the CRM')
})
