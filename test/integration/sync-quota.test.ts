import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { enqueueSync } from '../../src/sync/enqueue-sync.ts'
import type { JobWithMetadata } from 'pg-boss'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { withTransaction } from '../../src/db/pool.ts'
import type { AgentClaraEvent } from '../../src/events/schemas.ts'
import { createLogger } from '../../src/logger.ts'
import { applyEvent } from '../../src/mirror/apply-event.ts'
import { APPLY_QUEUE } from '../../src/mirror/apply-queue.ts'
import { entityKey, type EntityRef } from '../../src/mirror/entity-ref.ts'
import { createCircuit } from '../../src/sync/circuit.ts'
import { MAX_LINGER_MS } from '../../src/sync/batch-pacing.ts'
import { createRateLimiter } from '../../src/sync/rate-limiter.ts'
import { createFetchPacer } from '../../src/sync/fetch-pacer.ts'
import { sharedPacerStore } from '../../src/sync/shared-pacer-store.ts'
import { syncBatch } from '../../src/sync/sync-batch.ts'
import { syncQueue, type SyncJob } from '../../src/sync/sync-queue.ts'
import { createSyncHandler } from '../../workers/sync-worker.ts'
import { hubspotDriftFromMirror } from '../helpers/hubspot-equals-mirror.ts'
import { seedBodies, seedIds, syncSeedCustomer } from '../helpers/seed-customer.ts'
import { hubspotRecords, startSyncHarness, type SyncHarness } from '../helpers/sync-harness.ts'
import { until } from '../helpers/until.ts'

// Spending HubSpot's quota well (issue 12): new messages and appointments are created with
// their contact association inline; a "new" record HubSpot already has falls back to the
// upsert without a duplicate; contact-only changes wait while the budget is the bottleneck.
let h: SyncHarness
before(async () => { h = await startSyncHarness() })
after(() => h.close())

const calls = (route: string) => h.hubspot.dump().requests.byRoute[route] ?? 0
const associationCalls = () => Object.entries(h.hubspot.dump().requests.byRoute)
  .filter(([route]) => route.includes('/crm/v4/associations/') && route.endsWith('/batch/create')).reduce((sum, [, n]) => sum + n, 0)
const linksFrom = (fromType: string, fromId: string | undefined, toContact: string | undefined, typeId: number) => h.hubspot.dump().associations
  .filter((a) => a.fromObjectType === fromType && a.fromObjectId === fromId && a.toObjectType === 'contacts' && a.toObjectId === toContact && a.associationTypeId === typeId).length
/**
 * For a test that fetches jobs by hand: the workers stopped, and no job an earlier test left
 * (a contact put off comes back seconds later) in the queue for its fetches to take.
 */
async function stopWorkersOnEmptyQueue (): Promise<void> {
  await h.stopWorkers()
  await h.pool.query("DELETE FROM pgboss.job WHERE name = $1 AND state IN ('created', 'retry')", [syncQueue('hubspot')])
}
/** A HubSpot sync handler of its own (meters, pacer) whose budget is `max` calls per 10 s, 400 jobs a fetch. */
function handlerWithBudget (max: number) {
  const connector = createHubspotConnector({
    accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter: createRateLimiter({ max, intervalMs: 10_000 })
  })
  return createSyncHandler({
    pool: h.pool, boss: h.boss, connector, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400
  })
}
/** A job as a fetch hands it over now, queued at `createdOn`. */
const fetchedNow = (data: SyncJob, createdOn: Date) => ({ id: crypto.randomUUID(), data, retryCount: 0, retryLimit: 16, createdOn, startedOn: new Date(), signal: new AbortController().signal }) as unknown as JobWithMetadata<SyncJob>
/** The entity's job queued for a later read, if any. */
const queuedJobs = async (ref: EntityRef) => (await h.pool.query<{ start_after: Date, data: SyncJob }>(
  "SELECT start_after, data FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [syncQueue('hubspot'), entityKey(ref)])).rows
/**
 * Queues the entity's job, fetches it alone as a worker would, hands it to `handler` (after
 * `along`, jobs made by hand for the same batch), and completes it.
 */
async function handleAlone (handler: ReturnType<typeof handlerWithBudget>, ref: EntityRef, along: Array<JobWithMetadata<SyncJob>> = []): Promise<void> {
  await enqueueSync(h.boss, undefined, ['hubspot'], [ref])
  const fetched = (await h.boss.fetch<SyncJob>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<SyncJob>>)
    .map((found) => ({ ...found, signal: new AbortController().signal }))
  assert.deepEqual(fetched.map((found) => found.data.id), [ref.id])
  await handler([...along, ...fetched])
  await h.boss.complete(syncQueue('hubspot'), fetched.map((found) => found.id))
}
/** The contact fetched in a flow its budget sustains: written, or held once for the next second — not put off as arriving. */
async function assertNotPutOffAsArriving (contact: EntityRef): Promise<void> {
  const [next] = await queuedJobs(contact)
  assert.notEqual(next?.data.recheck, true, `not put off as arriving (${JSON.stringify(next?.data)})`)
  assert.ok(next === undefined || (next.data.held === true && next.start_after.getTime() <= Date.now() + 1000), `written, or held once for the next second (${JSON.stringify(next?.data)})`)
}
/** Waits for the customer's contact to be synced to HubSpot, and checks HubSpot holds it once. */
async function contactSyncedOnce (customerId: string): Promise<void> {
  await until(async () => (await h.pool.query("SELECT 1 FROM crm_records WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1 AND status = 'synced'", [customerId])).rowCount, (n) => n === 1, { what: 'the new contact synced' })
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', customerId).length, 1)
}
const messageRecord = async (id: string) => (await h.pool.query<{ crm_id: string | null, status: string }>(
  "SELECT crm_id, status FROM crm_records WHERE crm = 'hubspot' AND entity_type = 'message' AND entity_id = $1", [id])).rows[0]

test('when new customers arrive, then messages and meetings are created with their association inline and HubSpot equals the mirror field by field', async () => {
  const before = associationCalls()
  const customers = []
  for (const suffix of ['_a', '_b', '_c']) customers.push(await syncSeedCustomer(h, suffix))
  assert.equal(associationCalls(), before, 'no separate association call')
  assert.ok(calls('POST /crm/v3/objects/communications/batch/create') >= 1)
  assert.equal(calls('POST /crm/v3/objects/communications/batch/upsert'), 0)
  const ids = customers.map((c) => c.customer)
  await until(() => hubspotDriftFromMirror(h.pool, h.hubspot, ids), (drift) => drift.length === 0, { what: 'HubSpot equal to the mirror' })
  for (const c of customers) {
    const contact = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', c.customer)[0]
    const communication = hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', c.message)[0]
    const meeting = hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', c.appointment)[0]
    assert.equal(linksFrom('communications', communication?.id, contact?.id, 81), 1)
    assert.equal(linksFrom('meetings', meeting?.id, contact?.id, 200), 1)
  }
})

test('when a message HubSpot already has looks new (its CRM id was never recorded), then the create conflicts and the upsert writes it once', async () => {
  const ids = seedIds('_a')
  const before = hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', ids.message)
  assert.equal(before.length, 1)
  await h.pool.query("UPDATE crm_records SET crm_id = NULL, synced_hash = NULL, status = 'retrying' WHERE crm = 'hubspot' AND entity_type = 'message' AND entity_id = $1", [ids.message])
  const conflicts = h.hubspot.dump().requests.byStatus['409'] ?? 0
  await enqueueSync(h.boss, undefined, ['hubspot'], [{ type: 'message', id: ids.message }])
  const record = await until(() => messageRecord(ids.message), (r) => r?.status === 'synced' && r.crm_id !== null, { what: 'message synced again' })
  assert.equal((h.hubspot.dump().requests.byStatus['409'] ?? 0), conflicts + 1, 'the create was refused')
  const after = hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', ids.message)
  assert.equal(after.length, 1, 'no duplicate')
  assert.equal(record?.crm_id, before[0]?.id)
  const contact = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer)[0]
  assert.equal(linksFrom('communications', after[0]?.id, contact?.id, 81), 1)
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, [ids.customer]), [])
})

