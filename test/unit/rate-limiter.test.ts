import assert from 'node:assert/strict'
import { afterEach, beforeEach, mock, test } from 'node:test'
import { createRateLimiter } from '../../src/sync/rate-limiter.ts'

// The limiter reads time from the injected clock and waits with setTimeout; both are
// virtual here (`advance` moves them together), so no test sleeps.
let clock = 0
beforeEach(() => {
  clock = 0
  mock.timers.enable({ apis: ['setTimeout'] })
})
afterEach(() => mock.timers.reset())
const now = () => clock
/** Lets every pending promise continuation run (setImmediate is not mocked). */
const settle = () => new Promise((resolve) => setImmediate(resolve))
async function advance (ms: number): Promise<void> {
  clock += ms
  mock.timers.tick(ms)
  await settle()
}

type Granted = Array<{ n: number, at: number }>

/** Starts `count` acquisitions and records in `granted` when (virtual time) and in which order each passes. */
function acquireMany (limiter: ReturnType<typeof createRateLimiter>, count: number, granted: Granted = []): Granted {
  const first = granted.length
  for (let n = first; n < first + count; n++) limiter.acquire().then(() => granted.push({ n, at: clock }), () => {})
  return granted
}

test('when up to max calls are made within the interval, then they pass at once and the next waits for the oldest to leave the window', async () => {
  const limiter = createRateLimiter({ max: 3, intervalMs: 1000, now })
  const granted = acquireMany(limiter, 4)
  await settle()
  assert.deepEqual(granted.map((g) => g.at), [0, 0, 0])
  await advance(999)
  assert.equal(granted.length, 3)
  await advance(1)
  assert.deepEqual(granted.at(-1), { n: 3, at: 1000 })
})

test('when calls are spread out, then the window slides: at most max in any interval', async () => {
  const limiter = createRateLimiter({ max: 2, intervalMs: 1000, now })
  const granted = acquireMany(limiter, 1)
  await settle()
  await advance(600)
  acquireMany(limiter, 3, granted)
  await settle()
  for (let step = 0; step < 20; step++) await advance(100)
  const times = granted.map((g) => g.at)
  assert.deepEqual(times, [0, 600, 1000, 1600])
  for (const t of times) assert.ok(times.filter((other) => other >= t && other < t + 1000).length <= 2, `more than 2 in [${t}, ${t + 1000})`)
})

test('when many callers wait, then they are served in arrival order', async () => {
  const limiter = createRateLimiter({ max: 1, intervalMs: 100, now })
  const granted = acquireMany(limiter, 5)
  await settle()
  for (let step = 0; step < 10; step++) await advance(50)
  assert.deepEqual(granted.map((g) => g.n), [0, 1, 2, 3, 4])
  assert.deepEqual(granted.map((g) => g.at), [0, 100, 200, 300, 400])
})

test('when paused (a 429 with Retry-After), then every caller waits out the pause, and a shorter pause does not shorten it', async () => {
  const limiter = createRateLimiter({ max: 100, intervalMs: 1000, now })
  limiter.pause(2000)
  limiter.pause(500)
  const granted = acquireMany(limiter, 2)
  await advance(1999)
  assert.equal(granted.length, 0)
  await advance(1)
  assert.deepEqual(granted.map((g) => g.at), [2000, 2000])
})

test('when a waiting caller is aborted, then it rejects with the reason and the callers behind it still get their turn', async () => {
  const limiter = createRateLimiter({ max: 1, intervalMs: 1000, now })
  await limiter.acquire()
  const controller = new AbortController()
  const aborted = limiter.acquire(controller.signal)
  const behind = acquireMany(limiter, 1)
  await advance(100)
  controller.abort(new Error('job cancelled'))
  await assert.rejects(aborted, /job cancelled/)
  await advance(900)
  assert.deepEqual(behind, [{ n: 0, at: 1000 }])
})

test('when the signal is already aborted, then acquire rejects without taking a slot', async () => {
  const limiter = createRateLimiter({ max: 1, intervalMs: 1000, now })
  await assert.rejects(limiter.acquire(AbortSignal.abort(new Error('already gone'))), /already gone/)
  const granted = acquireMany(limiter, 1)
  await settle()
  assert.deepEqual(granted, [{ n: 0, at: 0 }])
})
