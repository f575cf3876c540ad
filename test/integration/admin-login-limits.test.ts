import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { createAdminRouter } from '../../src/admin/index.ts'
import type { LoginLimits } from '../../src/admin/login-throttle.ts'
import { createLogger } from '../../src/logger.ts'
import { createApp } from '../../src/http/create-app.ts'
import { adminBrowser, setCookieValue } from '../helpers/admin-browser.ts'
import { startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'

const ADMIN_TOKEN = 'admin-token-for-limit-tests-0123'
let h: ReceiverHarness
let now = Date.parse('2026-03-01T09:00:00Z')

before(async () => { h = await startReceiverHarness() })
after(() => h.close())

// A fresh app per test: the limits live in the admin router's memory.
function appWith (loginLimits: Partial<LoginLimits> = {}) {
  const logger = createLogger({ level: 'silent' })
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [], logger, now: () => now, loginLimits })
  return createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
}

test('when one address fails five logins, then it gets 429 with Retry-After and a clear message, even with the right token', async () => {
  const app = appWith()
  const attacker = adminBrowser(app, '203.0.113.7')
  for (let i = 0; i < 5; i++) assert.equal((await attacker.logIn('wrong')).status, 401)

  const locked = await attacker.logIn(ADMIN_TOKEN)
  assert.equal(locked.status, 429)
  assert.equal(locked.headers['retry-after'], '60')
  assert.match(locked.text, /Too many failed logins from your address\. Try again in 60 seconds\./)
  assert.equal(setCookieValue(locked, 'admin_session'), undefined)

  // Another address is not locked out; this one is free again once the minute is over.
  assert.equal((await adminBrowser(app, '198.51.100.2').logIn(ADMIN_TOKEN)).status, 303)
  now += 60_000
  assert.equal((await attacker.logIn(ADMIN_TOKEN)).status, 303)
})

test('when the lockout is over and the address fails again, then the next lockout is twice as long', async () => {
  const app = appWith()
  const attacker = adminBrowser(app, '203.0.113.8')
  for (let i = 0; i < 5; i++) await attacker.logIn('wrong')
  now += 60_000
  assert.equal((await attacker.logIn('wrong')).status, 401)
  const locked = await attacker.logIn('wrong')
  assert.equal(locked.status, 429)
  assert.equal(locked.headers['retry-after'], '120')
})

test('when the right token is entered, then the address\'s failures count from zero again', async () => {
  const app = appWith()
  const operator = adminBrowser(app, '203.0.113.9')
  for (let i = 0; i < 4; i++) assert.equal((await operator.logIn('typo')).status, 401)
  assert.equal((await operator.logIn(ADMIN_TOKEN)).status, 303)
  await operator.logOut()
  for (let i = 0; i < 4; i++) assert.equal((await operator.logIn('typo')).status, 401)
  assert.equal((await operator.logIn(ADMIN_TOKEN)).status, 303)
})

test('when failures from all addresses together reach the global cap, then every login is paused with 429', async () => {
  const app = appWith({ globalMaxFailures: 3, globalWindowMs: 60 * 60_000 })
  for (const ip of ['192.0.2.1', '192.0.2.2', '192.0.2.3']) assert.equal((await adminBrowser(app, ip).logIn('wrong')).status, 401)
  const paused = await adminBrowser(app, '198.51.100.50').logIn(ADMIN_TOKEN)
  assert.equal(paused.status, 429)
  assert.equal(paused.headers['retry-after'], '3600')
  assert.match(paused.text, /logins are paused for 60 minutes\. Sessions already open keep working\./)
})
