import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

// A production environment that passes every check; each test spoils one thing.
const good = {
  NODE_ENV: 'production',
  DATABASE_URL: `postgres://agentclara:${randomBytes(32).toString('hex')}@db.internal:5432/agentclara`,
  AGENTCLARA_WEBHOOK_SECRET: randomBytes(32).toString('base64url'),
  ADMIN_TOKEN: randomBytes(32).toString('base64url')
}
const refusal = (overrides: Record<string, string | undefined>) => {
  try {
    loadConfig({ ...good, ...overrides })
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error))
    return error.message
  }
  assert.fail(`accepted ${JSON.stringify(Object.keys(overrides))}`)
}
const GENERATE = /randomBytes\(32\)\.toString\('base64url'\)/

test('when production is configured with strong secrets, then it loads', () => {
  const config = loadConfig(good)
  assert.equal(config.adminToken, good.ADMIN_TOKEN)
  assert.deepEqual(config.webhookSecrets, [good.AGENTCLARA_WEBHOOK_SECRET])
})

test('when production gets a known placeholder secret in any spelling, then it refuses and names the variable and a generate command', () => {
  for (const placeholder of ['change-me', 'change-me-too', 'changeme', 'CHANGE_ME', 'secret', 'password', 'your-secret-here', 'example-token-0123456789abcdef0123456789abcdef']) {
    const webhook = refusal({ AGENTCLARA_WEBHOOK_SECRET: placeholder })
    assert.match(webhook, /AGENTCLARA_WEBHOOK_SECRET is a placeholder/)
    assert.match(webhook, GENERATE)
    assert.match(refusal({ ADMIN_TOKEN: placeholder }), /ADMIN_TOKEN is a placeholder/)
  }
})

test('when production gets a secret value that .env.example (old or new) shows, then it refuses', () => {
  const shipped = readFileSync('.env.example', 'utf8').split('\n')
    .map((line) => /^(AGENTCLARA_WEBHOOK_SECRET|ADMIN_TOKEN)=(.*)$/.exec(line)).filter((match) => match !== null)
  assert.equal(shipped.length, 2, '.env.example lists both secrets')
  for (const [, name, value] of shipped) {
    // An empty value is "missing"; anything else would have to be refused as a placeholder.
    assert.match(refusal({ [name as string]: value }), new RegExp(`${name}`))
  }
  assert.match(refusal({ ADMIN_TOKEN: 'change-me-too' }), /ADMIN_TOKEN is a placeholder/)
})

test('when the admin token has less than 32 random bytes, then production refuses it with the bits it has', () => {
  const message = refusal({ ADMIN_TOKEN: randomBytes(24).toString('base64url') })
  assert.match(message, /ADMIN_TOKEN is too weak: about 192 bits of random material, at least 256 needed/)
  assert.match(message, GENERATE)
  assert.match(refusal({ ADMIN_TOKEN: randomBytes(31).toString('hex') }), /ADMIN_TOKEN is too weak/)
  assert.ok(!message.includes(good.ADMIN_TOKEN))
})

test('when a secret is long but low-variety, then production refuses it as not random', () => {
  assert.match(refusal({ ADMIN_TOKEN: 'a'.repeat(64) }), /ADMIN_TOKEN does not look random \(only 1 distinct/)
  assert.match(refusal({ ADMIN_TOKEN: '0123456789abcdef'.repeat(4) }), /ADMIN_TOKEN does not look random/)
  assert.match(refusal({ ADMIN_TOKEN: 'correcthorsebatterystaplecorrecthorsebatterystaple' }), /ADMIN_TOKEN does not look random/)
  assert.match(refusal({ AGENTCLARA_WEBHOOK_SECRET: 'abcdefghijklmnopqrstuvwxyzABCDEF' }), /does not look random/)
})

test('when the webhook secret is a vendor-style 16–24 byte value, then production accepts it (it is not ours to choose)', () => {
  for (const secret of [randomBytes(16).toString('hex'), randomBytes(16).toString('base64url'), `whsec_${randomBytes(24).toString('hex')}`]) {
    assert.deepEqual(loadConfig({ ...good, AGENTCLARA_WEBHOOK_SECRET: secret }).webhookSecrets, [secret])
  }
  assert.match(refusal({ AGENTCLARA_WEBHOOK_SECRET: randomBytes(12).toString('hex') }), /AGENTCLARA_WEBHOOK_SECRET is too weak: about 96 bits/)
})

test('when one of several rotated webhook secrets is weak, then production names that entry without printing it', () => {
  const weak = 'hunter2hunter2'
  const message = refusal({ AGENTCLARA_WEBHOOK_SECRET: `${good.AGENTCLARA_WEBHOOK_SECRET},${weak}` })
  assert.match(message, /AGENTCLARA_WEBHOOK_SECRET \(entry 2 of 2\)/)
  assert.ok(!message.includes(weak) && !message.includes(good.AGENTCLARA_WEBHOOK_SECRET))
})

test('when DATABASE_URL carries a placeholder password, then production refuses it', () => {
  assert.match(refusal({ DATABASE_URL: 'postgres://agentclara:change-me@postgres:5432/agentclara' }), /DATABASE_URL has a placeholder password/)
})

test('when a CRM URL is plain http in production, then it refuses, naming the variable without credentials', () => {
  assert.match(refusal({ HUBSPOT_BASE_URL: 'http://api.hubapi.com' }), /HUBSPOT_BASE_URL must be an https: URL in production \(it is http:\/\/api\.hubapi\.com\)/)
  const salesforce = { SALESFORCE_CLIENT_ID: 'client', SALESFORCE_CLIENT_SECRET: randomBytes(16).toString('hex') }
  assert.match(refusal({ ...salesforce, SALESFORCE_LOGIN_URL: 'http://login.example.my.salesforce.com' }), /SALESFORCE_LOGIN_URL must be an https: URL/)
  const message = refusal({ SALESFORCE_INSTANCE_URL: 'http://user:pw@acme.my.salesforce.com', SALESFORCE_ACCESS_TOKEN: randomBytes(16).toString('hex') })
  assert.match(message, /SALESFORCE_INSTANCE_URL must be an https: URL/)
  assert.ok(!message.includes('pw@'))
  assert.equal(loadConfig({ ...good, ...salesforce, SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com' }).salesforce?.mode, 'real')
})

test('when the same weak values are used in development, then they are accepted (the checks are for production)', () => {
  const config = loadConfig({ NODE_ENV: 'development', AGENTCLARA_WEBHOOK_SECRET: 'change-me', ADMIN_TOKEN: 'change-me-too', HUBSPOT_BASE_URL: 'http://127.0.0.1:1234' })
  assert.equal(config.adminToken, 'change-me-too')
})
