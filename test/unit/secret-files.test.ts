import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { ConfigError, loadConfig } from '../../src/config.ts'

const dir = mkdtempSync(join(tmpdir(), 'secret-files-'))
after(() => rmSync(dir, { recursive: true, force: true }))
const file = (name: string, contents: string) => {
  const path = join(dir, name)
  writeFileSync(path, contents, { mode: 0o600 })
  return path
}
const strong = () => randomBytes(32).toString('base64url')

test('when every secret comes from a *_FILE variable, then production loads them with the trailing newline trimmed', () => {
  const values = {
    AGENTCLARA_WEBHOOK_SECRET: `${strong()},${strong()}`,
    ADMIN_TOKEN: strong(),
    DATABASE_URL: `postgres://app:${randomBytes(32).toString('hex')}@db:5432/app`,
    HUBSPOT_ACCESS_TOKEN: `pat-na1-${randomBytes(16).toString('hex')}`,
    SALESFORCE_ACCESS_TOKEN: strong()
  }
  const environment: Record<string, string> = { NODE_ENV: 'production', SALESFORCE_INSTANCE_URL: 'https://acme.my.salesforce.com' }
  for (const [name, value] of Object.entries(values)) environment[`${name}_FILE`] = file(name, `${value}\n`)
  const config = loadConfig(environment)
  assert.deepEqual(config.webhookSecrets, values.AGENTCLARA_WEBHOOK_SECRET.split(','))
  assert.equal(config.adminToken, values.ADMIN_TOKEN)
  assert.equal(config.databaseUrl, values.DATABASE_URL)
  assert.equal(config.hubspot?.accessToken, values.HUBSPOT_ACCESS_TOKEN)
  assert.deepEqual(config.salesforce?.credentials, { kind: 'access-token', instanceUrl: 'https://acme.my.salesforce.com', accessToken: values.SALESFORCE_ACCESS_TOKEN })
})

test('when SALESFORCE_CLIENT_SECRET_FILE holds a CRLF-terminated value, then the client secret is read without it', () => {
  const secret = strong()
  const config = loadConfig({
    SALESFORCE_LOGIN_URL: 'https://acme.my.salesforce.com',
    SALESFORCE_CLIENT_ID: 'client',
    SALESFORCE_CLIENT_SECRET_FILE: file('sf', `${secret}\r\n`)
  })
  assert.deepEqual(config.salesforce?.credentials, { kind: 'client-credentials', loginUrl: 'https://acme.my.salesforce.com', clientId: 'client', clientSecret: secret })
})

test('when both a variable and its *_FILE are set, then loading fails naming both', () => {
  assert.throws(() => loadConfig({ ADMIN_TOKEN: strong(), ADMIN_TOKEN_FILE: file('admin', strong()) }),
    (error: Error) => error instanceof ConfigError && /Both ADMIN_TOKEN and ADMIN_TOKEN_FILE are set/.test(error.message))
})

test('when a *_FILE names a missing or empty file, then loading fails naming the variable and path', () => {
  const missing = join(dir, 'nope')
  assert.throws(() => loadConfig({ DATABASE_URL_FILE: missing }),
    (error: Error) => error instanceof ConfigError && error.message.includes(`DATABASE_URL_FILE: cannot read ${missing} (ENOENT)`))
  const empty = file('empty', '\n')
  assert.throws(() => loadConfig({ HUBSPOT_ACCESS_TOKEN_FILE: empty }),
    (error: Error) => error instanceof ConfigError && error.message.includes(`HUBSPOT_ACCESS_TOKEN_FILE: ${empty} is empty`))
})

test('when a secret file holds a placeholder, then production refuses it like the variable', () => {
  assert.throws(() => loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: `postgres://app:${randomBytes(32).toString('hex')}@db:5432/app`,
    AGENTCLARA_WEBHOOK_SECRET: strong(),
    ADMIN_TOKEN_FILE: file('placeholder', 'change-me-too\n')
  }), /ADMIN_TOKEN is a placeholder/)
})
