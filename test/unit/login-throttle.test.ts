import assert from 'node:assert/strict'
import { test } from 'node:test'
import { addressKey, createLoginThrottle, DEFAULT_LOGIN_LIMITS } from '../../src/admin/login-throttle.ts'

const MINUTE = 60_000

function throttleWithClock (limits = {}) {
  let now = 1_000_000
  const throttle = createLoginThrottle(() => now, { ...DEFAULT_LOGIN_LIMITS, ...limits })
  return { throttle, advance: (ms: number) => { now += ms } }
}

test('when one address fails five times, then it is locked for a minute, and each further failure doubles that up to an hour', () => {
  const { throttle, advance } = throttleWithClock()
  for (let i = 0; i < 4; i++) throttle.failed('203.0.113.7')
  assert.deepEqual(throttle.check('203.0.113.7'), { allowed: true })
  const locks: number[] = []
  for (let i = 0; i < 9; i++) {
    throttle.failed('203.0.113.7')
    const verdict = throttle.check('203.0.113.7')
    assert.equal(verdict.allowed, false)
    if (verdict.allowed) return
    assert.equal(verdict.scope, 'address')
    locks.push(verdict.retryAfterMs / MINUTE)
    advance(verdict.retryAfterMs)
    assert.deepEqual(throttle.check('203.0.113.7'), { allowed: true }, 'free again once the lock ends')
  }
  assert.deepEqual(locks, [1, 2, 4, 8, 16, 32, 60, 60, 60])
})

test('when an address logs in successfully, then its failures are forgotten; other addresses are unaffected by its lock', () => {
  const { throttle } = throttleWithClock()
  for (let i = 0; i < 4; i++) throttle.failed('203.0.113.7')
  throttle.succeeded('203.0.113.7')
  for (let i = 0; i < 4; i++) throttle.failed('203.0.113.7')
  assert.deepEqual(throttle.check('203.0.113.7'), { allowed: true })
  throttle.failed('203.0.113.7')
  assert.equal(throttle.check('203.0.113.7').allowed, false)
  assert.deepEqual(throttle.check('198.51.100.1'), { allowed: true })
})

test('when an address has not failed for a day, then it starts afresh', () => {
  const { throttle, advance } = throttleWithClock()
  for (let i = 0; i < 4; i++) throttle.failed('203.0.113.7')
  advance(24 * 60 * MINUTE)
  throttle.failed('203.0.113.7')
  assert.deepEqual(throttle.check('203.0.113.7'), { allowed: true })
})

test('when failures from many addresses reach the global cap, then every login pauses until the oldest leaves the window', () => {
  const { throttle, advance } = throttleWithClock({ globalMaxFailures: 10, globalWindowMs: 10 * MINUTE })
  throttle.failed('192.0.2.1')
  advance(MINUTE)
  for (let i = 2; i <= 10; i++) throttle.failed(`192.0.2.${i}`)
  const verdict = throttle.check('198.51.100.99')
  assert.deepEqual(verdict, { allowed: false, scope: 'global', retryAfterMs: 9 * MINUTE })
  advance(9 * MINUTE)
  assert.deepEqual(throttle.check('198.51.100.99'), { allowed: true })
})

test('when more addresses fail than are tracked, then the least recent are forgotten and memory stays bounded', () => {
  const { throttle } = throttleWithClock({ maxTrackedAddresses: 3, freeFailuresPerAddress: 1, globalMaxFailures: 1000 })
  for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3', '192.0.2.4']) throttle.failed(ip)
  assert.deepEqual(throttle.check('192.0.2.1'), { allowed: true }, 'the oldest was dropped')
  assert.equal(throttle.check('192.0.2.4').allowed, false)
})

test('when addresses are keyed, then IPv4-mapped IPv6 is the IPv4 address and IPv6 counts per /64', () => {
  assert.equal(addressKey('::ffff:203.0.113.7'), '203.0.113.7')
  assert.equal(addressKey('203.0.113.7'), '203.0.113.7')
  assert.equal(addressKey('2001:db8:1:2:aaaa::1'), '2001:db8:1:2::/64')
  assert.equal(addressKey('2001:0DB8:0001:0002:ffff:ffff:ffff:ffff'), '2001:db8:1:2::/64')
  assert.equal(addressKey('2001:db8::1'), '2001:db8:0:0::/64')
  assert.equal(addressKey('::1'), '0:0:0:0::/64')
  assert.equal(addressKey('fe80::1%eth0'), 'fe80:0:0:0::/64')
  assert.equal(addressKey(undefined), 'unknown')
})
