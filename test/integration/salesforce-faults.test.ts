import { after, before, beforeEach, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import type { ConnectorDeps } from '../../src/crm/connector.ts'
import { CrmPermanentError, CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../../src/crm/errors.ts'
import { createSalesforceConnector, type SalesforceConnectorOptions } from '../../src/crm/salesforce/index.ts'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'
import { seedContact } from '../fixtures/seed-states.ts'

// Client pitfalls from DESIGN.md, exercised through the real jsforce over HTTP.
const sandbox = createSalesforceSandbox({ staticAccessToken: 'static-token' })
let url = ''
before(async () => { url = await sandbox.listen() })
after(() => sandbox.close())
beforeEach(() => sandbox.reset())

function recorder (timeoutMs = 5000) {
  const statuses: Array<number | string> = []
  const pauses: number[] = []
  const deps: ConnectorDeps = {
    timeoutMs,
    limiter: { acquire: async () => {}, pause: (ms) => { pauses.push(ms) } },
    onRequest: (status) => { statuses.push(status) }
  }
  return { deps, statuses, pauses }
}

const connect = (deps: ConnectorDeps, extra: Partial<SalesforceConnectorOptions> = {}) =>
  createSalesforceConnector({ loginUrl: url, clientId: 'sandbox-client-id', clientSecret: 'sandbox-client-secret', ...deps, ...extra })

const john = seedContact()

const count = (list: Array<number | string>, value: number | string) => list.filter((s) => s === value).length

describe('Salesforce connector under faults', () => {
  it('when Salesforce answers 503, then CrmRetryableError with the status, sent once (jsforce does not retry PATCH)', async () => {
    const r = recorder()
    const connector = connect(r.deps)
    await connector.prepare()
    sandbox.faults.set({ failNext: { count: 2, status: 503 } })
    await assert.rejects(connector.upsertContacts([john]), (err: Error) => err instanceof CrmRetryableError && err.status === 503)
    assert.equal(count(r.statuses, 503), 1)
  })

  it('when a GET (describe) gets a 503, then it is not retried behind the limiter\'s back either', async () => {
    const r = recorder()
    const connector = connect(r.deps)
    sandbox.faults.set({ failNext: { count: 5, status: 503 } })
    await assert.rejects(connector.prepare(), (err: Error) => err instanceof CrmRetryableError && err.status === 503)
    assert.equal(count(r.statuses, 503), 1)
  })

  it('when the server hangs longer than the timeout, then the call is rejected at the timeout, not later', async () => {
    const r = recorder(300)
    const connector = connect(r.deps)
    await connector.prepare()
    sandbox.faults.set({ hangNext: { count: 1, seconds: 30 } })
    const started = performance.now()
    await assert.rejects(connector.upsertContacts([john]), (err: Error) => err instanceof CrmRetryableError && /300 ms/.test(err.message))
    const elapsed = performance.now() - started
    assert.ok(elapsed >= 300, `elapsed ${elapsed}`)
    assert.ok(elapsed < 1300, `elapsed ${elapsed}`)
    assert.equal(r.statuses.at(-1), 'timeout')
    // The connection is still usable afterwards.
    assert.equal((await connector.upsertContacts([john]))[0]?.ok, true)
  })

  it('when the caller aborts, then the call rejects with the abort reason right away', async () => {
    const connector = connect(recorder().deps)
    await connector.prepare()
    sandbox.faults.set({ hangNext: { count: 1, seconds: 30 } })
    const controller = new AbortController()
    const pending = connector.upsertContacts([john], controller.signal)
    controller.abort(new Error('shutting down'))
    await assert.rejects(pending, /shutting down/)
  })

  it('when the token has expired, then the connector re-authorises once and the call succeeds', async () => {
    const r = recorder()
    const connector = connect(r.deps)
    await connector.prepare()
    sandbox.expireTokens()
    const [result] = await connector.upsertContacts([john])
    assert.equal(result?.ok, true)
    assert.equal(sandbox.dump().tokenGrants, 2)
    assert.equal(count(r.statuses, 401), 1)
  })

  it('when the server keeps answering 401 to fresh tokens, then refreshes stop at the cap and the call fails', async () => {
    const r = recorder()
    const connector = connect(r.deps, { maxTokenRefreshesPerMinute: 2 })
    await connector.prepare()
    sandbox.rejectTokens(true)
    await assert.rejects(connector.upsertContacts([john]), (err: Error) =>
      err instanceof CrmRetryableError && err.status === 401 && (err.retryAfterMs ?? 0) > 0)
    assert.equal(sandbox.dump().tokenGrants, 1 + 2)
    assert.equal(count(r.statuses, 401), 3)
    // Within the same minute the budget stays spent: no more logins, one 401, an error.
    await assert.rejects(connector.upsertContacts([john]), CrmRetryableError)
    assert.equal(sandbox.dump().tokenGrants, 3)
    // prepare() reports the same state as a setup problem.
    await assert.rejects(connector.prepare(), CrmSetupError)
  })

  it('when a static access token is refused, then CrmSetupError (there is nothing to refresh with)', async () => {
    const connector = createSalesforceConnector({ instanceUrl: url, accessToken: 'static-token', ...recorder().deps })
    sandbox.expireTokens()
    await assert.rejects(connector.upsertContacts([john]), (err: Error) => err instanceof CrmSetupError && /INVALID_SESSION_ID/.test(err.message))
  })

  it('when Salesforce keeps answering REQUEST_LIMIT_EXCEEDED, then CrmRateLimitedError and the limiter pauses 1 s, doubling up to the cap, reset by a success', async () => {
    const r = recorder()
    const connector = connect(r.deps, { rateLimitPauseMs: 3000 })
    await connector.prepare()
    sandbox.faults.set({ rateLimitNext: { count: 4 } })
    for (let i = 0; i < 4; i++) {
      await assert.rejects(connector.upsertContacts([john]), (err: Error) => err instanceof CrmRateLimitedError && err.status === 403)
    }
    assert.deepEqual(r.pauses, [1000, 2000, 3000, 3000])
    assert.equal((await connector.upsertContacts([john]))[0]?.ok, true)
    sandbox.faults.set({ rateLimitNext: { count: 1 } })
    await assert.rejects(connector.upsertContacts([john]), CrmRateLimitedError)
    assert.equal(r.pauses.at(-1), 1000)
  })

  it('when the org\'s API limit is used up, then the real 403 is reported the same way', async (t) => {
    const limited = createSalesforceSandbox({ apiLimit: 3 })
    t.after(() => limited.close())
    const limitedUrl = await limited.listen()
    const r = recorder()
    const connector = createSalesforceConnector({ loginUrl: limitedUrl, clientId: limited.clientId, clientSecret: limited.clientSecret, ...r.deps })
    await connector.prepare()
    await assert.rejects(connector.upsertContacts([john]), CrmRateLimitedError)
    assert.equal(r.pauses.length, 1)
  })

  it('when the server is unreachable, then CrmRetryableError with onRequest "error"', async () => {
    const gone = createSalesforceSandbox()
    const goneUrl = await gone.listen()
    await gone.close()
    const r = recorder()
    const connector = createSalesforceConnector({ loginUrl: goneUrl, clientId: 'a', clientSecret: 'b', ...r.deps })
    await assert.rejects(connector.upsertContacts([john]), CrmRetryableError)
    assert.deepEqual(r.statuses, ['error'])
  })

  it('when the API version does not exist, then CrmPermanentError (404)', async () => {
    const connector = connect(recorder().deps, { apiVersion: '99.0' })
    await assert.rejects(connector.upsertContacts([john]), (err: Error) => err instanceof CrmPermanentError && err.status === 404)
  })

  it('when faults are set over HTTP, then a record failure applies to the next composite upsert only', async () => {
    const connector = connect(recorder().deps)
    const res = await fetch(`${url}/__sandbox/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failRecords: { keys: ['cust_xyz789'], times: 1 } })
    })
    assert.equal(res.status, 200)
    assert.equal((await connector.upsertContacts([john]))[0]?.ok, false)
    assert.equal((await connector.upsertContacts([john]))[0]?.ok, true)
    const state = await (await fetch(`${url}/__sandbox/state`)).json() as { records: { Contact: unknown[] }, faults: { recordFailures: number } }
    assert.equal(state.records.Contact.length, 1)
    assert.equal(state.faults.recordFailures, 1)
  })
})
