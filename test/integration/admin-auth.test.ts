import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { createAdminRouter } from '../../src/admin/index.ts'
import { createApp } from '../../src/http/create-app.ts'
import { startReceiverHarness, TEST_SECRET, type ReceiverHarness } from '../helpers/receiver-harness.ts'
import { testLogger } from '../helpers/test-logger.ts'

const ADMIN_TOKEN = 'admin-token-for-tests-0123456789'
let h: ReceiverHarness
let app: ReturnType<typeof createApp>

before(async () => {
  h = await startReceiverHarness()
  const logger = testLogger()
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [{ name: 'hubspot' }, { name: 'salesforce' }], logger })
  app = createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
})
after(() => h.close())

const csrfOf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? assert.fail('no CSRF field in the page')

async function login () {
  const agent = request.agent(app)
  const form = await agent.get('/admin/login')
  const res = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token: ADMIN_TOKEN })
  assert.equal(res.status, 303)
  return { agent, res }
}

const pages = ['/admin', '/admin/deliveries/1', '/admin/customers', '/admin/customers/cust_1', '/admin/dead-letters', '/admin/queues', '/admin/nope']
const posts = ['/admin/logout', '/admin/replay/event/1', '/admin/replay/record/hubspot/contact/cust_1', '/admin/replay/bulk']

test('when a page is requested without a session, then it redirects to the login form', async () => {
  for (const path of pages) {
    const res = await request(app).get(path)
    assert.equal(res.status, 302, path)
    assert.equal(res.headers.location, '/admin/login', path)
  }
})

test('when a POST arrives without a session, then it is refused with 401 and nothing runs', async () => {
  for (const path of posts) {
    const res = await request(app).post(path).type('form').send({ _csrf: 'x', kind: 'events' })
    assert.equal(res.status, 401, path)
  }
})

test('when the session cookie is forged or names no session, then it is refused', async () => {
  // The cookie carries only a random id: a signed-looking value, an unknown id or junk all fail the lookup.
  const forged = ['admin_session=eyJzaWQiOiJhYmMiLCJleHAiOjk5OTk5OTk5OTk5OTl9.forged', `admin_session=${randomBytes(32).toString('base64url')}`, `admin_session=${'x'.repeat(3000)}`]
  for (const cookie of forged) {
    const res = await request(app).get('/admin').set('Cookie', cookie)
    assert.equal(res.status, 302, cookie)
  }
})

test('when the login token is wrong, then 401, the form again and no session cookie', async () => {
  const agent = request.agent(app)
  const form = await agent.get('/admin/login')
  assert.equal(form.status, 200)
  const res = await agent.post('/admin/login').type('form').send({ _csrf: csrfOf(form.text), token: 'not-the-token' })
  assert.equal(res.status, 401)
  assert.match(res.text, /That token is not right/)
  const cookies = ([] as string[]).concat(res.headers['set-cookie'] ?? [])
  assert.ok(!cookies.some((cookie) => cookie.startsWith('admin_session=')))
  assert.equal((await agent.get('/admin')).status, 302)
})

test('when the login token is right, then an HttpOnly, SameSite=Strict session cookie scoped to /admin is set and pages open', async () => {
  const { agent, res } = await login()
  assert.equal(res.headers.location, '/admin')
  const cookie = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((value) => value.startsWith('admin_session='))
  assert.ok(cookie, 'session cookie set')
  assert.match(cookie, /; HttpOnly/)
  assert.match(cookie, /; SameSite=Strict/)
  assert.match(cookie, /; Path=\/admin/)
  assert.match(cookie, /; Max-Age=43200/)
  assert.doesNotMatch(cookie, /Secure/)
  for (const path of ['/admin', '/admin/customers', '/admin/dead-letters', '/admin/queues']) {
    assert.equal((await agent.get(path)).status, 200, path)
  }
})

