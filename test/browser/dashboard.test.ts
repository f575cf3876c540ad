import assert from 'node:assert/strict'
import type { Server } from 'node:http'
import { after, before, test, type TestContext } from 'node:test'
import type { Browser, Page } from 'playwright-core'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import { chromiumPath, launchChromium } from '../helpers/chromium.ts'
import { ADMIN_TOKEN, hubspotRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// The dashboard end to end in a real headless Chromium. HubSpot starts un-provisioned (its
// custom properties missing), so the contact write is rejected and dead-lettered; after the
// CRM admin "fixes the setup" the operator replays it from the dashboard and it syncs.
// Each test opens its own browser context (no shared cookies) and delivers what it needs.
const executablePath = chromiumPath()
const skip = executablePath ? false : 'no Chromium found (install Debian\'s chromium, or set CHROMIUM_PATH)'

let h: SyncHarness
let server: Server
let browser: Browser
let base: string

before(async () => {
  if (!executablePath) return
  h = await startSyncHarness({ prepare: false })
  server = h.app.listen(0, '127.0.0.1')
  await new Promise((resolve) => server.once('listening', resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
  browser = await launchChromium(executablePath)
})

after(async () => {
  if (!executablePath) return
  await browser.close()
  await new Promise((resolve) => server.close(resolve))
  await h.close()
})

/** A fresh browser context (its own cookies), closed when the test ends. */
async function newPage (t: TestContext): Promise<Page> {
  const context = await browser.newContext()
  t.after(() => context.close())
  return context.newPage()
}

async function logIn (page: Page): Promise<void> {
  await page.goto(`${base}/admin/login`)
  await page.fill('#token', ADMIN_TOKEN)
  await Promise.all([page.waitForURL(/\/admin(\?|$)/), page.click('button[type=submit]')])
}

/** Delivers the seed's five events (again: duplicates are harmless) and waits until they are applied. */
async function deliverSeed (): Promise<void> {
  const bodies = seedEventTypes.map((type) => seedEventBody(type))
  for (const body of bodies) assert.equal((await h.deliver(body)).status, 200)
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM webhook_events WHERE status = 'applied' AND raw_body = ANY($1)", [bodies.map((body) => Buffer.from(body))])).rows[0].n,
    (n) => n === bodies.length, { what: 'the seed events applied' })
}

test('when not logged in, then admin pages redirect to the login form and actions are refused', { skip }, async (t) => {
  const page = await newPage(t)
  for (const path of ['/admin', '/admin/dead-letters', '/admin/customers', '/admin/queues', '/admin/activity']) {
    await page.goto(`${base}${path}`)
    assert.match(page.url(), /\/admin\/login/, path)
  }
  const response = await fetch(`${base}/admin/replay/bulk`, { method: 'POST', redirect: 'manual' })
  assert.ok([401, 403].includes(response.status))
})

test('when the wrong token is entered, then login fails; with the right one the deliveries list shows', { skip }, async (t) => {
  const page = await newPage(t)
  await page.goto(`${base}/admin/login`)
  await page.fill('#token', 'wrong')
  await page.click('button[type=submit]')
  assert.match(await page.textContent('body') ?? '', /Log in/)
  await page.fill('#token', ADMIN_TOKEN)
  await Promise.all([page.waitForURL(/\/admin(\?|$)/), page.click('button[type=submit]')])
  assert.match(await page.textContent('body') ?? '', /Log out/)
})

test('when the seed events arrive, then the list and the detail page show them with PII masked', { skip }, async (t) => {
  await deliverSeed()
  const page = await newPage(t)
  await logIn(page)
  const list = await page.textContent('body') ?? ''
  for (const type of seedEventTypes) assert.ok(list.includes(type), type)
  await page.click('tr:has-text("appointment.booked") a[href^="/admin/deliveries/"]')
  const detail = await page.textContent('body') ?? ''
  assert.ok(detail.includes('apt_123'))
  assert.ok(!detail.includes('+15551234567'), 'the phone is masked by default')
  await page.screenshot({ path: 'test/browser/last-dashboard.png', fullPage: true })
})

test('when the activity page opens, then the browser draws its three SVG charts without a CSP complaint', { skip }, async (t) => {
  const page = await newPage(t)
  await logIn(page)
  await deliverSeed()
  const complaints: string[] = []
  page.on('console', (message) => { if (/Content.Security.Policy/i.test(message.text())) complaints.push(message.text()) })
  await page.goto(`${base}/admin/activity`)
  const charts = page.locator('svg.chart')
  assert.equal(await charts.count(), 3)
  for (const chart of await charts.all()) assert.ok(((await chart.boundingBox())?.width ?? 0) > 200, 'the chart is laid out')
  const applied = page.locator('svg.chart path.series', { has: page.locator('title', { hasText: /^applied$/ }) })
  assert.ok(((await applied.boundingBox())?.width ?? 0) > 0, 'the applied deliveries line is drawn')
  assert.notEqual(await applied.evaluate('(path) => getComputedStyle(path).stroke'), 'none', 'the stylesheet colours it')
  assert.deepEqual(complaints, [])
  await page.screenshot({ path: 'test/browser/last-activity.png', fullPage: true })
})

test('when a dead-lettered record is replayed after the CRM is fixed, then it lands in the CRM', { skip }, async (t) => {
  await deliverSeed()
  await until(async () => (await h.pool.query("SELECT count(*)::int AS n FROM crm_records WHERE crm = 'hubspot' AND status = 'dead'")).rows[0].n, (n) => n >= 1, { what: 'dead HubSpot records' })
  assert.equal(hubspotRecords(h.hubspot, 'contacts').length, 0)
  const page = await newPage(t)
  await logIn(page)
  await page.goto(`${base}/admin/dead-letters?crm=hubspot`)
  assert.match(await page.textContent('body') ?? '', /PROPERTY_DOESNT_EXIST|does not exist|Property/i)

  // The CRM admin creates the missing properties. (A waiting message may queue its contact
  // again before the click, so the replay may find fewer dead records than the page showed.)
  const hubspot = h.connectors.find((connector) => connector.name === 'hubspot')
  await hubspot?.prepare()
  await page.click('form.bulk >> nth=-1 >> button')
  assert.match(await page.textContent('body') ?? '', /Queued \d+ dead CRM record/)
  const [contact] = await until(() => hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', 'cust_xyz789'), (found) => found.length === 1, { what: 'replayed contact in HubSpot' })
  assert.equal(contact?.properties.firstname, 'John')
  await until(() => hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', 'apt_123'), (found) => found.length === 1)
})

test('when logging out, then the session is gone', { skip }, async (t) => {
  const page = await newPage(t)
  await logIn(page)
  await Promise.all([page.waitForURL(/\/admin\/login/), page.click('text=Log out')])
  await page.goto(`${base}/admin/queues`)
  assert.match(page.url(), /\/admin\/login/)
})
