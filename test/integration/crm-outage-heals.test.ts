import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import request from 'supertest'
import { logIn } from '../helpers/admin-login.ts'
import { hubspotDriftFromMirror } from '../helpers/hubspot-equals-mirror.ts'
import { ADMIN_TOKEN, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// A CRM down for longer than the whole retry window. Attempts are cut to 2 (1 s backoff),
// so without the circuit every record would be dead after two failed calls; with it they
// are parked as `waiting`, and come back by themselves when HubSpot answers again.
let h: SyncHarness
before(async () => {
  h = await startSyncHarness({
    retry: { retryLimit: 1, retryDelay: 1, retryDelayMax: 1 },
    circuit: { threshold: 2, firstProbeMs: 100, maxProbeMs: 400 }
  })
})
after(() => h.close())

const customers = ['out_1', 'out_2', 'out_3']
function events (customer: string) {
  const at = (minute: number) => `2024-07-01T10:0${minute}:00Z`
  return [
    { event: 'conversation.created', timestamp: at(0), data: { conversation_id: `${customer}_conv`, customer_id: customer, customer_name: `Out ${customer}`, channel: 'sms', status: 'open' } },
    { event: 'message.received', timestamp: at(1), data: { conversation_id: `${customer}_conv`, message_id: `${customer}_msg`, sender: 'customer', content: 'hello', channel: 'sms' } },
    { event: 'appointment.booked', timestamp: at(2), data: { conversation_id: `${customer}_conv`, customer_id: customer, customer_name: `Out ${customer}`, customer_phone: '+15550001111', appointment_id: `${customer}_apt`, appointment_time: '2024-07-02T09:00:00Z', service: 'Checkup' } }
  ]
}

const count = async (sql: string, values: unknown[] = []) => Number((await h.pool.query(sql, values)).rows[0].count)

test('when HubSpot is down longer than the retry window, then nothing is dead-lettered and everything syncs once it answers, with no operator action', async () => {
  h.hubspot.faults.set({ failNext: { count: 1_000_000, status: 503 } })
  for (const customer of customers) for (const event of events(customer)) assert.equal((await h.deliver(JSON.stringify(event))).status, 200)

  // Down long enough for every record to have spent more than its attempts (2 calls each),
  // and the circuit is open with every HubSpot record parked.
  await until(async () => ({
    circuit: (await h.pool.query("SELECT state FROM crm_circuits WHERE crm = 'hubspot'")).rows[0]?.state,
    waiting: await count("SELECT count(*) FROM crm_records WHERE crm = 'hubspot' AND status = 'waiting'"),
    failedCalls: h.hubspot.faults.stats().failed
  }), (s) => s.circuit === 'open' && s.waiting === customers.length * 3 && s.failedCalls >= 12, { what: 'circuit open, all parked', timeoutMs: 60_000 })
  assert.equal(await count("SELECT count(*) FROM crm_records WHERE status = 'dead'"), 0)

  // Operators see it in words and in a metric.
  const agent = request.agent(h.app)
  await logIn(agent, ADMIN_TOKEN)
  assert.match((await agent.get('/admin/queues')).text, /HubSpot unreachable since [^,]+, 9 records waiting\./)
  const metrics = await request(h.app).get('/metrics')
  assert.match(metrics.text, /crm_circuit_open\{crm="hubspot"\} 1/)
  assert.match(metrics.text, /crm_records_waiting\{crm="hubspot"\} 9/)

  h.hubspot.faults.reset()
  await until(async () => count("SELECT count(*) FROM crm_records WHERE crm = 'hubspot' AND status = 'synced'"),
    (synced) => synced === customers.length * 3, { what: 'every HubSpot record synced after the outage', timeoutMs: 60_000 })

  assert.equal(await count("SELECT count(*) FROM crm_records WHERE status = 'dead'"), 0)
  assert.equal((await h.pool.query("SELECT state FROM crm_circuits WHERE crm = 'hubspot'")).rows[0]?.state, 'closed')
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, customers), [])
  assert.match((await request(h.app).get('/metrics')).text, /crm_circuit_open\{crm="hubspot"\} 0/)
})
