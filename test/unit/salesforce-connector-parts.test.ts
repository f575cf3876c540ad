import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { chunk } from '../../src/chunk.ts'
import { coalesceByKey, upsertInBatches, type CollectionAnswer } from '../../src/crm/salesforce/batch-upsert.ts'
import { newCallState } from '../../src/crm/salesforce/call-context.ts'
import { TokenRefreshLimitError } from '../../src/crm/salesforce/connection.ts'
import { findMissingExternalIdFields, missingFieldsMessage } from '../../src/crm/salesforce/describe-check.ts'
import { recordFailure, toCrmError } from '../../src/crm/salesforce/errors.ts'
import { writeCollections, type OutgoingCollection } from '../../src/crm/salesforce/write-collections.ts'
import { createRefreshBudget } from '../../src/crm/salesforce/refresh-budget.ts'
import { SalesforceTimeoutError } from '../../src/crm/salesforce/timeout-error.ts'
import { CrmPermanentError, CrmRateLimitedError, CrmRetryableError, CrmSetupError } from '../../src/crm/errors.ts'

const httpError = (errorCode: string, message = errorCode) => Object.assign(new Error(message), { name: errorCode, errorCode })
const ctxWith = (status?: number, headers?: Record<string, string>) => {
  const call = newCallState()
  call.lastStatus = status
  call.lastHeaders = headers
  return { call, refreshError: undefined, rateLimitPauseMs: 60_000 }
}

// The object a one-object upsert writes, by its External ID field.
const target = { object: 'Contact', externalIdField: 'Key__c' }

describe('Salesforce batching', () => {
  it('when keys repeat, then one entry per key remains, holding the latest state, in first-seen order', () => {
    const items = [{ k: 'a', v: 1 }, { k: 'b', v: 1 }, { k: 'a', v: 2 }]
    assert.deepEqual(coalesceByKey(items, (i) => i.k), [{ k: 'a', v: 2 }, { k: 'b', v: 1 }])
  })

  it('when 450 items are chunked by 200, then there are chunks of 200, 200 and 50', () => {
    assert.deepEqual(chunk(Array.from({ length: 450 }, (_, i) => i), 200).map((c) => c.length), [200, 200, 50])
  })

  it('when Salesforce answers per position, then results map back to the AgentClara keys, failures included', async () => {
    const sent: unknown[][][] = []
    const results = await upsertInBatches(
      [{ id: 'x' }, { id: '' }, { id: 'y' }],
      (i) => i.id,
      (i) => ({ Key__c: i.id }),
      target,
      async (collections): Promise<CollectionAnswer[]> => {
        sent.push(collections.map((c) => c.records))
        return [{
          results: [
            { id: '003A', success: true, errors: [] },
            { success: false, errors: [{ statusCode: 'UNABLE_TO_LOCK_ROW', message: 'locked', fields: [] }] }
          ]
        }]
      })
    assert.deepEqual(sent, [[[{ Key__c: 'x' }, { Key__c: 'y' }]]])
    assert.deepEqual(results, [
      { key: '', ok: false, error: 'missing AgentClara id', retryable: false },
      { key: 'x', ok: true, crmId: '003A' },
      { key: 'y', ok: false, error: 'UNABLE_TO_LOCK_ROW: locked', retryable: true }
    ])
  })

  it('when 1 001 records go, then they take two calls: five collections of 200, then one of 1', async () => {
    const calls: number[][] = []
    const items = Array.from({ length: 1001 }, (_, i) => ({ id: `k${i}` }))
    const results = await upsertInBatches(items, (i) => i.id, (i) => ({ Key__c: i.id }), target, async (collections) => {
      calls.push(collections.map((c) => c.records.length))
      return collections.map((c) => ({ results: c.records.map((_r, n) => ({ id: `003${n}`, success: true })) }))
    })
    assert.deepEqual(calls, [[200, 200, 200, 200, 200], [1]])
    assert.equal(results.filter((r) => r.ok).length, 1001)
  })

  it('when one collection of a call is refused as a whole, then only its records fail: a 400 for good, a 503 to retry', async () => {
    const items = Array.from({ length: 600 }, (_, i) => ({ id: `k${i}` }))
    const refuse = async (status: number) => await upsertInBatches(items, (i) => i.id, (i) => ({ Key__c: i.id }), target, async (collections) =>
      collections.map((c, n): CollectionAnswer => n === 1
        ? { status, errors: [{ errorCode: status === 400 ? 'INVALID_FIELD' : 'SERVER_UNAVAILABLE', message: 'refused' }] }
        : { results: c.records.map(() => ({ id: '003X', success: true })) }))
    for (const [status, retryable] of [[400, false], [503, true]] as const) {
      const results = await refuse(status)
      assert.equal(results.filter((r) => r.ok).length, 400)
      const failed = results.filter((r) => !r.ok)
      assert.deepEqual(failed.map((r) => r.key), items.slice(200, 400).map((i) => i.id))
      assert.ok(failed.every((r) => !r.ok && r.retryable === retryable && r.error.includes(`(${status})`)))
    }
  })

  it('when a record cannot be mapped, then only that record fails, permanently', async () => {
    const results = await upsertInBatches([{ id: 'bad' }], (i) => i.id, () => { throw new RangeError('Invalid time value') }, target, async () => [])
    assert.deepEqual(results, [{ key: 'bad', ok: false, error: 'cannot map to Salesforce: Invalid time value', retryable: false }])
  })
})