test('when one new record fails inside the create (207), then it retries alone and lands once, linked', async () => {
  const ids = seedIds('_d')
  h.hubspot.faults.set({ failRecords: { keys: [ids.message], times: 1 } })
  await syncSeedCustomer(h, '_d')
  h.hubspot.faults.set({})
  assert.ok((h.hubspot.dump().requests.byStatus['207'] ?? 0) >= 1)
  const found = hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', ids.message)
  assert.equal(found.length, 1)
  const contact = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer)[0]
  assert.equal(linksFrom('communications', found[0]?.id, contact?.id, 81), 1)
  await until(() => hubspotDriftFromMirror(h.pool, h.hubspot, [ids.customer]), (drift) => drift.length === 0, { what: 'HubSpot equal to the mirror' })
})

test('when every seed event is delivered again, then nothing is created twice', async () => {
  const counts = () => ['contacts', 'communications', 'meetings'].map((type) => hubspotRecords(h.hubspot, type).length)
  const before = counts()
  await syncSeedCustomer(h, '_a')
  await syncSeedCustomer(h, '_b')
  assert.deepEqual(counts(), before)
})

test('when the budget is the bottleneck, then a contact already in HubSpot is deferred (not written, not marked) and written with its final state after', async () => {
  const ids = seedIds('_c')
  const hubspot = h.connectors.find((c) => c.name === 'hubspot')
  assert.ok(hubspot)
  await h.stopWorkers()
  try {
    // The contact changed since its last write (as a message's "last message" would).
    await h.pool.query("UPDATE crm_records SET synced_hash = 'older' WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ids.customer])
    const upserts = calls('POST /crm/v3/objects/contacts/batch/upsert')
    const refs = [{ type: 'contact' as const, id: ids.customer }]
    const held = await syncBatch({ pool: h.pool, connector: hubspot }, refs, undefined, { deferContactUpdates: { maxStaleMs: 30_000 } })
    assert.deepEqual(held.outcomes.get(`contact:${ids.customer}`), { ok: true, deferred: true })
    assert.equal(calls('POST /crm/v3/objects/contacts/batch/upsert'), upserts)
    // Past the staleness bound it goes even while the budget is busy.
    const stale = await syncBatch({ pool: h.pool, connector: hubspot }, refs, undefined, { deferContactUpdates: { maxStaleMs: 30_000, now: Date.now() + 31_000 } })
    assert.equal(stale.outcomes.get(`contact:${ids.customer}`)?.ok, true)
    assert.ok(stale.outcomes.get(`contact:${ids.customer}`) && 'crmId' in (stale.outcomes.get(`contact:${ids.customer}`) ?? {}))
    assert.equal(calls('POST /crm/v3/objects/contacts/batch/upsert'), upserts + 1)
  } finally {
    await h.startWorkers()
  }
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, [ids.customer]), [])
})

test('when a fetch comes back full (more is queued than one batch holds), then the worker defers a contact-only change to the next 5 s boundary and writes nothing now', async () => {
  const ids = await syncSeedCustomer(h, '_d')
  const hubspot = h.connectors.find((c) => c.name === 'hubspot')
  assert.ok(hubspot)
  await stopWorkersOnEmptyQueue()
  try {
    await h.pool.query("UPDATE crm_records SET synced_hash = 'older' WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ids.customer])
    await enqueueSync(h.boss, undefined, ['hubspot'], [{ type: 'contact', id: ids.customer }])
    // A worker hands its handler jobs with a signal; fetched by hand they get one here.
    const jobs = (await h.boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize: 1, includeMetadata: true }) as Array<JobWithMetadata<EntityRef>>)
      .map((job) => ({ ...job, signal: new AbortController().signal }))
    assert.deepEqual(jobs.map((job) => job.data.id), [ids.customer])
    const upserts = calls('POST /crm/v3/objects/contacts/batch/upsert')
    let statisticsChecks = 0
    const queueStatistics = { refreshIfStale: async () => { statisticsChecks++; return false } }
    const handler = createSyncHandler({
      pool: h.pool, boss: h.boss, connector: hubspot, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 1, queueStatistics
    })
    const before = Date.now()
    assert.deepEqual((await handler(jobs)).map((result) => result.status), ['completed'])
    assert.equal(statisticsChecks, 1, 'every fetch has its queue\'s statistics looked at, so later fetches plan from current ones (queue-statistics.ts)')
    // As the worker would after the handler (the stately queue runs the next job of this contact only then).
    await h.boss.complete(syncQueue('hubspot'), jobs.map((job) => job.id))
    assert.equal(calls('POST /crm/v3/objects/contacts/batch/upsert'), upserts, 'nothing written while the budget is the bottleneck')
    const { rows } = await h.pool.query<{ start_after: Date }>("SELECT start_after FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [syncQueue('hubspot'), `contact:${ids.customer}`])
    const at = rows[0]?.start_after.getTime() ?? 0
    assert.equal(at % 5000, 0, 'on a 5 s boundary')
    assert.ok(at >= before + 2500 && at <= Date.now() + 7500, 'between 2.5 and 7.5 s from now')
  } finally {
    await h.startWorkers()
  }
  // Nothing was marked synced, so the deferred job writes the state when it comes back.
  await until(async () => (await h.pool.query("SELECT synced_hash FROM crm_records WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ids.customer])).rows[0]?.synced_hash,
    (hash) => hash !== 'older', { what: 'the deferred contact written', timeoutMs: 20_000 })
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, [ids.customer]), [])
})

