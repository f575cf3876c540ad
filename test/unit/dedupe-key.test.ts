import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { test } from 'node:test'
import { canonicalJson, eventDedupeKey, rawDedupeKey } from '../../src/events/dedupe-key.ts'
import { seedEvent } from '../../src/events/seed-events.ts'

const event = seedEvent('appointment.booked')

test('when keys are reordered or whitespace changes, then the dedupe key is the same', () => {
  const reordered = JSON.parse(JSON.stringify({ data: Object.fromEntries(Object.entries(event.data).reverse()), timestamp: event.timestamp, event: event.event }))
  const spaced = JSON.parse(JSON.stringify(event, null, 4))
  assert.deepEqual(eventDedupeKey(reordered), eventDedupeKey(event))
  assert.deepEqual(eventDedupeKey(spaced), eventDedupeKey(event))
})

test('when any data field changes, then the dedupe key changes', () => {
  for (const field of Object.keys(event.data)) {
    const changed = { ...event, data: { ...event.data, [field]: `${String(event.data[field])}x` } }
    assert.notDeepEqual(eventDedupeKey(changed), eventDedupeKey(event), field)
  }
})

test('when the event type or timestamp changes, then the dedupe key changes', () => {
  assert.notDeepEqual(eventDedupeKey({ ...event, timestamp: '2024-03-15T10:35:01Z' }), eventDedupeKey(event))
  assert.notDeepEqual(eventDedupeKey({ ...event, event: 'appointment.rebooked' }), eventDedupeKey(event))
})

test('when fields outside {event, timestamp, data} differ, then the dedupe key is the same', () => {
  assert.deepEqual(eventDedupeKey({ ...event, delivery_attempt: 2 } as typeof event), eventDedupeKey(event))
})

test('when canonicalising, then nested keys are sorted and arrays keep their order', () => {
  assert.equal(canonicalJson({ b: [3, { z: 1, a: 2 }], a: 'x' }), '{"a":"x","b":[3,{"a":2,"z":1}]}')
})

test('when a body is quarantined, then its key is the SHA-256 of the raw bytes', () => {
  assert.deepEqual(rawDedupeKey(Buffer.from('not json')), createHash('sha256').update('not json').digest())
  assert.notDeepEqual(rawDedupeKey(Buffer.from('a')), rawDedupeKey(Buffer.from('b')))
  assert.equal(rawDedupeKey(Buffer.from('x')).length, 32)
})