describe('Salesforce records written together', () => {
  it('when a Task links to a Contact, then it carries its id from an earlier call, a reference within its own, and is not sent when that Contact failed', async () => {
    const sent: OutgoingCollection[][] = []
    // 1 001 Contacts: five collections fill the first call, the last Contact goes in the second.
    const contacts = Array.from({ length: 1001 }, (_, i) => ({ key: `c${i}`, record: { Ext__c: `c${i}` } }))
    const tasks = ['c7', 'c5', 'c1000'].map((contact) => ({ key: `t_${contact}`, record: { Ext__c: `t_${contact}`, WhoId: null }, linkTo: contact }))
    const results = await writeCollections([
      { object: 'Contact', externalIdField: 'Ext__c', entries: contacts },
      { object: 'Task', externalIdField: 'Ext__c', entries: tasks, linkField: 'WhoId' }
    ], async (collections) => {
      sent.push(collections)
      return collections.map((c) => ({ results: c.records.map((r) => r.Ext__c === 'c5' ? { success: false, errors: [{ statusCode: 'INVALID_EMAIL_ADDRESS', message: 'bad' }] } : { id: `id_${String(r.Ext__c)}`, success: true }) }))
    })
    assert.deepEqual(sent.map((call) => call.map((c) => `${c.object}:${c.records.length}`)), [['Contact:200', 'Contact:200', 'Contact:200', 'Contact:200', 'Contact:200'], ['Contact:1', 'Task:2']])
    const second = sent[1]!
    assert.deepEqual(second[1]?.records.map((r) => r.WhoId), ['id_c7', `@{${second[0]?.referenceId}[0].id}`])
    const failed = results.find((r) => r.key === 't_c5')
    assert.ok(failed && !failed.ok && failed.retryable && /c5 failed: INVALID_EMAIL_ADDRESS/.test(failed.error), JSON.stringify(failed))
    assert.equal(results.filter((r) => r.ok).length, 1000 + 2)
  })
})

describe('Salesforce error mapping', () => {
  it('when a record fails validation, then it is not retryable; a lock or unknown error is', () => {
    assert.equal(recordFailure('k', [{ statusCode: 'REQUIRED_FIELD_MISSING', message: 'Required fields are missing: [LastName]', fields: ['LastName'] }]).retryable, false)
    assert.equal(recordFailure('k', [{ statusCode: 'DUPLICATE_VALUE', message: 'dup' }]).retryable, false)
    assert.equal(recordFailure('k', [{ statusCode: 'UNKNOWN_EXCEPTION', message: 'boom' }]).retryable, true)
  })

  it('when the call timed out, then it is retryable', () => {
    assert.ok(toCrmError(new SalesforceTimeoutError(300, 'http://x'), ctxWith()) instanceof CrmRetryableError)
  })

  it('when Salesforce answers 5xx, then it is retryable with the status', () => {
    const err = toCrmError(httpError('ERROR_HTTP_503'), ctxWith(503))
    assert.ok(err instanceof CrmRetryableError)
    assert.equal(err.status, 503)
  })

  it('when Salesforce answers REQUEST_LIMIT_EXCEEDED, then it is rate limited with the default pause', () => {
    const err = toCrmError(httpError('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'), ctxWith(403))
    assert.ok(err instanceof CrmRateLimitedError)
    assert.equal(err.retryAfterMs, 60_000)
  })

  it('when another 4xx comes back, then it is permanent', () => {
    assert.ok(toCrmError(httpError('INVALID_FIELD'), ctxWith(400)) instanceof CrmPermanentError)
  })

  it('when the token is refused (401) or the client is invalid, then the account is not set up', () => {
    assert.ok(toCrmError(httpError('INVALID_SESSION_ID'), ctxWith(401)) instanceof CrmSetupError)
    const oauth = Object.assign(new Error('invalid client credentials'), { name: 'invalid_client' })
    assert.ok(toCrmError(oauth, ctxWith(400)) instanceof CrmSetupError)
  })

  it('when jsforce rewraps a refresh-budget error, then the original cause decides: retryable with retryAfter', () => {
    const ctx = { ...ctxWith(401), refreshError: new TokenRefreshLimitError(12_000, 3) }
    const err = toCrmError(new Error('Unable to refresh session due to: whatever'), ctx)
    assert.ok(err instanceof CrmRetryableError)
    assert.equal(err.retryAfterMs, 12_000)
  })

  it('when there is no HTTP status (network error), then it is retryable', () => {
    assert.ok(toCrmError(Object.assign(new Error('connect ECONNREFUSED'), { name: 'FetchError' }), ctxWith()) instanceof CrmRetryableError)
  })
})

describe('Salesforce refresh budget and describe check', () => {
  it('when the budget is used up, then the next refresh is refused until the minute has passed', () => {
    let t = 0
    const budget = createRefreshBudget({ maxPerMinute: 2, now: () => t })
    assert.deepEqual(budget.take(), { ok: true })
    t = 1000
    assert.deepEqual(budget.take(), { ok: true })
    assert.deepEqual(budget.take(), { ok: false, retryAfterMs: 59_000 })
    t = 60_001
    assert.deepEqual(budget.take(), { ok: true })
  })

  it('when fields are absent or not External IDs, then every one is named as Object.Field__c', async () => {
    const missing = await findMissingExternalIdFields(async (object) => ({
      fields: object === 'Contact'
        ? [{ name: 'AgentClara_Customer_Id__c', externalId: true }]
        : object === 'Task' ? [{ name: 'AgentClara_Message_Id__c', externalId: false }] : []
    }))
    assert.deepEqual(missing, ['Task.AgentClara_Message_Id__c', 'Event.AgentClara_Appointment_Id__c'])
    assert.match(missingFieldsMessage(missing), /Task\.AgentClara_Message_Id__c, Event\.AgentClara_Appointment_Id__c.*External ID/)
  })
})
