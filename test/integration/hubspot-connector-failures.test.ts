import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import { Client } from '@hubspot/api-client'
import type { ConnectorDeps, CrmConnector } from '../../src/crm/connector.ts'
import { CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../../src/crm/errors.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { seedContact } from '../fixtures/seed-states.ts'

const sandbox = createHubspotSandbox()
let baseUrl = ''

before(async () => { baseUrl = await sandbox.listen(0, '127.0.0.1') })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

/** Deps whose limiter and request hook record what the connector did. */
function recordingDeps (timeoutMs = 5000) {
  const seen = { acquired: 0, pauses: [] as number[], statuses: [] as Array<number | 'timeout' | 'error'> }
  const deps: ConnectorDeps = {
    timeoutMs,
    limiter: { acquire: async () => { seen.acquired += 1 }, pause: (ms) => { seen.pauses.push(ms) } },
    onRequest: (status) => { seen.statuses.push(status) }
  }
  return { deps, seen }
}

function connector (deps: ConnectorDeps, accessToken = sandbox.accessToken): CrmConnector {
  return createHubspotConnector({ accessToken, baseUrl, ...deps })
}

const john = seedContact({ lastContactAt: null })

async function prepared (deps: ConnectorDeps): Promise<CrmConnector> {
  const crm = connector(deps)
  await crm.prepare()
  return crm
}

test('when every call is made, then the limiter is awaited before it and its status reported after it', async () => {
  const { deps, seen } = recordingDeps()
  const crm = await prepared(deps)
  await crm.upsertContacts([john])
  const apiRequests = sandbox.dump().requests.total
  assert.equal(seen.acquired, apiRequests)
  assert.equal(seen.statuses.length, apiRequests)
  assert.equal(seen.statuses.at(-1), 200)
})

test('when HubSpot answers 5xx, then the call fails with a retryable error', async () => {
  const { deps, seen } = recordingDeps()
  const crm = await prepared(deps)
  sandbox.faults.set({ failNext: { count: 1, status: 503 } })
  await assert.rejects(crm.upsertContacts([john]), (err: unknown) => {
    assert.ok(err instanceof CrmRetryableError)
    assert.equal(err instanceof CrmRateLimitedError, false)
    assert.equal(err.status, 503)
    return true
  })
  assert.equal(seen.statuses.at(-1), 503)
  // The SDK did not retry on its own: exactly one upsert reached the sandbox.
  assert.equal(sandbox.dump().requests.byRoute['POST /crm/v3/objects/contacts/batch/upsert'], 1)
})

test('when another SDK Client with retries is created later, then our calls still are not retried by the SDK', async () => {
  const { deps } = recordingDeps()
  const crm = await prepared(deps)
  // The SDK keeps retry decorators in a process-wide singleton that each new Client overwrites.
  const other = new Client({ accessToken: 'other', numberOfApiCallRetries: 3 })
  assert.ok(other)
  sandbox.faults.set({ failNext: { count: 1, status: 500 } })
  await assert.rejects(crm.upsertContacts([john]), CrmRetryableError)
  assert.equal(sandbox.dump().requests.byRoute['POST /crm/v3/objects/contacts/batch/upsert'], 1)
})

test('when HubSpot hangs longer than the timeout, then the call is abandoned at the timeout', async () => {
  const { deps, seen } = recordingDeps(300)
  const crm = await prepared(deps)
  sandbox.faults.set({ hangNext: { count: 1, seconds: 30 } })
  const started = performance.now()
  await assert.rejects(crm.upsertContacts([john]), (err: unknown) => {
    assert.ok(err instanceof CrmRetryableError)
    assert.match(err.message, /timed out after 300 ms/)
    return true
  })
  const elapsed = performance.now() - started
  assert.ok(elapsed >= 300, `elapsed ${elapsed} ms`)
  assert.ok(elapsed < 1300, `elapsed ${elapsed} ms`)
  assert.equal(seen.statuses.at(-1), 'timeout')
  // The socket was really closed: the next call goes through at once.
  assert.equal((await crm.upsertContacts([john]))[0]?.ok, true)
})

test('when the caller aborts, then the call stops with the caller\'s reason', async () => {
  const { deps } = recordingDeps(10_000)
  const crm = await prepared(deps)
  sandbox.faults.set({ hangNext: { count: 1, seconds: 30 } })
  const controller = new AbortController()
  const pending = crm.upsertContacts([john], controller.signal)
  setImmediate(() => controller.abort(new Error('job cancelled')))
  await assert.rejects(pending, /job cancelled/)
})

test('when the global fetch dispatcher is replaced (as loading jsforce does), then HubSpot calls do not use it', async () => {
  const { deps } = recordingDeps(300)
  const crm = await prepared(deps)
  const key = Symbol.for('undici.globalDispatcher.1')
  const globals = globalThis as unknown as Record<symbol, unknown>
  const original = globals[key]
  globals[key] = { dispatch () { throw new Error('global dispatcher used') } }
  try {
    assert.equal((await crm.upsertContacts([john]))[0]?.ok, true)
    sandbox.faults.set({ hangNext: { count: 1, seconds: 30 } })
    const started = performance.now()
    await assert.rejects(crm.upsertContacts([john]), /timed out after 300 ms/)
    assert.ok(performance.now() - started < 1300)
  } finally {
    globals[key] = original
  }
})

test('when HubSpot answers 429, then the error is rate-limited with retryAfterMs and the limiter is paused', async () => {
  const { deps, seen } = recordingDeps()
  const crm = await prepared(deps)
  sandbox.faults.set({ rateLimitNext: { count: 1, retryAfterSeconds: 2 } })
  await assert.rejects(crm.upsertContacts([john]), (err: unknown) => {
    assert.ok(err instanceof CrmRateLimitedError)
    assert.equal(err.retryAfterMs, 2000)
    assert.equal(err.status, 429)
    return true
  })
  assert.deepEqual(seen.pauses, [2000])
  assert.equal(seen.statuses.at(-1), 429)
})

test('when the sandbox\'s own rolling limit is hit, then the 429 carries the interval and the limiter pauses', async () => {
  const { deps, seen } = recordingDeps()
  const crm = await prepared(deps)
  // prepare's calls are in the window already (the window is per token): allow one more.
  sandbox.setRateLimit({ max: sandbox.dump().requests.total + 1, intervalMs: 60_000 })
  assert.equal((await crm.upsertContacts([john]))[0]?.ok, true)
  await assert.rejects(crm.upsertContacts([john]), (err: unknown) => {
    assert.ok(err instanceof CrmRateLimitedError)
    assert.ok(err.retryAfterMs !== undefined && err.retryAfterMs > 0 && err.retryAfterMs <= 60_000)
    return true
  })
  assert.equal(seen.pauses.length, 1)
  assert.equal(sandbox.dump().requests.rateLimited, 1)
})

test('when the token is wrong, then prepare fails with a setup error and writes fail retryably until it is fixed', async () => {
  const { deps } = recordingDeps()
  const crm = connector(deps, 'wrong-token')
  await assert.rejects(crm.prepare(), (err: unknown) => {
    assert.ok(err instanceof CrmSetupError)
    assert.match(err.message, /HUBSPOT_ACCESS_TOKEN/)
    return true
  })
  await assert.rejects(crm.upsertContacts([john]), (err: unknown) => err instanceof CrmRetryableError && err.status === 401)
})

test('when the token is expired over HTTP, then calls get 401 until the sandbox is reset', async () => {
  const { deps } = recordingDeps()
  const crm = await prepared(deps)
  const response = await fetch(`${baseUrl}/__sandbox/faults`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ expireToken: true })
  })
  assert.equal(response.status, 200)
  await assert.rejects(crm.upsertContacts([john]), /EXPIRED|expired/)
  assert.equal(sandbox.dump().tokenExpired, true)
  await fetch(`${baseUrl}/__sandbox/reset`, { method: 'POST' })
  await crm.prepare()
  assert.equal((await crm.upsertContacts([john]))[0]?.ok, true)
})