test('when more is queued than a batch holds, then a kind goes in full calls only: the part-filled rest is held once, and goes with the next batch whatever it holds', async () => {
  const hubspot = h.connectors.find((c) => c.name === 'hubspot')
  assert.ok(hubspot)
  const conversation = { event: 'conversation.created', timestamp: '2025-03-01T10:00:00Z', data: { conversation_id: 'conv_fill', customer_id: 'cust_fill', customer_name: 'Fill Calls', channel: 'sms', status: 'open' } }
  assert.equal((await h.deliver(JSON.stringify(conversation))).status, 200)
  const ids = Array.from({ length: 150 }, (_, i) => `msg_fill_${i}`)
  for (const [i, id] of ids.entries()) {
    const message = { event: 'message.received', timestamp: `2025-03-01T10:01:${String(i % 60).padStart(2, '0')}Z`, data: { conversation_id: 'conv_fill', message_id: id, sender: 'customer', content: `Message ${i}`, channel: 'sms' } }
    assert.equal((await h.deliver(JSON.stringify(message))).status, 200)
  }
  await until(async () => (await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM crm_records WHERE crm = 'hubspot' AND status = 'synced' AND entity_id LIKE 'msg_fill_%'")).rows[0]?.n,
    (n) => n === 150, { what: '150 messages synced' })
  await h.stopWorkers()
  try {
    // All 150 changed since their last write (as after a mapping change).
    await h.pool.query("UPDATE crm_records SET synced_hash = 'older' WHERE crm = 'hubspot' AND entity_id LIKE 'msg_fill_%'")
    const refs = ids.map((id) => ({ type: 'message' as const, id }))
    const writes = () => calls('POST /crm/v3/objects/communications/batch/upsert')
    const before = writes()
    const first = await syncBatch({ pool: h.pool, connector: hubspot }, refs, undefined, { fillCalls: { recordsPerCall: 100, mayHold: () => true } })
    const held = [...first.outcomes].filter(([, outcome]) => outcome.ok && 'held' in outcome).map(([key]) => key)
    assert.equal(held.length, 50)
    assert.equal(writes(), before + 1, 'one full call of 100')
    // Held before: written now, though the call is part-filled.
    const heldRefs = held.map((key) => ({ type: 'message' as const, id: key.slice('message:'.length) }))
    const second = await syncBatch({ pool: h.pool, connector: hubspot }, heldRefs, undefined, { fillCalls: { recordsPerCall: 100, mayHold: (key) => !held.includes(key) } })
    assert.ok([...second.outcomes.values()].every((outcome) => outcome.ok && 'crmId' in outcome))
    assert.equal(writes(), before + 2)
  } finally {
    await h.startWorkers()
  }
  // Nothing duplicated: still one communication per message.
  const communications = h.hubspot.dump().objects.communications ?? []
  assert.equal(communications.filter((c) => String(c.properties.agentclara_message_id ?? '').startsWith('msg_fill_')).length, 150)
})

/** The seed customer's events merged into the mirror (no jobs queued): a customer whose events just arrived. */
async function arrivedInMirror (suffix: string) {
  await withTransaction(h.pool, async (client) => {
    for (const body of seedBodies(suffix)) await applyEvent(client, JSON.parse(body) as AgentClaraEvent)
  })
  const ids = seedIds(suffix)
  const refs: EntityRef[] = [{ type: 'contact', id: ids.customer }, { type: 'message', id: ids.message }, { type: 'appointment', id: ids.appointment }]
  return { ids, refs, keys: refs.map(entityKey) }
}

test('when changes come faster than the budget sustains, then a contact new to HubSpot waits while its customer is still arriving, its message and meeting with it; quiet or past the bound, one write each', async () => {
  const hubspot = h.connectors.find((c) => c.name === 'hubspot')
  assert.ok(hubspot)
  const callsNow = () => h.hubspot.requestStats().total
  await h.stopWorkers()
  try {
    const busy = await arrivedInMirror('_arr')
    const quiet = await arrivedInMirror('_arr2')
    const before = callsNow()
    const associationsBefore = associationCalls()
    const still = { quietMs: 60_000, maxHoldMs: 60_000 }
    const held = await syncBatch({ pool: h.pool, connector: hubspot }, [...busy.refs, ...quiet.refs], undefined, { holdArrivingContacts: still })
    // Each waits, with how long its hold lasts if nothing more comes: a minute from its
    // customer's last (and first) event, less the seconds since.
    const waitOf = (outcome: unknown) => outcome !== null && typeof outcome === 'object' && 'arriving' in outcome && 'waitMs' in outcome ? Number(outcome.waitMs) : undefined
    for (const key of [...busy.keys, ...quiet.keys]) {
      const waitMs = waitOf(held.outcomes.get(key))
      assert.ok(waitMs !== undefined && waitMs > 50_000 && waitMs <= 60_000, `${key} arriving, hold ${waitMs} ms`)
    }
    assert.deepEqual(held.contactsNeeded, [])
    assert.equal(callsNow(), before, 'nothing written')
    // Its message alone waits with it, not "for its contact" (which would spend a retry),
    // here until its customer has been quiet 20 s: the earlier end, before the bound.
    const alone = await syncBatch({ pool: h.pool, connector: hubspot }, [busy.refs[1] as EntityRef], undefined, { holdArrivingContacts: { quietMs: 20_000, maxHoldMs: 60_000 } })
    const aloneWait = waitOf(alone.outcomes.get(busy.keys[1] as string))
    assert.ok(aloneWait !== undefined && aloneWait > 10_000 && aloneWait <= 20_000, `message arriving, hold ${aloneWait} ms`)
    // Without the hold (the budget keeps up) the same message waits for its contact, which it asks for.
    const control = await syncBatch({ pool: h.pool, connector: hubspot }, [busy.refs[1] as EntityRef])
    assert.equal(control.outcomes.get(busy.keys[1] as string)?.ok, false)
    assert.deepEqual(control.contactsNeeded, [busy.ids.customer])
    assert.equal(callsNow(), before)

    // Past the bound (first seen longer ago than maxHoldMs), or quiet: written, each record once.
    const bound = await syncBatch({ pool: h.pool, connector: hubspot }, busy.refs, undefined, { holdArrivingContacts: { quietMs: 60_000, maxHoldMs: 0 } })
    const settled = await syncBatch({ pool: h.pool, connector: hubspot }, quiet.refs, undefined, { holdArrivingContacts: { quietMs: 0, maxHoldMs: 60_000 } })
    for (const key of busy.keys) assert.ok('crmId' in (bound.outcomes.get(key) ?? {}), key)
    for (const key of quiet.keys) assert.ok('crmId' in (settled.outcomes.get(key) ?? {}), key)
    assert.equal(callsNow(), before + 6, 'a contact upsert, a communication create and a meeting create for each')
    assert.equal(associationCalls(), associationsBefore, 'associations inline')
  } finally {
    await h.startWorkers()
  }
  for (const suffix of ['_arr', '_arr2']) {
    const ids = seedIds(suffix)
    const contact = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer)
    assert.equal(contact.length, 1)
    assert.equal(linksFrom('communications', hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', ids.message)[0]?.id, contact[0]?.id, 81), 1)
  }
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, [seedIds('_arr').customer, seedIds('_arr2').customer]), [])
})

