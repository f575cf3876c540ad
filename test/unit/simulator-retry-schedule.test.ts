import assert from 'node:assert/strict'
import { test } from 'node:test'
import { retryDelayMs, retryOffsetsMs, vendorMaxAttempts } from '../../src/simulator/retry-schedule.ts'

test('when unscaled, then the waits are the vendor\'s 0 s, 5 s, 5 min, 30 min and then it gives up', () => {
  assert.deepEqual([1, 2, 3, 4].map((attempt) => retryDelayMs(attempt)), [0, 5_000, 300_000, 1_800_000])
  assert.equal(retryDelayMs(5), undefined)
  assert.equal(vendorMaxAttempts, 4)
})

test('when scaled by 0.01, then 30 min becomes 18 s and 5 s becomes 50 ms', () => {
  assert.equal(retryDelayMs(4, 0.01), 18_000)
  assert.equal(retryDelayMs(3, 0.01), 3_000)
  assert.equal(retryDelayMs(2, 0.01), 50)
  assert.equal(retryDelayMs(1, 0.01), 0)
})

test('when summed, then the last attempt starts 35 min 5 s after the first (times the scale)', () => {
  assert.deepEqual(retryOffsetsMs(), [0, 5_000, 305_000, 2_105_000])
  assert.deepEqual(retryOffsetsMs(0.001), [0, 5, 305, 2_105])
})

test('when the attempt or scale is invalid, then it throws', () => {
  assert.throws(() => retryDelayMs(0), RangeError)
  assert.throws(() => retryDelayMs(1.5), RangeError)
  assert.throws(() => retryDelayMs(2, -1), RangeError)
  assert.throws(() => retryDelayMs(2, Number.NaN), RangeError)
})
