import assert from 'node:assert/strict'
import { test } from 'node:test'
import { planDeliveries } from '../../src/simulator/delivery-plan.ts'
import { generateEvents } from '../../src/simulator/generate-events.ts'

const events = generateEvents({ customers: 60, randomSeed: 'plan', runId: 'plan' })
const flat = (options: Parameters<typeof planDeliveries>[1]) => planDeliveries(events, options).flat()

test('when no trouble is asked for, then each event is delivered once, in order, correctly signed', () => {
  const deliveries = flat({})
  assert.deepEqual(deliveries.map((d) => d.body), events.map((e) => e.body))
  assert.ok(deliveries.every((d) => !d.badSignature && !d.duplicate))
})

test('when planning with the same seed, then the plan is identical', () => {
  const options = { duplicates: 0.3, badSignature: 0.1, outOfOrder: true, randomSeed: 11 }
  assert.deepEqual(planDeliveries(events, options), planDeliveries(events, options))
})

test('when out-of-order is on, then some message arrives before its conversation.created, and nothing is lost', () => {
  const deliveries = flat({ outOfOrder: true, randomSeed: 12 })
  assert.notDeepEqual(deliveries.map((d) => d.body), events.map((e) => e.body))
  assert.deepEqual(deliveries.map((d) => d.body).sort(), events.map((e) => e.body).sort())
  const created = new Set<string>()
  let early = 0
  for (const delivery of deliveries) {
    const { event, data } = JSON.parse(delivery.body)
    if (event === 'conversation.created') created.add(data.conversation_id)
    else if (event === 'message.received' && !created.has(data.conversation_id)) early++
  }
  assert.ok(early > 0, 'at least one message before its conversation')
})

test('when out-of-order is on, then events move only within their window', () => {
  const deliveries = flat({ outOfOrder: true, outOfOrderWindow: 5, randomSeed: 13 })
  deliveries.forEach((delivery, index) => {
    const original = events.findIndex((event) => event.body === delivery.body)
    assert.equal(Math.floor(original / 5), Math.floor(index / 5))
  })
})

test('when duplicates are asked for, then about that fraction is re-sent byte-identical, with every timing used', () => {
  const deliveries = flat({ duplicates: 0.3, randomSeed: 14 })
  const duplicates = deliveries.filter((d) => d.duplicate)
  assert.ok(duplicates.length > events.length * 0.2 && duplicates.length < events.length * 0.4, `${duplicates.length} of ${events.length}`)
  const bySeq = new Map(deliveries.map((d) => [d.seq, d]))
  for (const duplicate of duplicates) {
    const original = bySeq.get(duplicate.duplicate!.of)!
    assert.equal(duplicate.body, original.body)
    assert.equal(Buffer.compare(Buffer.from(duplicate.body), Buffer.from(original.body)), 0)
    assert.equal(duplicate.type, original.type)
    assert.ok(!original.duplicate, 'no duplicate of a duplicate')
  }
  assert.deepEqual(new Set(duplicates.map((d) => d.duplicate!.timing)), new Set(['immediate', 'later', 'concurrent']))
})

test('when a duplicate is concurrent, then it is in its original\'s group; otherwise it comes after the original', () => {
  const groups = planDeliveries(events, { duplicates: 0.5, randomSeed: 15 })
  const position = new Map<number, number>()
  groups.forEach((group, index) => group.forEach((d) => position.set(d.seq, index)))
  for (const d of groups.flat().filter((d) => d.duplicate)) {
    const original = position.get(d.duplicate!.of)!
    if (d.duplicate!.timing === 'concurrent') assert.equal(position.get(d.seq), original)
    else assert.ok(position.get(d.seq)! > original)
  }
})

test('when bad signatures are asked for, then forged deliveries are extra and every event is still sent correctly signed', () => {
  const deliveries = flat({ badSignature: 0.2, randomSeed: 16 })
  const forged = deliveries.filter((d) => d.badSignature)
  assert.ok(forged.length > 0)
  assert.deepEqual(deliveries.filter((d) => !d.badSignature).map((d) => d.body).sort(), events.map((e) => e.body).sort())
  assert.equal(new Set(deliveries.map((d) => d.seq)).size, deliveries.length, 'seqs unique')
})

test('when a fraction is outside 0..1, then planning refuses it', () => {
  assert.throws(() => planDeliveries(events, { duplicates: 1.5 }), /duplicates/)
  assert.throws(() => planDeliveries(events, { badSignature: -0.1 }), /badSignature/)
})