test('when the apply worker is behind the inbox, then a new contact past its bound in the mirror is still held, by how far behind (at most another bound); caught up, it is written once', async () => {
  const hubspot = h.connectors.find((c) => c.name === 'hubspot')
  assert.ok(hubspot)
  const callsNow = () => h.hubspot.requestStats().total
  const readyApplyJobs = async () => (await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1 AND state = 'created'", [APPLY_QUEUE])).rows[0]?.n
  // The apply queue is the apply worker's backlog: an earlier test's deliveries applied first.
  await until(readyApplyJobs, (n) => n === 0, { what: 'the apply queue empty' })
  await h.stopWorkers()
  try {
    assert.equal(await readyApplyJobs(), 0)
    const late = await arrivedInMirror('_lag')
    const capped = await arrivedInMirror('_lag2')
    // First seen 7 s and 13 s ago, last changed 1 s ago: past a 6 s bound, not yet quiet for 5 s.
    const seen = async (id: string, firstSeenSecondsAgo: number) => h.pool.query(
      'UPDATE customers SET first_seen_at = now() - make_interval(secs => $2), updated_at = now() - interval \'1 s\' WHERE id = $1', [id, firstSeenSecondsAgo])
    await seen(late.ids.customer, 7)
    await seen(capped.ids.customer, 13)
    const window = { quietMs: 5000, maxHoldMs: 6000 }
    const before = callsNow()
    // A delivery stored 3 s ago that the apply worker has not started on.
    const [jobId] = await h.boss.insert(APPLY_QUEUE, [{ data: { events: [{ id: '0' }] } }], { returnId: true }) ?? []
    assert.ok(jobId)
    await h.pool.query("UPDATE pgboss.job SET created_on = now() - interval '3 s' WHERE name = $1 AND id = $2", [APPLY_QUEUE, jobId])
    const behind = await syncBatch({ pool: h.pool, connector: hubspot }, late.refs, undefined, { holdArrivingContacts: window })
    // Its bound is 6 s + 3 s from its first event: 2 s left (its quiet end, 4 s away, is later).
    const outcome = behind.outcomes.get(late.keys[0] as string)
    assert.ok(outcome && 'arriving' in outcome && outcome.waitMs > 1000 && outcome.waitMs <= 2000, JSON.stringify(outcome))
    for (const key of late.keys.slice(1)) assert.ok('arriving' in (behind.outcomes.get(key) ?? {}), key)
    assert.equal(callsNow(), before, 'nothing written while the apply worker is behind')
    // A minute behind stretches the bound by 6 s at most: 13 s from its first event it goes.
    await h.pool.query("UPDATE pgboss.job SET created_on = now() - interval '1 minute' WHERE name = $1 AND id = $2", [APPLY_QUEUE, jobId])
    const cappedRun = await syncBatch({ pool: h.pool, connector: hubspot }, capped.refs, undefined, { holdArrivingContacts: window })
    for (const key of capped.keys) assert.ok('crmId' in (cappedRun.outcomes.get(key) ?? {}), key)
    // Caught up (the backlog applied): past its bound, it is written, each record once.
    await h.pool.query('DELETE FROM pgboss.job WHERE name = $1 AND id = $2', [APPLY_QUEUE, jobId])
    const caughtUp = await syncBatch({ pool: h.pool, connector: hubspot }, late.refs, undefined, { holdArrivingContacts: window })
    for (const key of late.keys) assert.ok('crmId' in (caughtUp.outcomes.get(key) ?? {}), key)
    assert.equal(callsNow(), before + 6, 'a contact upsert, a communication create and a meeting create for each customer')
  } finally {
    await h.pool.query("DELETE FROM pgboss.job WHERE name = $1 AND data -> 'events' -> 0 ->> 'id' = '0'", [APPLY_QUEUE])
    await h.startWorkers()
  }
  for (const suffix of ['_lag', '_lag2']) assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', seedIds(suffix).customer).length, 1)
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, [seedIds('_lag').customer, seedIds('_lag2').customer]), [])
})

