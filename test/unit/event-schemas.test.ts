import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseEvent } from '../../src/events/schemas.ts'
import { seedEvent, seedEventTypes } from '../../src/events/seed-events.ts'

for (const type of seedEventTypes) {
  test(`when the seed's ${type} sample is parsed, then it is a valid event`, () => {
    const parsed = parseEvent(seedEvent(type))
    assert.equal(parsed.kind, 'event')
    assert.equal(parsed.kind === 'event' && parsed.event.event, type)
  })

  test(`when ${type} carries extra fields, then they are tolerated`, () => {
    const sample = seedEvent(type)
    const parsed = parseEvent({ ...sample, webhook_id: 'wh_1', data: { ...sample.data, brand_new_field: { nested: true } } })
    assert.equal(parsed.kind, 'event')
  })
}

test('when a required field is missing, then it is invalid and the error names the field', () => {
  const sample = seedEvent('message.received')
  const { message_id: _, ...data } = sample.data
  const parsed = parseEvent({ ...sample, data })
  assert.equal(parsed.kind, 'invalid')
  assert.match(parsed.kind === 'invalid' ? parsed.error : '', /data\.message_id/)
})

test('when the appointment time is not an ISO instant, then it is invalid', () => {
  const sample = seedEvent('appointment.booked')
  const parsed = parseEvent({ ...sample, data: { ...sample.data, appointment_time: 'tomorrow at 2' } })
  assert.equal(parsed.kind, 'invalid')
})

test('when the event type is unknown but the envelope is sound, then it is unknown-type (kept, ignored)', () => {
  const parsed = parseEvent({ event: 'call.completed', timestamp: '2024-03-15T10:30:00Z', data: { call_id: 'c1' } })
  assert.deepEqual(parsed, { kind: 'unknown-type', eventType: 'call.completed', timestamp: '2024-03-15T10:30:00Z' })
})

test('when the body is not an event envelope, then it is invalid', () => {
  for (const body of [null, [], 'text', 42, {}, { event: 'message.received' }, { event: 'message.received', timestamp: 'yesterday', data: {} }]) {
    assert.equal(parseEvent(body).kind, 'invalid', JSON.stringify(body))
  }
})
