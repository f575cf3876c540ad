import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'
import { until } from '../helpers/until.ts'

// The banner `npm start` prints may show a secret only when the service generated it (in
// development, kept in DATA_DIR/secrets.json). One supplied through the environment is
// someone's real secret: it must not end up in a terminal, a CI log or a log collector.
let database: TestDatabase
const dataDir = mkdtempSync(join(tmpdir(), 'banner-'))
before(async () => { database = await createTestDatabase() })
after(async () => {
  await database.drop()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Starts `node workers/main.ts receiver`, returns what it printed up to the end of its banner, then stops it. */
async function bannerOf (env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['workers/main.ts', 'receiver'], {
    cwd: new URL('../../', import.meta.url),
    env: { PATH: process.env.PATH ?? '', NODE_ENV: 'development', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: database.url, DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  let output = ''
  child.stdout.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  try {
    await until(() => output, (text) => /Dashboard:.*\n/.test(text) || child.exitCode !== null, { timeoutMs: 60_000, what: 'the banner' })
  } finally {
    child.kill('SIGTERM')
    await exited
  }
  assert.match(output, /agentclara-crm-sync is running/, output)
  return output
}

test('when the secret and admin token come from the environment in development, then the banner prints neither', async () => {
  const secret = randomBytes(32).toString('base64url')
  const token = randomBytes(32).toString('base64url')
  const banner = await bannerOf({ AGENTCLARA_WEBHOOK_SECRET: secret, ADMIN_TOKEN: token })
  assert.ok(!banner.includes(secret), 'the webhook secret is printed')
  assert.ok(!banner.includes(token), 'the admin token is printed')
  assert.doesNotMatch(banner, /Secret:|admin token:|X-AgentClara-Signature/)
})

test('when development generates the secret and admin token, then the banner prints them so they can be pasted', async () => {
  const banner = await bannerOf({})
  const generated = JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8'))
  assert.ok(banner.includes(`Secret:        ${generated.webhookSecret}`))
  assert.ok(banner.includes(`(admin token: ${generated.adminToken})`))
})

test('when only the admin token is generated, then only it is printed', async () => {
  const secret = randomBytes(32).toString('base64url')
  const banner = await bannerOf({ AGENTCLARA_WEBHOOK_SECRET: secret })
  assert.ok(!banner.includes(secret))
  assert.match(banner, /\(admin token: /)
})
