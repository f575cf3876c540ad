import assert from 'node:assert/strict'
import { test } from 'node:test'
import { helpText, parseCliOptions } from '../../src/simulator/cli-options.ts'
import { createTokenBucket } from '../../src/simulator/token-bucket.ts'

test('when only --seed is given, then it targets PORT on loopback, one at a time, with no trouble', () => {
  const options = parseCliOptions(['--seed'], { PORT: '4100' })
  assert.equal(options.url, 'http://127.0.0.1:4100/webhooks/agentclara')
  assert.deepEqual(options.source, { kind: 'seed' })
  assert.equal(options.concurrency, 1)
  assert.deepEqual([options.duplicates, options.badSignature, options.rate, options.outOfOrder, options.retrySchedule], [0, 0, 0, false, false])
})

test('when --count is given without --generate, then generation is implied with concurrency 10', () => {
  const options = parseCliOptions(['--count', '500', '--customers', '20'], {})
  assert.deepEqual(options.source, { kind: 'generate', customers: 20, count: 500 })
  assert.equal(options.concurrency, 10)
})

test('when options are contradictory or out of range, then a usage error names the flag', () => {
  assert.throws(() => parseCliOptions([], {}), /Nothing to send/)
  assert.throws(() => parseCliOptions(['--seed', '--generate'], {}), /Choose one/)
  assert.throws(() => parseCliOptions(['--event', 'message.deleted'], {}), /Unknown event type/)
  assert.throws(() => parseCliOptions(['--seed', '--bad-signature', '1.2'], {}), /--bad-signature/)
  assert.throws(() => parseCliOptions(['--seed', '--concurrency', '0'], {}), /--concurrency/)
  assert.throws(() => parseCliOptions(['--seed', '--retry-scale', '0.01'], {}), /needs --retry-schedule/)
  assert.throws(() => parseCliOptions(['--generate', '--run-id', 'a b'], {}), /--run-id/)
  assert.throws(() => parseCliOptions(['--seed', '--nope'], {}), /Unknown option/)
})

test('when asking for help, then every option is documented with examples', () => {
  const text = helpText({})
  for (const flag of ['--seed', '--event', '--generate', '--customers', '--count', '--rate', '--concurrency', '--duplicates', '--out-of-order',
    '--bad-signature', '--retry-schedule', '--retry-scale', '--random-seed', '--run-id', '--json', '--url', '--secret']) {
    assert.ok(text.includes(flag), flag)
  }
  assert.match(text, /Examples:/)
})

test('when the bucket is empty, then take waits 1/rate per token after the burst', async () => {
  let clock = 0
  const waits: number[] = []
  const bucket = createTokenBucket({ rate: 10, burst: 2, now: () => clock, wait: async (ms) => { waits.push(ms); clock += ms } })
  for (let i = 0; i < 4; i++) await bucket.take()
  // One token to start with, then one every 100 ms.
  assert.deepEqual(waits.map(Math.round), [100, 100, 100])
  assert.equal(Math.round(clock), 300)
})
