import assert from 'node:assert/strict'
import { test, type TestContext } from 'node:test'
import type { RecordResult } from '../../src/crm/connector.ts'
import { CrmPermanentError, CrmRateLimitedError, CrmRetryableError } from '../../src/crm/errors.ts'
import { callCrm } from '../../src/sync/crm-call.ts'

// callCrm turns one connector write into per-key outcomes. The "write" here stands where a
// connector's batch call would be: it answers with scripted results or errors, in order.
function scripted (...answers: Array<RecordResult[] | Error>) {
  const calls: number[] = []
  const write = async (): Promise<RecordResult[]> => {
    calls.push(calls.length + 1)
    const answer = answers[Math.min(calls.length, answers.length) - 1]
    if (answer instanceof Error) throw answer
    return answer ?? []
  }
  return { write, calls }
}
const ok = (key: string, crmId = `crm-${key}`): RecordResult => ({ key, ok: true, crmId })
const rateLimited = () => new CrmRateLimitedError('HTTP 429', { status: 429, retryAfterMs: 1000 })
const unavailable = () => new CrmRetryableError('HTTP 503', { status: 503 })

/** Virtual setTimeout, advanced until `promise` settles; returns its value and the virtual time spent. */
async function withVirtualTime<T> (t: TestContext, run: () => Promise<T>): Promise<{ value: T, elapsedMs: number }> {
  t.mock.timers.enable({ apis: ['setTimeout'] })
  const state = { settled: false }
  const promise = run().finally(() => { state.settled = true })
  let elapsedMs = 0
  for (let step = 0; step < 10_000; step++) {
    await new Promise((resolve) => setImmediate(resolve))
    if (state.settled) break
    t.mock.timers.tick(10)
    elapsedMs += 10
  }
  return { value: await promise, elapsedMs }
}

test('when the CRM answers every record, then each key gets its own result', async () => {
  const { write, calls } = scripted([ok('a'), { key: 'b', ok: false, error: 'INVALID_EMAIL', retryable: false }])
  const outcomes = await callCrm(['a', 'b'], write)
  assert.deepEqual(Object.fromEntries(outcomes), {
    a: { key: 'a', ok: true, crmId: 'crm-a' },
    b: { key: 'b', ok: false, error: 'INVALID_EMAIL', retryable: false }
  })
  assert.equal(calls.length, 1)
})

test('when the CRM leaves a record out of its answer, then that key fails retryably', async () => {
  const outcomes = await callCrm(['a', 'b'], scripted([ok('a')]).write)
  assert.deepEqual(outcomes.get('a'), ok('a'))
  assert.deepEqual(outcomes.get('b'), { ok: false, error: 'the CRM returned no result for this record', retryable: true })
})

test('when there are no keys, then the CRM is not called', async () => {
  const { write, calls } = scripted([ok('a')])
  assert.equal((await callCrm([], write)).size, 0)
  assert.equal(calls.length, 0)
})

test('when the CRM answers 429 twice and then succeeds, then the records succeed (a rate limit costs waiting, not attempts)', async () => {
  const { write, calls } = scripted(rateLimited(), rateLimited(), [ok('a')])
  const outcomes = await callCrm(['a'], write)
  assert.deepEqual(outcomes.get('a'), ok('a'))
  assert.equal(calls.length, 3)
})

test('when the CRM keeps answering 429, then it gives up after a few retries and every key fails retryably', async () => {
  const { write, calls } = scripted(rateLimited())
  const outcomes = await callCrm(['a', 'b'], write)
  assert.ok(calls.length > 1 && calls.length <= 5, `${calls.length} calls`)
  for (const key of ['a', 'b']) {
    const outcome = outcomes.get(key)
    assert.ok(outcome && !outcome.ok)
    assert.equal(outcome.retryable, true)
    assert.match(outcome.error, /CrmRateLimitedError: HTTP 429/)
  }
})

test('when a transient failure happens once, then the call is repeated after a short jittered pause and succeeds', async (t) => {
  const { write, calls } = scripted(unavailable(), [ok('a')])
  const { value: outcomes, elapsedMs } = await withVirtualTime(t, () => callCrm(['a'], write))
  assert.deepEqual(outcomes.get('a'), ok('a'))
  assert.equal(calls.length, 2)
  assert.ok(elapsedMs > 0 && elapsedMs < 1000, `paused ${elapsedMs} ms`)
})

test('when the transient failure repeats, then every key fails retryably (the job retries later with backoff)', async (t) => {
  const { write, calls } = scripted(unavailable(), unavailable(), [ok('a')])
  const { value: outcomes } = await withVirtualTime(t, () => callCrm(['a', 'b'], write))
  assert.equal(calls.length, 2)
  // `whole: 'down'`: the CRM failed as a whole, which its circuit counts.
  for (const key of ['a', 'b']) assert.deepEqual(outcomes.get(key), { ok: false, error: 'CrmRetryableError: HTTP 503', retryable: true, whole: 'down' })
})

test('when rate limits and a transient failure mix, then they are counted apart and the call still succeeds', async (t) => {
  const { write, calls } = scripted(rateLimited(), unavailable(), rateLimited(), [ok('a')])
  const { value: outcomes } = await withVirtualTime(t, () => callCrm(['a'], write))
  assert.deepEqual(outcomes.get('a'), ok('a'))
  assert.equal(calls.length, 4)
})

test('when the CRM rejects the request itself, then it is not retried and every key fails permanently', async () => {
  const { write, calls } = scripted(new CrmPermanentError('HTTP 400: PROPERTY_DOESNT_EXIST', { status: 400 }), [ok('a')])
  const outcomes = await callCrm(['a', 'b'], write)
  assert.equal(calls.length, 1)
  for (const key of ['a', 'b']) {
    assert.deepEqual(outcomes.get(key), { ok: false, error: 'CrmPermanentError: HTTP 400: PROPERTY_DOESNT_EXIST', retryable: false })
  }
})

test('when the write throws something unexpected, then it is not retried here and the keys stay retryable', async () => {
  const { write, calls } = scripted(new TypeError('cannot read properties of undefined'), [ok('a')])
  const outcomes = await callCrm(['a'], write)
  assert.equal(calls.length, 1)
  assert.deepEqual(outcomes.get('a'), { ok: false, error: 'TypeError: cannot read properties of undefined', retryable: true })
})