test('when a worker\'s fetch is more than its budget sustains, then a new contact still arriving is queued again for when its hold ends, unwritten; read again it is no new demand, and is put off again while its customer\'s events keep coming; quiet, it is held once to fill a call, then written once', async () => {
  await stopWorkersOnEmptyQueue()
  const { ids, refs } = await arrivedInMirror('_arr3')
  const contact = refs[0] as EntityRef
  const fetchJobs = async () => (await h.boss.fetch<SyncJob>(syncQueue('hubspot'), { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<SyncJob>>)
    .map((job) => ({ ...job, signal: new AbortController().signal }))
  const dueAt = async () => {
    const { rows } = await h.pool.query<{ start_after: Date }>("SELECT start_after FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [syncQueue('hubspot'), entityKey(contact)])
    return rows[0]?.start_after.getTime() ?? 0
  }
  const lastEventAt = async () => (await h.pool.query<{ updated_at: Date }>('SELECT updated_at FROM customers WHERE id = $1', [ids.customer])).rows[0]?.updated_at.getTime() ?? 0
  try {
    // A budget of one call per ten minutes: one change every two seconds is more than it sustains.
    const starved = createHubspotConnector({
      accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter: createRateLimiter({ max: 1, intervalMs: 600_000 })
    })
    // Quiet after 2 s without an event; the bound (a minute) does not come into it.
    const arrivalWindow = { quietMs: 2000, maxHoldMs: 60_000 }
    const worker = () => createSyncHandler({
      pool: h.pool, boss: h.boss, connector: starved, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400, arrivalWindow
    })
    const run = async (handler: ReturnType<typeof worker>, jobs: Array<JobWithMetadata<SyncJob>>) => {
      assert.deepEqual((await handler(jobs)).map((result) => result.status), jobs.map(() => 'completed'))
      await h.boss.complete(syncQueue('hubspot'), jobs.map((job) => job.id))
    }
    await enqueueSync(h.boss, undefined, ['hubspot'], [contact])
    const jobs = await fetchJobs()
    assert.deepEqual(jobs.map((job) => job.data.id), [ids.customer])
    const before = h.hubspot.requestStats().total
    await run(worker(), jobs)
    assert.equal(h.hubspot.requestStats().total, before, 'nothing written')
    // Due when its customer will have been quiet 2 s, rounded up to a second boundary (at least a second away).
    const quietAt = await lastEventAt() + arrivalWindow.quietMs
    const at = await dueAt()
    assert.equal(at % 1000, 0, 'on a second boundary')
    assert.ok(at >= quietAt && at <= Math.max(quietAt, Date.now() + 1000) + 1000, `due ${at - quietAt} ms after its quiet end`)
    assert.equal((await h.pool.query('SELECT 1 FROM crm_records WHERE entity_id = $1', [ids.customer])).rowCount, 0, 'nothing recorded')

    // Due again it is marked a recheck: no new demand, so this fresh handler's meter reads no
    // pressure to hold for. It was put off as arriving, though, so it waits for its customer:
    // an event for it lands just before the read (the apply touches the customer's row), so
    // it is put off again, to its new quiet end, instead of being written now and again later.
    const next = worker()
    const due = await until(fetchJobs, (found) => found.length > 0, { what: 'the contact due again' })
    assert.equal(due[0]?.data.recheck, true)
    await h.pool.query('UPDATE customers SET updated_at = now() WHERE id = $1', [ids.customer])
    await run(next, due)
    assert.equal(h.hubspot.requestStats().total, before, 'held again while its customer is still arriving')
    const newQuietAt = await lastEventAt() + arrivalWindow.quietMs
    const again = await dueAt()
    assert.ok(again % 1000 === 0 && again >= newQuietAt && again <= Math.max(newQuietAt, Date.now() + 1000) + 1000, `due ${again - newQuietAt} ms after its new quiet end`)

    // Quiet by then: read once more it goes. The work is still more than this budget
    // sustains, so calls go full only: a call of one waits once, then goes.
    const quiet = await until(fetchJobs, (found) => found.length > 0, { what: 'the contact due a third time' })
    assert.equal(quiet[0]?.data.recheck, true)
    await run(next, quiet)
    assert.equal(h.hubspot.requestStats().total, before, 'held once to fill its call')
    const held = await until(fetchJobs, (found) => found.length > 0, { what: 'the contact held to fill a call' })
    assert.equal(held[0]?.data.held, true)
    await run(next, held)
    assert.equal(h.hubspot.requestStats().total, before + 1, 'one contact upsert')
  } finally {
    await h.startWorkers()
  }
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer).length, 1)
  const { rows: [record] } = await h.pool.query("SELECT status, crm_id FROM crm_records WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ids.customer])
  assert.equal(record?.status, 'synced')
  assert.equal(record?.crm_id, hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer)[0]?.id)
  // Its one write carries the mirror's state, field by field (only the contact was queued here).
  assert.deepEqual((await hubspotDriftFromMirror(h.pool, h.hubspot, [ids.customer])).filter((line) => line.startsWith('contacts ')), [])
})

test('when a worker has just fetched a backlog\'s changes, queued long before, then they are not new demand: a new customer arriving after them is not held until it goes quiet', async () => {
  await stopWorkersOnEmptyQueue()
  const { ids, refs } = await arrivedInMirror('_drain')
  const contact = refs[0] as EntityRef
  try {
    // Two calls a second: the drain's 400 changes a fetch are far more than that sustains, one new contact is not.
    const handler = handlerWithBudget(20)
    // The drain's last two fetches, full: contacts queued a minute ago (not in the mirror, so nothing is written).
    const aMinuteAgo = new Date(Date.now() - 60_000)
    for (const fetch of [0, 1]) await handler(Array.from({ length: 400 }, (_, i) => fetchedNow({ type: 'contact', id: `ghost_drain_${fetch}_${i}` }, aMinuteAgo)))
    // A new customer arrives: its contact's job is queued now, and fetched alone.
    await handleAlone(handler, contact)
    // Counted as arriving with it, the drain read as 400 changes a moment: the contact was put
    // off as arriving, due when its customer had been quiet 5 s. Now it is at most the rest
    // of a call the drain's work fills, due on the next second.
    await assertNotPutOffAsArriving(contact)
  } finally {
    await h.startWorkers()
  }
  await contactSyncedOnce(ids.customer)
})

test('when a worker\'s fetches resume after a stall, then the changes queued meanwhile are not a burst: the next fetch, half a second on, does not hold a new customer until it goes quiet', async () => {
  await stopWorkersOnEmptyQueue()
  const { ids, refs } = await arrivedInMirror('_stall')
  const contact = refs[0] as EntityRef
  try {
    // A call and a half a second: 150 new contacts a second in full calls. The flow here is 100
    // a second, within that: nothing is to be held for its customer to go quiet.
    const handler = handlerWithBudget(15)
    const job = (data: SyncJob, queuedMsAgo: number) => fetchedNow(data, new Date(Date.now() - queuedMsAgo))
    // The worker waited 5 s on its CRM, 100 changes a second queued meanwhile: its next fetch is
    // full, the oldest 400 (not in the mirror, so nothing is written).
    await handler(Array.from({ length: 400 }, (_, i) => job({ type: 'contact', id: `ghost_stall_${i}` }, 5000 - i * 10)))
    // The next fetch takes the rest, queued over the last second and a half: a new customer's contact among them.
    await handleAlone(handler, contact, Array.from({ length: 149 }, (_, i) => job({ type: 'contact', id: `ghost_stall_rest_${i}` }, 1500 - i * 10)))
    // Counted over the moment between the two fetches, the rest read as 3 000 changes a second:
    // the contact was put off as arriving, due when its customer had been quiet 5 s.
    await assertNotPutOffAsArriving(contact)
  } finally {
    await h.startWorkers()
  }
  await contactSyncedOnce(ids.customer)
})

test('when deliveries come in at the door faster than the budget sustains, then a new contact is held from the first fetch that sees it, before the sync\'s own meter reads a burst; at a flow the budget sustains it goes at once', async () => {
  await stopWorkersOnEmptyQueue()
  const steady = await arrivedInMirror('_door')
  const burst = await arrivedInMirror('_door2')
  const [steadyContact, burstContact] = [steady.refs[0], burst.refs[0]] as [EntityRef, EntityRef]
  // Deliveries stored just now (not events of these customers: their effect here is the rate alone).
  const stored: string[] = []
  const deliver = async (n: number, status = 'applied') => stored.push(...(await h.pool.query<{ id: string }>(`
    INSERT INTO webhook_events (dedupe_key, status, raw_body, signature_form)
    SELECT decode(md5(gen_random_uuid()::text), 'hex'), $2, '\\x7b7d'::bytea, 'raw' FROM generate_series(1, $1::int)
    RETURNING id::text`, [n, status])).rows.map((row) => row.id))
  const contactRecord = async (ref: EntityRef) => (await h.pool.query<{ status: string }>(
    "SELECT status FROM crm_records WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ref.id])).rows[0]?.status
  try {
    // A call and a half a second: 150 records a second in full calls. Each handler's own meter
    // sees one job alone: no burst. (One each: a handler reads the door at most every 250 ms.)
    const handler = handlerWithBudget(15)
    // 200 deliveries over the 2 s window: 100 a second, a flow that budget sustains. Unknown
    // event types (ignored) and unreadable payloads (quarantined) write nothing: they do not count.
    await deliver(200)
    await deliver(300, 'ignored')
    await deliver(300, 'quarantined')
    await handleAlone(handler, steadyContact)
    assert.equal(await contactRecord(steadyContact), 'synced', 'written at once')
    // 600 more: 400 a second, more than it could write even in full calls.
    await deliver(600)
    await handleAlone(handlerWithBudget(15), burstContact)
    const [next] = await queuedJobs(burstContact)
    assert.equal(next?.data.recheck, true, `put off as arriving (${JSON.stringify(next?.data)})`)
    assert.equal(await contactRecord(burstContact), undefined, 'not written')
    assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', burst.ids.customer).length, 0)
  } finally {
    await h.pool.query('DELETE FROM webhook_events WHERE id = ANY($1::bigint[])', [stored])
    await h.startWorkers()
  }
  // Its hold ends when its customer has been quiet 5 s: then written once.
  await until(() => contactRecord(burstContact), (status) => status === 'synced', { what: 'the held contact synced' })
  for (const ids of [steady.ids, burst.ids]) assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer).length, 1)
})

test('when calls go full only and a new contact is in the part-filled rest, then it is held with its message and meeting, and the next batch writes them linked, once', async () => {
  const hubspot = h.connectors.find((c) => c.name === 'hubspot')
  assert.ok(hubspot)
  await h.stopWorkers()
  try {
    const customers = [await arrivedInMirror('_fa'), await arrivedInMirror('_fb'), await arrivedInMirror('_fc')]
    const refs = customers.flatMap((c) => c.refs)
    // Two records a call: of three new contacts one is the rest; its message and meeting cannot go without it.
    const first = await syncBatch({ pool: h.pool, connector: hubspot }, refs, undefined, { fillCalls: { recordsPerCall: 2, mayHold: () => true } })
    const heldKeys = [...first.outcomes].filter(([, outcome]) => outcome.ok && 'held' in outcome).map(([key]) => key)
    const heldCustomer = customers.find((c) => heldKeys.includes(c.keys[0] as string))
    assert.ok(heldCustomer, 'a contact held')
    assert.deepEqual(new Set(heldKeys), new Set(heldCustomer.keys), 'with its message and meeting, and nothing else')
    assert.ok(customers.filter((c) => c !== heldCustomer).every((c) => c.keys.every((key) => 'crmId' in (first.outcomes.get(key) ?? {}))), 'the others written in full calls')
    assert.deepEqual(first.contactsNeeded, [])
    const second = await syncBatch({ pool: h.pool, connector: hubspot }, heldCustomer.refs, undefined, { fillCalls: { recordsPerCall: 2, mayHold: (key) => !heldKeys.includes(key) } })
    assert.ok(heldCustomer.keys.every((key) => 'crmId' in (second.outcomes.get(key) ?? {})), 'held before: written now')
  } finally {
    await h.startWorkers()
  }
  const ids = ['_fa', '_fb', '_fc'].map((suffix) => seedIds(suffix))
  for (const id of ids) {
    const contact = hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', id.customer)
    assert.equal(contact.length, 1)
    assert.equal(linksFrom('communications', hubspotRecords(h.hubspot, 'communications', 'agentclara_message_id', id.message)[0]?.id, contact[0]?.id, 81), 1)
    assert.equal(linksFrom('meetings', hubspotRecords(h.hubspot, 'meetings', 'agentclara_appointment_id', id.appointment)[0]?.id, contact[0]?.id, 200), 1)
  }
  assert.deepEqual(await hubspotDriftFromMirror(h.pool, h.hubspot, ids.map((id) => id.customer)), [])
})

test('when the database\'s clock is an hour behind the worker\'s, then a contact put off is timed on the database\'s: put off for its copy\'s age there, and back on its next boundary there', async () => {
  await syncSeedCustomer(h, '_skew')
  const ids = seedIds('_skew')
  const contact: EntityRef = { type: 'contact', id: ids.customer }
  const queue = syncQueue('hubspot')
  const anHour = 3_600_000
  await stopWorkersOnEmptyQueue()
  try {
    // A change to write (a new name), its customer quiet a minute; its copy in HubSpot written
    // 10 s ago by the database's clock, which reads an hour less than this worker's.
    await h.pool.query("UPDATE customers SET name = 'Renamed Skewed', updated_at = now() - interval '1 minute' WHERE id = $1", [ids.customer])
    await h.pool.query("UPDATE crm_records SET synced_at = now() - interval '1 hour 10 seconds' WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ids.customer])
    await h.boss.insert(queue, [
      { data: contact, singletonKey: entityKey(contact) },
      // Five new changes (customers not in the mirror, so nothing to write): more than one call per ten minutes sustains.
      ...Array.from({ length: 5 }, (_, i) => ({ data: { type: 'contact', id: `ghost_skew_${i}` }, singletonKey: `contact:ghost_skew_${i}` }))
    ])
    // pg-boss's marks, as that database would stamp them.
    const jobs = (await h.boss.fetch<SyncJob>(queue, { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<SyncJob>>)
      .map((job) => ({ ...job, createdOn: new Date(job.createdOn.getTime() - anHour), startedOn: new Date(job.startedOn.getTime() - anHour), signal: new AbortController().signal }))
    assert.equal(jobs.length, 6)
    const starved = createHubspotConnector({
      accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter: createRateLimiter({ max: 1, intervalMs: 600_000 })
    })
    const handler = createSyncHandler({
      pool: h.pool, boss: h.boss, connector: starved, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400
    })
    const before = h.hubspot.requestStats().total
    assert.ok((await handler(jobs)).every((result) => result.status === 'completed'))
    await h.boss.complete(queue, jobs.map((job) => job.id))
    assert.equal(h.hubspot.requestStats().total, before, 'nothing written: its copy is 10 s old by the database\'s clock (an hour old by the worker\'s)')
    const { rows: [again] } = await h.pool.query<{ start_after: Date, data: SyncJob }>(
      "SELECT start_after, data FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [queue, entityKey(contact)])
    assert.equal(again?.data.putOff, true, 'put off')
    const fetchedAt = Math.max(...jobs.map((job) => job.startedOn.getTime()))
    const due = (again?.start_after.getTime() ?? 0) - fetchedAt
    // The first 5 s boundary at least 2.5 s away (deferSync), by the database's clock: not an hour later.
    assert.ok(due >= 2500 && due <= 8000, `due on its boundary by the database's clock (${due} ms after the fetch)`)
  } finally {
    await h.startWorkers()
  }
  // Due at once by the real clocks, and its real copy an hour old: the workers write it.
  await until(() => hubspotDriftFromMirror(h.pool, h.hubspot, [ids.customer]), (drift) => drift.length === 0, { what: 'the new name in HubSpot' })
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer).length, 1)
})

test('when the daily quota binds, then the part-filled rest of a call may wait again for records to fill it, but not past 5 s from its first hold', async () => {
  await stopWorkersOnEmptyQueue()
  const { ids, refs } = await arrivedInMirror('_wf')
  const contact = refs[0] as EntityRef
  // Its events are old news (a customer quiet for a minute): no arrival hold, only the fill rule.
  await h.pool.query("UPDATE customers SET updated_at = now() - interval '1 minute', first_seen_at = now() - interval '1 minute' WHERE id = $1", [ids.customer])
  const queue = syncQueue('hubspot')
  try {
    // One call per ten minutes, each round; five new changes in the fetch (customers not in the mirror, so nothing to write) are more than that sustains.
    const starved = () => createHubspotConnector({
      accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter: createRateLimiter({ max: 1, intervalMs: 600_000 })
    })
    // `databaseAheadMs`: the database's clock (pg-boss's marks) against this worker's.
    const round = async (heldSince: number, databaseAheadMs = 0) => {
      await h.boss.insert(queue, [
        { data: { ...contact, held: true, heldSince }, singletonKey: entityKey(contact) },
        ...Array.from({ length: 5 }, (_, i) => ({ data: { type: 'contact', id: `ghost_wf_${i}` }, singletonKey: `contact:ghost_wf_${i}` }))
      ])
      const jobs = (await h.boss.fetch<SyncJob>(queue, { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<SyncJob>>)
        .map((job) => ({ ...job, createdOn: new Date(job.createdOn.getTime() + databaseAheadMs), startedOn: new Date(job.startedOn.getTime() + databaseAheadMs), signal: new AbortController().signal }))
      assert.equal(jobs.length, 6)
      const handler = createSyncHandler({
        pool: h.pool, boss: h.boss, connector: starved(), circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400
      })
      assert.ok((await handler(jobs)).every((result) => result.status === 'completed'))
      await h.boss.complete(queue, jobs.map((job) => job.id))
      const { rows } = await h.pool.query<{ data: SyncJob }>("SELECT data FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [queue, entityKey(contact)])
      return rows[0]?.data
    }
    const before = h.hubspot.requestStats().total
    const firstHeld = Date.now() - 1000
    const again = await round(firstHeld)
    assert.equal(h.hubspot.requestStats().total, before, 'held again: nothing written')
    assert.equal(again?.heldSince, firstHeld, 'its first hold still counts')
    await h.pool.query("DELETE FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [queue, entityKey(contact)])

    const overdue = await round(Date.now() - 6000)
    assert.equal(overdue, undefined, 'not queued again')
    assert.equal(h.hubspot.requestStats().total, before + 1, 'written, though its call holds one record')

    // First held 6 s ago by the database's clock, which runs an hour ahead of this worker's: by
    // the worker's clock it was held in the future, and it would be held again and again.
    // (A new name, so the contact has a change to write again; still quiet a minute, and its
    // copy in the CRM a minute old, so the change is not put off as a contact-only one.)
    await h.pool.query("UPDATE customers SET name = 'Renamed Later', updated_at = now() - interval '1 minute' WHERE id = $1", [ids.customer])
    await h.pool.query("UPDATE crm_records SET synced_at = now() - interval '1 minute' WHERE crm = 'hubspot' AND entity_type = 'contact' AND entity_id = $1", [ids.customer])
    const anHour = 3_600_000
    const skewed = await round(Date.now() + anHour - 6000, anHour)
    assert.equal(skewed, undefined, `not queued again whatever the worker's clock says: ${JSON.stringify(skewed)}`)
    assert.equal(h.hubspot.requestStats().total, before + 2, 'written')
  } finally {
    await h.startWorkers()
  }
  assert.equal(hubspotRecords(h.hubspot, 'contacts', 'agentclara_customer_id', ids.customer).length, 1)
})

test('when a CRM\'s two worker slots linger under pressure, then their next fetches are spaced by the linger across both: the second waits for the first\'s turn', async () => {
  // A spent window (the limiter's one call is used): every batch lingers MAX_LINGER_MS.
  const limiter = createRateLimiter({ max: 1, intervalMs: 600_000 })
  await limiter.acquire()
  const spent = createHubspotConnector({ accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter })
  // One handler serves a CRM's slots (start-workers.ts); the jobs name contacts not in the mirror, so nothing is written.
  const handler = createSyncHandler({
    pool: h.pool, boss: h.boss, connector: spent, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400
  })
  const job = (id: string) => ({ id: crypto.randomUUID(), data: { type: 'contact', id }, retryCount: 0, retryLimit: 16, createdOn: new Date(), startedOn: new Date(), signal: new AbortController().signal }) as unknown as JobWithMetadata<SyncJob>
  const before = h.hubspot.requestStats().total
  const started = Date.now()
  const returned = await Promise.all(['ghost_slot_a', 'ghost_slot_b'].map(async (id) => { await handler([job(id)]); return Date.now() - started }))
  returned.sort((a, b) => a - b)
  // Each on its own would return after one linger; the second's next fetch comes one linger after the first's.
  assert.ok((returned[0] ?? 0) >= MAX_LINGER_MS - 50, `first slot lingered (${returned[0]} ms)`)
  assert.ok((returned[1] ?? 0) >= 2 * MAX_LINGER_MS - 50, `second slot waited for the first's turn (${returned[1]} ms)`)
  assert.equal(h.hubspot.requestStats().total, before, 'nothing written')
})

test('when two worker processes linger under pressure, then their next fetches are spaced by the linger across both, through the database: the second waits for the first\'s turn', async () => {
  // A spent window (the limiter's one call is used): every batch lingers MAX_LINGER_MS.
  const limiter = createRateLimiter({ max: 1, intervalMs: 600_000 })
  await limiter.acquire()
  const spent = createHubspotConnector({ accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter })
  // Two processes: a handler each, sharing only the database (start-workers.ts wires the shared turns).
  const pacer = () => createFetchPacer(sharedPacerStore({ pool: h.pool, crm: 'hubspot' }))
  const handlers = [1, 2].map(() => createSyncHandler({
    pool: h.pool, boss: h.boss, connector: spent, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400, pacer: pacer()
  }))
  const job = (id: string) => ({ id: crypto.randomUUID(), data: { type: 'contact', id }, retryCount: 0, retryLimit: 16, createdOn: new Date(), startedOn: new Date(), signal: new AbortController().signal }) as unknown as JobWithMetadata<SyncJob>
  const before = h.hubspot.requestStats().total
  const started = Date.now()
  // Both fetch at once, before either holds a turn: both are granted, and both linger.
  const returned = await Promise.all(['ghost_process_a', 'ghost_process_b'].map(async (id, i) => { await handlers[i]?.([job(id)]); return Date.now() - started }))
  returned.sort((a, b) => a - b)
  // Each spacing its own turns would return after one linger: two processes would fetch together.
  assert.ok((returned[0] ?? 0) >= MAX_LINGER_MS - 50, `first process lingered (${returned[0]} ms)`)
  assert.ok((returned[1] ?? 0) >= 2 * MAX_LINGER_MS - 50, `second process waited for the first's turn (${returned[1]} ms)`)
  assert.equal(h.hubspot.requestStats().total, before, 'nothing written')
})

test('when an idle slot fetches part of a call before the turn a lingering slot holds, then its jobs go back to the queue, marks kept, for that turn\'s fetch, and it takes the turn after; a retry goes at once', async () => {
  // A spent window (the limiter's one call is used): every batch lingers MAX_LINGER_MS.
  const limiter = createRateLimiter({ max: 1, intervalMs: 600_000 })
  await limiter.acquire()
  const connector = createHubspotConnector({ accessToken: h.hubspot.accessToken, baseUrl: h.hubspotUrl, appointmentObject: 'meetings', timeoutMs: 2000, limiter })
  let usageReads = 0
  // Counted once read: the slot acts on it (reserves its turn) before a poll can see the count.
  const spent = { ...connector, budgetUsage: async () => { const usage = await connector.budgetUsage?.() ?? 0; usageReads++; return usage } }
  const handler = createSyncHandler({
    pool: h.pool, boss: h.boss, connector: spent, circuit: createCircuit({ pool: h.pool, crm: 'hubspot' }), logger: createLogger({ level: 'silent' }), metrics: h.metrics, batchSize: 400
  })
  const job = (data: SyncJob, retryCount = 0) => ({ id: crypto.randomUUID(), data, retryCount, retryLimit: 16, createdOn: new Date(), startedOn: new Date(), signal: new AbortController().signal }) as unknown as JobWithMetadata<SyncJob>
  const queued = async (id: string) => (await h.pool.query<{ start_after: Date, data: SyncJob }>(
    "SELECT start_after, data FROM pgboss.job WHERE name = $1 AND singleton_key = $2 AND state = 'created'", [syncQueue('hubspot'), `contact:${id}`])).rows
  const before = h.hubspot.requestStats().total
  const started = Date.now()
  // Slot A reads its batch (contacts not in the mirror: nothing to write) and lingers: its
  // second look at the budget is the one that reserves its turn.
  const slotA = handler([job({ type: 'contact', id: 'ghost_turn_a' })])
  await until(async () => usageReads, (n) => n >= 2, { what: 'slot A lingering', timeoutMs: 5000 })
  const slotB = handler([job({ type: 'contact', id: 'ghost_turn_b', held: true, heldSince: 123 })])
  const backForTurn = await until(() => queued('ghost_turn_b'), (rows) => rows.length === 1, { what: 'slot B\'s job back in the queue', timeoutMs: 5000 })
  const at = backForTurn[0]?.start_after.getTime() ?? 0
  assert.ok(at >= started + MAX_LINGER_MS - 400 && at <= Date.now() + MAX_LINGER_MS, `ready just before slot A's turn (${at - started} ms from A's fetch)`)
  assert.deepEqual(backForTurn[0]?.data, { type: 'contact', id: 'ghost_turn_b', held: true, heldSince: 123 }, 'the job as it was: its marks kept')
  // A retry is due now: read at once, however early (a job sent back is queued before the
  // slot looks at the budget again, so by the retry's first look it would be there).
  await until(async () => usageReads, (n) => n >= 3, { what: 'slot B lingering', timeoutMs: 5000 })
  const retry = handler([job({ type: 'contact', id: 'ghost_turn_r' }, 1)])
  await until(async () => usageReads, (n) => n >= 4, { what: 'the retry read', timeoutMs: 5000 })
  assert.deepEqual(await queued('ghost_turn_r'), [], 'the retry was not sent back')
  await Promise.all([slotA, slotB, retry])
  assert.ok(Date.now() - started >= 2 * MAX_LINGER_MS - 50, `slot B took the turn after slot A's (${Date.now() - started} ms)`)
  assert.equal(h.hubspot.requestStats().total, before, 'nothing written')
})

test('when a batch\'s only unwritten record waits for its contact, then the next fetch is still spaced by the day\'s share; after a retry it is not', async () => {
  await stopWorkersOnEmptyQueue()
  try {
    // A quiet budget of 2 calls per 10 s: nothing presses, and a call's share of it is 5 s,
    // so the spacing after a part-filled fetch is its cap, MAX_LINGER_MS.
    const arrived = await arrivedInMirror('_spaced')
    const message: EntityRef = { type: 'message', id: arrived.ids.message }
    const before = h.hubspot.requestStats().total
    const timed = async (retryCount: number) => {
      const handler = handlerWithBudget(2)
      const started = Date.now()
      await handler([{ ...fetchedNow(message, new Date()), retryCount }])
      return Date.now() - started
    }
    // Its contact is not in HubSpot, nor in the batch: the message waits for it, no call made.
    const waited = await timed(0)
    assert.equal((await messageRecord(arrived.ids.message))?.status, 'waiting')
    assert.equal(h.hubspot.requestStats().total, before, 'nothing written')
    assert.ok(waited >= MAX_LINGER_MS - 50, `the next fetch waited for the spacing (${waited} ms)`)
    // A retry is an outage's tail: its next fetch is not spaced.
    const retried = await timed(1)
    assert.ok(retried < MAX_LINGER_MS - 500, `the next fetch after a retry came at once (${retried} ms)`)
  } finally {
    await h.startWorkers()
  }
})
