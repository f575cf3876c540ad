import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { sign, verifySignature } from '../../src/receiver/signature.ts'

const body = fc.uint8Array({ maxLength: 2048 }).map((bytes) => Buffer.from(bytes))
const secret = fc.string({ minLength: 1, maxLength: 64 })

test('when any body is signed with any configured secret, then it verifies in raw form', () => {
  fc.assert(fc.property(body, fc.uniqueArray(secret, { minLength: 1, maxLength: 4 }), fc.nat(), (raw, secrets, pick) => {
    const used = secrets[pick % secrets.length] as string
    assert.deepEqual(verifySignature({ header: sign(raw, used), rawBody: raw, secrets }), { ok: true, form: 'raw', signedBytes: raw })
  }))
})

test('when a body is signed with a secret that is not configured, then it never verifies', () => {
  fc.assert(fc.property(body, secret, secret, (raw, configured, other) => {
    fc.pre(configured !== other)
    assert.equal(verifySignature({ header: sign(raw, other), rawBody: raw, secrets: [configured] }).ok, false)
  }))
})

test('when any byte of a signed body changes, then it no longer verifies', () => {
  fc.assert(fc.property(body.filter((raw) => raw.length > 0), secret, fc.nat(), fc.integer({ min: 1, max: 255 }), (raw, key, at, flip) => {
    const header = sign(raw, key)
    const tampered = Buffer.from(raw)
    const index = at % tampered.length
    tampered[index] = (tampered[index] as number) ^ flip
    assert.equal(verifySignature({ header, rawBody: tampered, secrets: [key] }).ok, false)
  }))
})

test('when the header is any string that is not 64 hex digits, then it is rejected without throwing', () => {
  fc.assert(fc.property(fc.string({ maxLength: 200 }), body, (header, raw) => {
    fc.pre(!/^\s*[0-9a-fA-F]{64}\s*$/.test(header))
    const result = verifySignature({ header, rawBody: raw, secrets: ['s'] })
    assert.equal(result.ok, false)
  }))
})
