import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseEvent } from '../../src/events/schemas.ts'
import { generateEvents } from '../../src/simulator/generate-events.ts'

const parsed = (events: ReturnType<typeof generateEvents>) => events.map((event) => JSON.parse(event.body))

test('when generating twice with the same seed, then the bytes are identical; another seed differs', () => {
  const a = generateEvents({ customers: 20, randomSeed: 'seed-1', runId: 'r1' })
  const b = generateEvents({ customers: 20, randomSeed: 'seed-1', runId: 'r1' })
  const c = generateEvents({ customers: 20, randomSeed: 'seed-2', runId: 'r1' })
  assert.deepEqual(a.map((e) => e.body), b.map((e) => e.body))
  assert.notDeepEqual(a.map((e) => e.body), c.map((e) => e.body))
})

test('when generating, then every event is valid against the receiver\'s schemas and its type matches its body', () => {
  for (const event of generateEvents({ customers: 30, randomSeed: 3 })) {
    const result = parseEvent(JSON.parse(event.body))
    assert.equal(result.kind, 'event', event.body)
    assert.equal(JSON.parse(event.body).event, event.type)
  }
})

test('when generating, then each customer has created, messages, a booking and a close, in that order of time', () => {
  const events = generateEvents({ customers: 25, randomSeed: 4, runId: 'life' })
  const byConversation = Map.groupBy(events, (event) => event.conversationId)
  assert.equal(byConversation.size, 25)
  for (const [, conversation] of byConversation) {
    const types = conversation.map((event) => event.type)
    assert.equal(types[0], 'conversation.created')
    assert.equal(types.at(-1), 'conversation.closed')
    assert.equal(types.filter((type) => type === 'appointment.booked').length, 1)
    assert.ok(types.filter((type) => type === 'message.received').length >= 2)
    assert.ok(types.filter((type) => type === 'conversation.updated').length <= 1)
  }
})

test('when generating, then ids are unique and prefixed with the run id', () => {
  const bodies = parsed(generateEvents({ customers: 200, randomSeed: 5, runId: 'abc123' }))
  for (const [kind, key] of [['message.received', 'message_id'], ['appointment.booked', 'appointment_id'], ['conversation.created', 'conversation_id'], ['conversation.created', 'customer_id']] as const) {
    const ids = bodies.filter((body) => body.event === kind).map((body) => body.data[key] as string)
    assert.equal(new Set(ids).size, ids.length, `${key} unique`)
    assert.ok(ids.every((id) => id.includes('_abc123_')), `${key} prefixed`)
  }
})

test('when generating, then timestamps strictly increase and closed_at equals the close event\'s timestamp', () => {
  const events = generateEvents({ customers: 100, randomSeed: 6 })
  for (let i = 1; i < events.length; i++) assert.ok(events[i]!.timestamp > events[i - 1]!.timestamp)
  for (const body of parsed(events).filter((b) => b.event === 'conversation.closed')) assert.equal(body.data.closed_at, body.timestamp)
})

test('when generating, then every message, update, booking and close refers to a conversation created earlier in the list', () => {
  for (const options of [{ customers: 50 }, { count: 333 }, { customers: 40, count: 90 }]) {
    const created = new Set<string>()
    for (const event of generateEvents({ ...options, randomSeed: 7 })) {
      if (event.type === 'conversation.created') created.add(event.conversationId)
      else assert.ok(created.has(event.conversationId), `${event.type} before its conversation (${JSON.stringify(options)})`)
    }
  }
})

test('when a count is given, then exactly that many events are generated for the requested customers', () => {
  assert.equal(generateEvents({ count: 1000, randomSeed: 8 }).length, 1000)
  const many = generateEvents({ customers: 3, count: 60, randomSeed: 8 })
  assert.equal(many.length, 60)
  assert.equal(new Set(many.map((event) => event.customerId)).size, 3)
  assert.equal(generateEvents({ customers: 50, count: 20, randomSeed: 8 }).length, 20)
})

test('when generating many messages, then sms, whatsapp and email channels are all used', () => {
  const channels = new Set(parsed(generateEvents({ customers: 30, randomSeed: 9 })).filter((b) => b.event === 'message.received').map((b) => b.data.channel))
  assert.deepEqual([...channels].sort(), ['email', 'sms', 'whatsapp'])
})

test('when the run id is not URL-safe, then generation refuses it', () => {
  assert.throws(() => generateEvents({ runId: 'a/b' }), /runId/)
})
