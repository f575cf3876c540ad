import assert from 'node:assert/strict'
import { test } from 'node:test'
import { shouldGiveWay } from '../../workers/give-way-to-deliveries.ts'

test('when the apply worker is behind and deliveries come faster than it applies them, then it gives way to the receiver', () => {
  assert.equal(shouldGiveWay({ behindMs: 3000, deliveriesPerSecond: 2500, appliedPerSecond: 350 }), true)
  assert.equal(shouldGiveWay({ behindMs: 1000, deliveriesPerSecond: 350, appliedPerSecond: 350 }), true, 'at its pace it falls no less behind')
})

test('when the apply worker keeps up, then it never rests, however fast deliveries come', () => {
  assert.equal(shouldGiveWay({ behindMs: 0, deliveriesPerSecond: 2500, appliedPerSecond: 350 }), false)
  assert.equal(shouldGiveWay({ behindMs: 999, deliveriesPerSecond: 2500, appliedPerSecond: 350 }), false)
})

test('when the apply worker works through a backlog that no longer grows (after an outage, or a burst that is over), then it goes flat out', () => {
  assert.equal(shouldGiveWay({ behindMs: 60_000, deliveriesPerSecond: 0, appliedPerSecond: 350 }), false)
  assert.equal(shouldGiveWay({ behindMs: 60_000, deliveriesPerSecond: 100, appliedPerSecond: 350 }), false)
})