test('when secureCookies is on, then the session cookie is Secure', async () => {
  const logger = testLogger()
  const admin = createAdminRouter({ pool: h.pool, boss: h.boss, adminToken: ADMIN_TOKEN, crms: [], logger, secureCookies: true })
  const secureApp = createApp({ pool: h.pool, webhook: { inbox: h.inbox, secrets: [TEST_SECRET] }, logger, metrics: h.metrics, routers: [admin] })
  const form = await request(secureApp).get('/admin/login')
  const nonce = ([] as string[]).concat(form.headers['set-cookie'] ?? []).find((value) => value.startsWith('admin_login='))
  assert.ok(nonce)
  assert.match(nonce, /; Secure/)
  const res = await request(secureApp).post('/admin/login').set('Cookie', nonce.split(';')[0] ?? '').type('form')
    .send({ _csrf: csrfOf(form.text), token: ADMIN_TOKEN })
  assert.equal(res.status, 303)
  assert.match(([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n'), /admin_session=[^\n]*; Secure/)
})

test('when the login form is posted without or with a wrong CSRF token, then 403 even with the right admin token', async () => {
  const agent = request.agent(app)
  await agent.get('/admin/login')
  assert.equal((await agent.post('/admin/login').type('form').send({ token: ADMIN_TOKEN })).status, 403)
  assert.equal((await agent.post('/admin/login').type('form').send({ token: ADMIN_TOKEN, _csrf: 'wrong' })).status, 403)
  // A token from another browser's login form does not fit this browser's nonce cookie.
  const other = await request(app).get('/admin/login')
  assert.equal((await agent.post('/admin/login').type('form').send({ token: ADMIN_TOKEN, _csrf: csrfOf(other.text) })).status, 403)
})

test('when a logged-in POST lacks the CSRF token or carries a wrong one, then 403 and nothing is replayed', async () => {
  const { agent } = await login()
  const page = await agent.get('/admin/dead-letters')
  const good = csrfOf(page.text)
  for (const path of posts) {
    assert.equal((await agent.post(path).type('form').send({ kind: 'events' })).status, 403, path)
    assert.equal((await agent.post(path).type('form').send({ kind: 'events', _csrf: `${good}x` })).status, 403, path)
  }
  // Another session's token is no good here either.
  const { agent: other } = await login()
  const otherToken = csrfOf((await other.get('/admin')).text)
  assert.equal((await agent.post('/admin/replay/bulk').type('form').send({ kind: 'events', _csrf: otherToken })).status, 403)
})

test('when logging out, then the session cookie is cleared and pages redirect to login again', async () => {
  const { agent } = await login()
  const token = csrfOf((await agent.get('/admin')).text)
  const res = await agent.post('/admin/logout').type('form').send({ _csrf: token })
  assert.equal(res.status, 303)
  assert.equal(res.headers.location, '/admin/login')
  assert.match(([] as string[]).concat(res.headers['set-cookie'] ?? []).join('\n'), /admin_session=; Path=\/admin; Max-Age=0/)
  assert.equal((await agent.get('/admin')).status, 302)
})

test('when any admin response is sent (page, redirect, refusal, stylesheet), then it carries the security headers', async () => {
  const { agent } = await login()
  const responses = [
    await request(app).get('/admin/login'),
    await request(app).get('/admin'),
    await request(app).post('/admin/replay/bulk'),
    await request(app).get('/admin/admin.css'),
    await agent.get('/admin'),
    await agent.get('/admin/does-not-exist')
  ]
  for (const res of responses) {
    const csp = res.headers['content-security-policy'] ?? ''
    assert.match(csp, /default-src 'self'/)
    assert.doesNotMatch(csp, /unsafe-inline/)
    assert.equal(res.headers['x-frame-options'], 'DENY')
    assert.equal(res.headers['x-content-type-options'], 'nosniff')
    assert.equal(res.headers['referrer-policy'], 'no-referrer')
    assert.equal(res.headers['cache-control'], 'no-store')
  }
  assert.equal(responses[5]?.status, 404)
})

test('when the webhook route is called, then the admin form parser does not touch it', async () => {
  const res = await request(app).post('/webhooks/agentclara').type('form').send({ a: 'b' })
  assert.equal(res.status, 415)
  assert.equal(res.headers['content-security-policy'], undefined)
})
