import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

// loadConfig reads only the object it is given, so each test passes exactly the
// environment it means. Secrets are random enough for production's strength rules
// (test/unit/config-production.test.ts covers those), so they do not change what these
// tests are about.
const SECRET = 'whsec_4f1c9a7e2b6d8035c1e9f7a2b4d6c8e0'
const ADMIN = 'Jf3kR9vXq2LmZ7tB1wYc8NdP4sHgUe6aQoVi0rTyKx5'
const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://app:V7qLm2xR9kT4wZ8p@db:5432/app', AGENTCLARA_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN: ADMIN }

function configError (environment: Record<string, string | undefined>): string {
  try {
    loadConfig(environment)
  } catch (error) {
    assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`)
    return error.message
  }
  return assert.fail('expected loadConfig to throw')
}

test('when nothing is set, then development defaults apply and both CRMs use their sandboxes', () => {
  const config = loadConfig({})
  assert.equal(config.env, 'development')
  assert.equal(config.port, 3000)
  assert.equal(config.host, '127.0.0.1')
  assert.equal(config.dataDir, '.data')
  assert.equal(config.logLevel, 'info')
  assert.equal(config.crmTimeoutMs, 10_000)
  assert.equal(config.databaseUrl, undefined)
  assert.equal(config.webhookSecrets, undefined)
  assert.equal(config.adminToken, undefined)
  assert.deepEqual(config.hubspot, {
    mode: 'sandbox', baseUrl: 'https://api.hubapi.com', appointmentObject: 'meetings', portalId: undefined, requestsPer10s: 100, dailyLimit: 250_000, dailyShare: 0.5, mappingFile: undefined
  })
  assert.deepEqual(config.salesforce, {
    mode: 'sandbox', apiVersion: '62.0', requestsPer10s: 250, dailyLimit: 100_000, dailyShare: 0.5, mappingFile: undefined, personObject: 'Contact'
  })
})

test('when variables are set but empty, then they count as unset', () => {
  const config = loadConfig({ DATABASE_URL: '', ADMIN_TOKEN: '  ', HOST: '', HUBSPOT_ACCESS_TOKEN: '', SALESFORCE_CLIENT_ID: '' })
  assert.equal(config.databaseUrl, undefined)
  assert.equal(config.adminToken, undefined)
  assert.equal(config.host, '127.0.0.1')
  assert.equal(config.hubspot?.mode, 'sandbox')
  assert.equal(config.salesforce?.mode, 'sandbox')
})

test('when numbers and names are given as text, then they are parsed and trimmed', () => {
  const config = loadConfig({
    PORT: '8080',
    HOST: '0.0.0.0',
    CRM_TIMEOUT_MS: '2500',
    LOG_LEVEL: 'debug',
    DATA_DIR: '/var/lib/sync',
    AGENTCLARA_WEBHOOK_SECRET: ` ${SECRET} , old-secret ,, `,
    HUBSPOT_APPOINTMENT_OBJECT: 'appointments',
    HUBSPOT_REQUESTS_PER_10S: '190'
  })
  assert.equal(config.port, 8080)
  assert.equal(config.host, '0.0.0.0')
  assert.equal(config.crmTimeoutMs, 2500)
  assert.equal(config.logLevel, 'debug')
  assert.equal(config.dataDir, '/var/lib/sync')
  assert.deepEqual(config.webhookSecrets, [SECRET, 'old-secret'])
  assert.equal(config.hubspot?.appointmentObject, 'appointments')
  assert.equal(config.hubspot?.requestsPer10s, 190)
})

test('when NODE_ENV=production and the required variables are missing, then a ConfigError names every one of them', () => {
  const message = configError({ NODE_ENV: 'production' })
  assert.match(message, /NODE_ENV=production/)
  for (const name of ['DATABASE_URL', 'AGENTCLARA_WEBHOOK_SECRET', 'ADMIN_TOKEN']) assert.match(message, new RegExp(name))
  assert.match(message, /\.env\.example/)
})

test('when NODE_ENV=production and only one is missing, then only that one is named', () => {
  const message = configError({ ...production, ADMIN_TOKEN: undefined })
  assert.match(message, /ADMIN_TOKEN/)
  assert.doesNotMatch(message, /DATABASE_URL|AGENTCLARA_WEBHOOK_SECRET/)
})

test('when NODE_ENV=production and the webhook secret holds only commas, then it counts as missing', () => {
  assert.match(configError({ ...production, AGENTCLARA_WEBHOOK_SECRET: ' , ,' }), /AGENTCLARA_WEBHOOK_SECRET/)
})

test('when NODE_ENV=production is complete, then it listens on all interfaces and a CRM without credentials is off', () => {
  const config = loadConfig(production)
  assert.equal(config.env, 'production')
  assert.equal(config.host, '0.0.0.0')
  assert.equal(config.databaseUrl, production.DATABASE_URL)
  assert.deepEqual(config.webhookSecrets, [SECRET])
  assert.equal(config.hubspot, undefined)
  assert.equal(config.salesforce, undefined)
})

test('when NODE_ENV=production has CRM credentials, then those CRMs are real', () => {
  const config = loadConfig({ ...production, HUBSPOT_ACCESS_TOKEN: 'pat-na1-123', SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com', SALESFORCE_ACCESS_TOKEN: '00D!abc' })
  assert.deepEqual(config.hubspot, {
    mode: 'real', accessToken: 'pat-na1-123', baseUrl: 'https://api.hubapi.com', appointmentObject: 'meetings', portalId: undefined, requestsPer10s: 100, dailyLimit: 250_000, dailyShare: 0.5, mappingFile: undefined
  })
  assert.deepEqual(config.salesforce?.credentials, { kind: 'access-token', instanceUrl: 'https://acme.my.salesforce.com', accessToken: '00D!abc' })
  assert.equal(config.salesforce?.mode, 'real')
})

test('when the Salesforce client-credentials trio is set, then it is used (even if a token is set too)', () => {
  const config = loadConfig({
    SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
    SALESFORCE_CLIENT_ID: 'id',
    SALESFORCE_CLIENT_SECRET: 'secret',
    SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com',
    SALESFORCE_ACCESS_TOKEN: 'token',
    SALESFORCE_API_VERSION: '61.0'
  })
  assert.deepEqual(config.salesforce, {
    mode: 'real',
    credentials: { kind: 'client-credentials', loginUrl: 'https://acme.my.salesforce.com', clientId: 'id', clientSecret: 'secret' },
    apiVersion: '61.0',
    requestsPer10s: 250,
    dailyLimit: 100_000,
    dailyShare: 0.5,
    mappingFile: undefined,
    personObject: 'Contact'
  })
})

test('when the Salesforce configuration is incomplete, then a ConfigError says which combinations work', () => {
  for (const partial of [
    { SALESFORCE_CLIENT_ID: 'id' },
    { SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com', SALESFORCE_CLIENT_ID: 'id' },
    { SALESFORCE_CLIENT_SECRET: 'secret' },
    { SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com' },
    { SALESFORCE_ACCESS_TOKEN: 'token' }
  ]) {
    const message = configError(partial)
    assert.match(message, /Incomplete Salesforce configuration/, JSON.stringify(partial))
    assert.match(message, /SALESFORCE_LOGIN_URL \+ SALESFORCE_CLIENT_ID \+ SALESFORCE_CLIENT_SECRET/)
    assert.match(message, /SALESFORCE_INSTANCE_URL \+ SALESFORCE_ACCESS_TOKEN/)
  }
})

test('when a value is invalid, then a ConfigError names the variable', () => {
  const cases: Array<[Record<string, string>, RegExp]> = [
    [{ NODE_ENV: 'staging' }, /NODE_ENV/],
    [{ PORT: 'eighty' }, /PORT/],
    [{ PORT: '70000' }, /PORT/],
    [{ PORT: '80.5' }, /PORT/],
    [{ LOG_LEVEL: 'verbose' }, /LOG_LEVEL/],
    [{ CRM_TIMEOUT_MS: '50' }, /CRM_TIMEOUT_MS/],
    [{ CRM_TIMEOUT_MS: '600000' }, /CRM_TIMEOUT_MS/],
    [{ HUBSPOT_BASE_URL: 'api.hubapi.com' }, /HUBSPOT_BASE_URL/],
    [{ HUBSPOT_APPOINTMENT_OBJECT: 'tasks' }, /HUBSPOT_APPOINTMENT_OBJECT/],
    [{ HUBSPOT_REQUESTS_PER_10S: '0' }, /HUBSPOT_REQUESTS_PER_10S/],
    [{ SALESFORCE_API_VERSION: '62' }, /SALESFORCE_API_VERSION: like 62\.0/]
  ]
  for (const [environment, name] of cases) {
    const message = configError(environment)
    assert.match(message, /^Invalid configuration:/, JSON.stringify(environment))
    assert.match(message, name, JSON.stringify(environment))
  }
})

test('when several values are invalid, then one ConfigError lists them all, one per line', () => {
  const message = configError({ PORT: 'x', LOG_LEVEL: 'loud', CRM_TIMEOUT_MS: '1' })
  const lines = message.split('\n').slice(1)
  assert.equal(lines.length, 3)
  assert.ok(lines.some((line) => line.trim().startsWith('PORT:')))
  assert.ok(lines.some((line) => line.trim().startsWith('LOG_LEVEL:')))
  assert.ok(lines.some((line) => line.trim().startsWith('CRM_TIMEOUT_MS:')))
})

test('when an invalid value is reported, then the value itself (it may be a secret) is not in the message', () => {
  const message = configError({ ADMIN_TOKEN: ADMIN, LOG_LEVEL: 'hunter2-secret-looking' })
  assert.doesNotMatch(message, /hunter2/)
  assert.doesNotMatch(message, new RegExp(ADMIN))
})
