import assert from 'node:assert/strict'
import { test } from 'node:test'
import { CrmPermanentError, CrmRateLimitedError, CrmRetryableError } from '../../src/crm/errors.ts'
import { isPermanentCategory, retryAfterMs, toCrmError } from '../../src/crm/hubspot/to-crm-error.ts'

/** Shaped like the SDK's ApiException (code, body, headers). */
function apiException (code: number, body: unknown, headers: Record<string, string> = {}) {
  return Object.assign(new Error(`HTTP-Code: ${code}`), { code, body, headers })
}

test('when HubSpot answers 429 with Retry-After, then the error is rate-limited with that wait', () => {
  const error = toCrmError('contacts batch upsert', apiException(429, { message: 'You have reached your ten_secondly_rolling limit.' }, { 'retry-after': '3' }))
  assert.ok(error instanceof CrmRateLimitedError)
  assert.equal(error.retryAfterMs, 3000)
  assert.equal(error.status, 429)
})

test('when a 429 has no Retry-After, then the wait is a tenth of the rolling window the headers name (a slot frees as the oldest request ages out)', () => {
  const error = toCrmError('x', apiException(429, {}, { 'x-hubspot-ratelimit-interval-milliseconds': '10000' }))
  assert.ok(error instanceof CrmRateLimitedError)
  assert.equal(error.retryAfterMs, 1000)
})

test('when Retry-After is an HTTP date, then the wait runs until that date', () => {
  const now = Date.parse('2024-03-15T10:00:00Z')
  assert.equal(retryAfterMs({ 'retry-after': 'Fri, 15 Mar 2024 10:00:05 GMT' }, now), 5000)
})

test('when HubSpot answers 5xx, then the error is retryable', () => {
  const error = toCrmError('x', apiException(502, 'Bad Gateway'))
  assert.ok(error instanceof CrmRetryableError)
  assert.equal(error instanceof CrmRateLimitedError, false)
  assert.equal(error.status, 502)
})

test('when HubSpot answers another 4xx, then the error is permanent and carries its message', () => {
  const error = toCrmError('x', apiException(400, { message: 'Property values were not valid', category: 'VALIDATION_ERROR' }))
  assert.ok(error instanceof CrmPermanentError)
  assert.equal(error.status, 400)
  assert.match(error.message, /Property values were not valid/)
})

test('when the failure is not an HTTP answer (network), then the error is retryable', () => {
  const error = toCrmError('x', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }))
  assert.ok(error instanceof CrmRetryableError)
  assert.equal(error.status, undefined)
})

test('when a per-record error is a validation or conflict, then it is permanent; otherwise retryable', () => {
  assert.equal(isPermanentCategory('VALIDATION_ERROR'), true)
  assert.equal(isPermanentCategory('CONFLICT'), true)
  assert.equal(isPermanentCategory('OBJECT_NOT_FOUND'), true)
  assert.equal(isPermanentCategory('INTERNAL_ERROR'), false)
  assert.equal(isPermanentCategory(undefined), false)
})
