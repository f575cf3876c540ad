import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { createLogger } from '../../src/logger.ts'
import { createApp } from '../../src/http/create-app.ts'
import { adminBrowser, setCookieValue } from '../helpers/admin-browser.ts'
import { startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'

const ADMIN_TOKEN = 'admin-token-for-session-tests-0123'
const MINUTE = 60_000
let h: ReceiverHarness
let now = Date.parse('2026-03-01T09:00:00Z')
const clock = () => now

before(async () => { h = await startReceiverHarness() })
after(() => h.close())

function appWith (options: { adminToken?: string, sessionIdleMinutes?: number } = {}) {
  const logger = createLogger({ level: 'silent' })
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [], logger, now: clock, ...options })
  return createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
}

async function loggedIn (app: ReturnType<typeof appWith>, token = ADMIN_TOKEN) {
  const browser = adminBrowser(app)
  const res = await browser.logIn(token)
  assert.equal(res.status, 303)
  const id = setCookieValue(res, 'admin_session') ?? assert.fail('no session cookie')
  return { browser, id, cookie: `admin_session=${id}` }
}

test('when logged out, then a copy of the session cookie taken before is sent to the login form', async () => {
  const app = appWith()
  const { browser, cookie } = await loggedIn(app)
  assert.equal((await request(app).get('/admin').set('Cookie', cookie)).status, 200)
  assert.equal((await browser.logOut()).status, 303)

  const reused = await request(app).get('/admin').set('Cookie', cookie)
  assert.equal(reused.status, 302)
  assert.equal(reused.headers.location, '/admin/login')
  assert.equal((await request(app).post('/admin/replay/bulk').set('Cookie', cookie).type('form').send({ kind: 'events' })).status, 401)
})

test('when a session is left unused longer than the idle timeout, then it ends; used within it, it lives on', async () => {
  const app = appWith({ sessionIdleMinutes: 30 })
  const { cookie } = await loggedIn(app)
  for (let step = 0; step < 3; step++) {
    now += 29 * MINUTE
    assert.equal((await request(app).get('/admin').set('Cookie', cookie)).status, 200, `after ${(step + 1) * 29} minutes in use`)
  }
  now += 31 * MINUTE
  const idle = await request(app).get('/admin').set('Cookie', cookie)
  assert.equal(idle.status, 302)
  assert.equal(idle.headers.location, '/admin/login')
})

test('when a session reaches 12 hours, then it ends even though it was used all along', async () => {
  const app = appWith()
  const { cookie } = await loggedIn(app)
  const started = now
  while (now + 20 * MINUTE < started + 12 * 60 * MINUTE) {
    now += 20 * MINUTE
    assert.equal((await request(app).get('/admin/queues').set('Cookie', cookie)).status, 200)
  }
  now = started + 12 * 60 * MINUTE
  assert.equal((await request(app).get('/admin/queues').set('Cookie', cookie)).status, 302)
})

test('when ADMIN_TOKEN is rotated, then sessions opened with the old token end and the old token no longer logs in', async () => {
  const { cookie } = await loggedIn(appWith({ adminToken: 'the-old-admin-token-0123456789' }), 'the-old-admin-token-0123456789')
  const rotated = appWith({ adminToken: 'the-new-admin-token-0123456789' })
  assert.equal((await request(rotated).get('/admin').set('Cookie', cookie)).status, 302)
  assert.equal((await adminBrowser(rotated).logIn('the-old-admin-token-0123456789')).status, 401)
  const { cookie: fresh } = await loggedIn(rotated, 'the-new-admin-token-0123456789')
  assert.equal((await request(rotated).get('/admin').set('Cookie', fresh)).status, 200)
})

test('when a session starts, then the cookie holds only a random id and the database only its hash', async () => {
  const { id } = await loggedIn(appWith())
  assert.match(id, /^[\w-]{43}$/, '32 random bytes, base64url: nothing readable, nothing signed')
  const hash = createHash('sha256').update(id).digest()
  const { rows } = await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM admin_sessions WHERE id_hash = $1', [hash])
  assert.equal(rows[0]?.n, 1)
  const raw = await h.pool.query('SELECT 1 FROM admin_sessions WHERE id_hash = $1', [Buffer.from(id)])
  assert.equal(raw.rowCount, 0)
})
