import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { freePort } from '../../src/db/free-port.ts'
import { createHttpApps } from '../../src/http/http-apps.ts'
import { createLogger } from '../../src/logger.ts'
import { spawnService, stopService } from '../faults/support/service-process.ts'
import { startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'

let h: ReceiverHarness
before(async () => { h = await startReceiverHarness() })
after(() => h.close())

function apps (separateAdmin: boolean) {
  const logger = createLogger({ level: 'silent' })
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: 'listener-test-admin-token', crms: [], logger })
  return createHttpApps({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin], separateAdmin })
}

test('when the admin listener is separate, then the public app serves only the webhook and /healthz /readyz', async () => {
  const { public: app } = apps(true)
  for (const path of ['/admin', '/admin/login', '/admin/admin.css', '/metrics']) {
    assert.equal((await request(app).get(path)).status, 404, path)
  }
  assert.equal((await request(app).post('/admin/login').type('form').send({ token: 'x' })).status, 404)
  assert.equal((await request(app).get('/healthz')).status, 200)
  assert.equal((await request(app).get('/readyz')).status, 200)
  assert.equal((await request(app).post('/webhooks/agentclara').type('json').send('{}')).status, 401, 'the webhook is there (unsigned: 401)')
})

test('when the admin listener is separate, then it serves /admin and /metrics and nothing of the webhook', async () => {
  const { admin } = apps(true)
  assert.ok(admin)
  const page = await request(admin).get('/admin')
  assert.equal(page.status, 302)
  assert.equal(page.headers.location, '/admin/login')
  assert.equal((await request(admin).get('/admin/login')).status, 200)
  const metrics = await request(admin).get('/metrics')
  assert.equal(metrics.status, 200)
  assert.match(metrics.text, /webhook_deliveries_total/)
  assert.equal((await request(admin).post('/webhooks/agentclara').type('json').send('{}')).status, 404)
  assert.equal((await request(admin).get('/healthz')).status, 404)
})

test('when no admin listener is configured, then one app serves everything as before', async () => {
  const { public: app, admin } = apps(false)
  assert.equal(admin, undefined)
  assert.equal((await request(app).get('/admin')).status, 302)
  assert.equal((await request(app).get('/metrics')).status, 200)
  assert.equal((await request(app).get('/healthz')).status, 200)
})

test('when the service runs with ADMIN_PORT, then /admin and /metrics answer only on that port', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'admin-listener-'))
  const adminPort = await freePort()
  const service = await spawnService('receiver', {
    NODE_ENV: 'development',
    DATABASE_URL: h.database.url,
    DATA_DIR: dataDir,
    AGENTCLARA_WEBHOOK_SECRET: TEST_SECRET,
    ADMIN_TOKEN: 'listener-test-admin-token',
    ADMIN_PORT: String(adminPort),
    LOG_LEVEL: 'warn'
  })
  try {
    const adminUrl = `http://127.0.0.1:${adminPort}`
    assert.equal((await fetch(`${service.url}/admin/login`)).status, 404)
    assert.equal((await fetch(`${service.url}/metrics`)).status, 404)
    assert.equal((await fetch(`${service.url}/healthz`)).status, 200)
    assert.equal((await fetch(`${adminUrl}/admin/login`)).status, 200)
    assert.equal((await fetch(`${adminUrl}/metrics`)).status, 200)
  } finally {
    assert.equal(await stopService(service), 0, service.stderr())
    await rm(dataDir, { recursive: true, force: true })
  }
})
