import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { loadConfig } from '../../src/config.ts'
import type { ConnectorDeps, CrmConnector, RecordResult } from '../../src/crm/connector.ts'
import { crmRegistry, type CrmDefinition } from '../../src/crm/registry.ts'
import { seedEventBody } from '../../src/events/seed-events.ts'
import { startService, type RunningService } from '../../src/main.ts'
import type { ContactState } from '../../src/mirror/states.ts'
import { sign } from '../../src/receiver/signature.ts'
import { startWorkers } from '../../workers/start-workers.ts'
import { logIn } from '../helpers/admin-login.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'
import { until } from '../helpers/until.ts'
import { testLogger, testLogLevel } from '../helpers/test-logger.ts'

// A throwaway third CRM, defined only here: if the service derives its CRMs from the
// registry everywhere, this definition alone gets a queue, a sync worker, a dashboard
// filter and metrics — with no edit anywhere else.
const SECRET = 'third-crm-test-secret'
const ADMIN_TOKEN = 'third-crm-test-admin-token'
const written: ContactState[] = []

function createNotebookConnector (deps: ConnectorDeps): CrmConnector {
  const ok = (key: string): RecordResult => ({ key, ok: true, crmId: `nb-${key}` })
  return {
    name: 'notebook',
    async prepare () {},
    async upsertContacts (contacts) {
      await deps.limiter.acquire()
      deps.onRequest?.(200)
      written.push(...contacts)
      return contacts.map((contact) => ok(contact.customerId))
    },
    async upsertMessages (messages) { deps.onRequest?.(200); return messages.map((m) => ok(m.messageId)) },
    async upsertAppointments (appointments) { deps.onRequest?.(200); return appointments.map((a) => ok(a.appointmentId)) },
    async eraseCustomer () { return { contact: [], message: [], appointment: [] } }
  }
}

const notebook: CrmDefinition = {
  name: 'notebook',
  target: () => 'real',
  budget: () => ({ limit: 50, windowMs: 10_000, dailyLimit: 10_000, dailyShare: 1 }),
  connect: (_config, deps) => createNotebookConnector(deps)
}

let database: TestDatabase
let dataDir: string
let service: RunningService

before(async () => {
  database = await createTestDatabase()
  dataDir = await mkdtemp(join(tmpdir(), 'third-crm-'))
  const config = loadConfig({
    NODE_ENV: 'test', PORT: '0', DATA_DIR: dataDir, DATABASE_URL: database.url, AGENTCLARA_WEBHOOK_SECRET: SECRET, ADMIN_TOKEN, LOG_LEVEL: testLogLevel()
  })
  service = await startService({
    config, role: 'all', logger: testLogger(), startWorkers, crms: [...crmRegistry, notebook]
  })
})

after(async () => {
  await service.stop()
  await database.drop()
  await rm(dataDir, { recursive: true, force: true })
})

test('when a third CRM is only registered, then it gets its queue, its sync worker, its dashboard filter and its metrics', async () => {
  const body = seedEventBody('conversation.created')
  const delivered = await request(service.url).post('/webhooks/agentclara')
    .set({ 'Content-Type': 'application/json', 'X-AgentClara-Signature': sign(body, SECRET) }).send(body)
  assert.equal(delivered.status, 200)

  // Its sync worker wrote the contact (through its own queue, sync-notebook).
  const contact = await until(() => written.find((state) => state.customerId === 'cust_xyz789'), Boolean, { what: 'the contact in the third CRM' })
  assert.equal(contact?.name, 'John Smith')

  const agent = request.agent(service.url)
  await logIn(agent, ADMIN_TOKEN)
  const deadLetters = await agent.get('/admin/dead-letters')
  assert.match(deadLetters.text, /<option value="notebook"/)
  const queues = await agent.get('/admin/queues')
  assert.match(queues.text, /sync-notebook/)

  const metrics = await request(service.url).get('/metrics')
  assert.match(metrics.text, /crm_requests_total\{crm="notebook",status="200"\} [1-9]/)
  assert.match(metrics.text, /crm_sync_total\{crm="notebook",outcome="synced"\} [1-9]/)
})
