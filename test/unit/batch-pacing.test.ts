import assert from 'node:assert/strict'
import { test } from 'node:test'
import { batchPacing, MAX_LINGER_MS, PRESSURE } from '../../src/sync/batch-pacing.ts'

test('when the budget is quiet, then a batch goes at once and contacts are written with every change', () => {
  assert.deepEqual(batchPacing(0, false), { deferContactUpdates: false, lingerMs: 0 })
  assert.deepEqual(batchPacing(PRESSURE - 0.01, false), { deferContactUpdates: false, lingerMs: 0 })
})

test('when the budget is under pressure, then the linger before the next fetch grows with it, up to the bound', () => {
  assert.deepEqual(batchPacing(PRESSURE, false), { deferContactUpdates: true, lingerMs: 0 })
  const half = batchPacing(PRESSURE + (1 - PRESSURE) / 2, false)
  assert.equal(half.lingerMs, MAX_LINGER_MS / 2)
  assert.equal(batchPacing(1, false).lingerMs, MAX_LINGER_MS)
  assert.equal(batchPacing(3, false).lingerMs, MAX_LINGER_MS)
})

test('when a fetch came back full, then more is queued: contacts are deferred but nothing lingers (the next fetch is full too)', () => {
  assert.deepEqual(batchPacing(0, true), { deferContactUpdates: true, lingerMs: 0 })
  assert.deepEqual(batchPacing(1, true), { deferContactUpdates: true, lingerMs: 0 })
})
