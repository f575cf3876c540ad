import assert from 'node:assert/strict'
import { test } from 'node:test'
import { sign, verifySignature } from '../../src/receiver/signature.ts'
import { seedEventBody } from '../../src/events/seed-events.ts'

const secret = 'whsec_current'
const body = Buffer.from(seedEventBody('message.received'))
const check = (header: string | undefined, options: { rawBody?: Buffer, secrets?: string[], stringified?: string } = {}) => {
  const result = verifySignature({
    header,
    rawBody: options.rawBody ?? body,
    secrets: options.secrets ?? [secret],
    jsonStringified: () => options.stringified
  })
  // What was signed is checked in its own tests below; most tests only care about the verdict.
  return result.ok ? { ok: result.ok, form: result.form } : result
}

test('when the signature is the hex HMAC of the raw bytes, then it passes in raw form', () => {
  assert.deepEqual(check(sign(body, secret)), { ok: true, form: 'raw' })
})

test('when the header is missing or blank, then it fails as missing', () => {
  assert.deepEqual(check(undefined), { ok: false, reason: 'missing' })
  assert.deepEqual(check('   '), { ok: false, reason: 'missing' })
})

test('when the header is not hex, then it fails as malformed', () => {
  assert.deepEqual(check('z'.repeat(64)), { ok: false, reason: 'malformed' })
})

test('when the header has the wrong length, then it fails as malformed (no timingSafeEqual throw)', () => {
  assert.deepEqual(check(sign(body, secret).slice(0, 62)), { ok: false, reason: 'malformed' })
  assert.deepEqual(check(sign(body, secret) + 'ab'), { ok: false, reason: 'malformed' })
})

test('when the body was signed with another secret, then it fails as mismatch', () => {
  assert.deepEqual(check(sign(body, 'someone-else')), { ok: false, reason: 'mismatch' })
})

test('when the body was tampered with, then it fails as mismatch', () => {
  const tampered = Buffer.from(body.toString().replace('reschedule', 'cancel'))
  assert.deepEqual(check(sign(body, secret), { rawBody: tampered }), { ok: false, reason: 'mismatch' })
})

test('when secrets are rotated, then a signature from either the old or the new secret passes', () => {
  const secrets = ['whsec_new', 'whsec_old']
  assert.equal(check(sign(body, 'whsec_old'), { secrets }).ok, true)
  assert.equal(check(sign(body, 'whsec_new'), { secrets }).ok, true)
  assert.equal(check(sign(body, 'whsec_retired'), { secrets }).ok, false)
})

test('when the sender signed JSON.stringify of the parsed body (the vendor Node sample), then it passes in compat form', () => {
  const stringified = JSON.stringify(JSON.parse(body.toString()))
  assert.notEqual(stringified, body.toString(), 'the seed body is pretty-printed, so the forms differ')
  assert.deepEqual(check(sign(stringified, secret), { stringified }), { ok: true, form: 'json-stringify' })
})

test('when the compat form is signed with a wrong secret, then it still fails', () => {
  const stringified = JSON.stringify(JSON.parse(body.toString()))
  assert.deepEqual(check(sign(stringified, 'wrong'), { stringified }), { ok: false, reason: 'mismatch' })
})

test('when the body is empty and signed, then it passes (and is quarantined later, not here)', () => {
  const empty = Buffer.alloc(0)
  assert.deepEqual(check(sign(empty, secret), { rawBody: empty }), { ok: true, form: 'raw' })
  assert.deepEqual(check(sign(body, secret), { rawBody: empty }), { ok: false, reason: 'mismatch' })
})

test('when the header uses uppercase hex, then it is accepted', () => {
  assert.equal(check(sign(body, secret).toUpperCase()).ok, true)
})

test('when the raw bytes match, then the stringify form is never computed (no parsing for the common case)', () => {
  const result = verifySignature({ header: sign(body, secret), rawBody: body, secrets: [secret], jsonStringified: () => assert.fail('parsed') })
  assert.deepEqual(result, { ok: true, form: 'raw', signedBytes: body })
})

test('when the compat form matches, then what was signed is the stringified text, not the body that was sent', () => {
  const stringified = JSON.stringify(JSON.parse(body.toString()))
  const result = verifySignature({ header: sign(stringified, secret), rawBody: body, secrets: [secret], jsonStringified: () => stringified })
  assert.ok(result.ok)
  assert.equal(result.signedBytes.toString(), stringified)
})

test('when no secret is configured, then nothing verifies and nothing is parsed', () => {
  const result = verifySignature({ header: sign(body, secret), rawBody: body, secrets: [], jsonStringified: () => assert.fail('parsed') })
  assert.deepEqual(result, { ok: false, reason: 'mismatch' })
})
