import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { eventTypes, parseEvent } from '../../src/events/schemas.ts'

const id = fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/)
const instant = fc.date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true }).map((date) => date.toISOString())

test('when a body is any JSON value at all, then parsing classifies it without throwing', () => {
  fc.assert(fc.property(fc.jsonValue({ maxDepth: 6 }), (value) => {
    assert.ok(['event', 'unknown-type', 'invalid'].includes(parseEvent(value).kind))
  }))
})

test('when a known event has a sound envelope but random data, then it is either a valid event or invalid with a reason', () => {
  fc.assert(fc.property(fc.constantFrom(...eventTypes), instant, fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (event, timestamp, data) => {
    const parsed = parseEvent({ event, timestamp, data })
    if (parsed.kind === 'invalid') assert.ok(parsed.error.length > 0)
    else assert.equal(parsed.kind, 'event')
  }))
})

test('when message.received has every field it needs plus extras, then it is valid and keeps the values', () => {
  fc.assert(fc.property(id, id, fc.string({ maxLength: 500 }), fc.constantFrom('sms', 'whatsapp', 'email'), instant, fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 2 })), (conversation, message, content, channel, timestamp, extras) => {
    const data = { ...extras, conversation_id: conversation, message_id: message, sender: 'customer', content, channel }
    const parsed = parseEvent({ event: 'message.received', timestamp, data })
    assert.equal(parsed.kind, 'event')
    if (parsed.kind === 'event' && parsed.event.event === 'message.received') assert.equal(parsed.event.data.content, content)
  }))
})
