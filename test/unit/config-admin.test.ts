import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

test('when ADMIN_PORT is unset or empty, then there is no separate admin listener', () => {
  assert.equal(loadConfig({}).adminPort, undefined)
  assert.equal(loadConfig({ ADMIN_PORT: '' }).adminPort, undefined)
})

test('when ADMIN_PORT is set, then the admin listener binds to loopback unless ADMIN_HOST says otherwise, in production too', () => {
  // Secrets strong enough for the production checks (src/production-checks.ts).
  const production = {
    NODE_ENV: 'production',
    DATABASE_URL: 'postgres://x',
    AGENTCLARA_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
    ADMIN_TOKEN: randomBytes(32).toString('base64url')
  }
  const config = loadConfig({ ...production, ADMIN_PORT: '3001' })
  assert.equal(config.adminPort, 3001)
  assert.equal(config.adminHost, '127.0.0.1')
  assert.equal(config.host, '0.0.0.0', 'the public listener is what faces the internet')
  assert.equal(loadConfig({ ADMIN_PORT: '3001', ADMIN_HOST: '10.0.0.5' }).adminHost, '10.0.0.5')
})

test('when ADMIN_PORT or ADMIN_SESSION_IDLE_MINUTES is not a valid number, then start-up fails naming it', () => {
  assert.throws(() => loadConfig({ ADMIN_PORT: 'admin' }), (error: Error) => error instanceof ConfigError && /ADMIN_PORT/.test(error.message))
  assert.throws(() => loadConfig({ ADMIN_PORT: '70000' }), /ADMIN_PORT/)
  assert.throws(() => loadConfig({ ADMIN_SESSION_IDLE_MINUTES: '0' }), /ADMIN_SESSION_IDLE_MINUTES/)
})

test('when ADMIN_SESSION_IDLE_MINUTES is unset, then sessions end after 30 idle minutes', () => {
  assert.equal(loadConfig({}).adminSessionIdleMinutes, 30)
  assert.equal(loadConfig({ ADMIN_SESSION_IDLE_MINUTES: '10' }).adminSessionIdleMinutes, 10)
})
