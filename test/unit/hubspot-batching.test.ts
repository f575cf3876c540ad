import assert from 'node:assert/strict'
import { test } from 'node:test'
import { chunk } from '../../src/chunk.ts'
import { coalesce } from '../../src/crm/hubspot/batch-upsert.ts'
import { hubspotRecordUrl } from '../../src/crm/hubspot/record-url.ts'

test('when 250 inputs are chunked by 100, then there are batches of 100, 100 and 50', () => {
  const items = Array.from({ length: 250 }, (_, i) => i)
  assert.deepEqual(chunk(items, 100).map((batch) => batch.length), [100, 100, 50])
})

test('when a key repeats, then coalescing keeps one entry per key with the last value', () => {
  const items = [{ id: 'a', v: 1 }, { id: 'b', v: 2 }, { id: 'a', v: 3 }]
  assert.deepEqual(coalesce(items, (item) => item.id), [{ id: 'a', v: 3 }, { id: 'b', v: 2 }])
})

test('when the portal id is known, then contacts and 0-421 appointments link to their record page', () => {
  assert.equal(hubspotRecordUrl('123', 'meetings', 'contact', '51'), 'https://app.hubspot.com/contacts/123/record/0-1/51')
  assert.equal(hubspotRecordUrl(123, 'appointments', 'appointment', '7'), 'https://app.hubspot.com/contacts/123/record/0-421/7')
})

test('when the portal id is unknown or the record is an engagement, then there is no link', () => {
  assert.equal(hubspotRecordUrl(undefined, 'meetings', 'contact', '51'), undefined)
  assert.equal(hubspotRecordUrl('123', 'meetings', 'message', '51'), undefined)
  assert.equal(hubspotRecordUrl('123', 'meetings', 'appointment', '51'), undefined)
})
