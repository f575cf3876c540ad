import { setTimeout as delay } from 'node:timers/promises'
import type pg from 'pg'
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { maskPiiInText } from '../src/mask-pii-text.ts'
import { deliveriesPerSecond } from '../src/receiver/delivery-rate.ts'
import { recordFieldOwnership } from '../src/sync/field-ownership.ts'
import type { Metrics } from '../src/metrics.ts'
import { entityKey, type EntityRef } from '../src/mirror/entity-ref.ts'
import type { Circuit } from '../src/sync/circuit.ts'
import { deferArriving, deferSync, enqueueSync, requeueForTurn, requeueHeld, retryAfterCrmFailure } from '../src/sync/enqueue-sync.ts'
import { versionsMovedOn } from '../src/sync/entity-versions.ts'
import { batchPacing, callSpacing, createSpendGate, demandShare, OVERLOAD, spendShare, timeToFill } from '../src/sync/batch-pacing.ts'
import type { CallShape } from '../src/sync/call-room.ts'
import { createDemandMeter, DEMAND_WINDOW_MS, type DemandMeter } from '../src/sync/demand-meter.ts'
import { createFetchPacer, type FetchPacer } from '../src/sync/fetch-pacer.ts'
import type { ArrivalWindow } from '../src/sync/arriving-customers.ts'
import { syncBatch, type EntityOutcome } from '../src/sync/sync-batch.ts'
import { sortOutcomes } from '../src/sync/sort-outcomes.ts'
import { arrivedWithin, heldSince, queuedMs, type SyncJob } from '../src/sync/sync-queue.ts'
import type { QueueStatistics } from '../src/sync/queue-statistics.ts'
import { requeueWaiting } from '../src/sync/requeue-waiting.ts'
import { contactsLandedFor, dependentsWaitingFor, markFailed, markSynced, markWaiting, WAITING_FOR_CONTACT_ERROR } from '../src/sync/sync-records.ts'

// Coalescing contact-only changes while the budget is the bottleneck (batch-pacing.ts): a
// contact already in the CRM and written there less than MAX_STALE_MS ago is read again on
// a DEFER_SECONDS boundary (deferSync), with every contact put off (its later changes
// collapse into that one write).
const MAX_STALE_MS = 30_000
const DEFER_SECONDS = 5
// Under overload a contact new to the CRM waits until its customer has been quiet for 5 s,
// but never past 6 s from the customer's first event (stretched while the apply worker is
// behind the inbox, see arriving-customers.ts): a new customer's opening burst
// (conversation, first messages, a booking) comes within seconds, and a customer first seen
// longer ago — a backlog after an outage or a deploy — is written at once, so its messages
// do not wait behind it. It comes back when its hold ends if nothing more comes, the
// part-filled rest of a call on the next second boundary, each together with what arrived
// meanwhile.
const ARRIVAL_WINDOW = { quietMs: 5000, maxHoldMs: 6000 }
const RECHECK_SECONDS = 1
// The part-filled rest of a call waits once; while the daily quota binds it may wait again
// for later records to fill its call, up to this long from when it was first held.
const MAX_FILL_WAIT_MS = 5000
// A fetch this close to another slot's turn just goes; jobs sent back for a turn are ready a
// little before it, so the fetch at the turn finds them whatever the two clocks say.
const MIN_WAIT_FOR_TURN_MS = 200
const TURN_LEAD_MS = 100
// Deliveries stored at the door count as demand from OVERLOAD on (batch-pacing.ts `arriving`),
// over this window: a burst of 600 a second reads HubSpot's OVERLOAD half a second in, and a
// steady flow under the limit does not cross it for a second's bunching.
const DOOR_WINDOW_MS = 2000
// One count serves the batches and lingers of this long: with every worker syncing under
// ingestion, counted twice a batch it was 2 % of a PostgreSQL backend's time (sampled).
const DOOR_READ_EVERY_MS = 250

export interface SyncHandlerDeps {
  pool: pg.Pool
  boss: PgBoss
  connector: CrmConnector
  circuit: Circuit
  logger: Logger
  metrics: Metrics
  /** The most jobs one fetch hands over: a full fetch means more is queued (see batch-pacing.ts). */
  batchSize?: number
  /** Looked at after every fetch, so a backlog's fetches plan from current statistics (queue-statistics.ts). */
  queueStatistics?: QueueStatistics
  /** How long a new contact waits for its customer while the daily quota binds (ARRIVAL_WINDOW). */
  arrivalWindow?: ArrivalWindow
  /** The CRM's fetch turns: by default this handler's own; start-workers.ts shares them across processes. */
  pacer?: FetchPacer
  /** What `demand` and `workload` count (below): by default this handler's fetches; start-workers.ts counts every process's. */
  meters?: { demand: DemandMeter, workload: DemandMeter }
}

/**
 * The pg-boss handler for one CRM's sync queue: turns a batch of jobs into one
 * `syncBatch`, records each entity's outcome in `crm_records`, and settles each job on
 * its own. A record the CRM rejects is dead at once (visible, replayable); a record that
 * failed for itself retries alone with backoff and is dead after its last attempt. When
 * the CRM fails as a whole its circuit counts it and the records are read again a second
 * later; while the circuit is open they are parked as `waiting` until a probe finds the
 * CRM answering and queues them all again. Either way no attempt is spent: a record is
 * never dead, nor backed off for minutes, for the CRM's sake.
 */
export function createSyncHandler (deps: SyncHandlerDeps) {
  const crm = deps.connector.name
  const { circuit } = deps
  // New changes, and every job fetched (put-off ones read again included): see batch-pacing.ts.
  const demand = deps.meters?.demand ?? createDemandMeter()
  const spendGate = createSpendGate({ graceMs: deps.connector.capacity?.().windowMs })
  const workload = deps.meters?.workload ?? createDemandMeter()
  // Shared by the CRM's worker slots (one handler serves them all): the linger spaces their fetches.
  const pacer = deps.pacer ?? createFetchPacer()
  let door: { at: number, perSecond: Promise<number | undefined> } | undefined
  // Best effort, as the window's use: a failed read only leaves the burst to the sync's own meter.
  const atTheDoor = (atMost: number) => {
    if (!door || performance.now() - door.at >= DOOR_READ_EVERY_MS) {
      door = { at: performance.now(), perSecond: deliveriesPerSecond(deps.pool, { windowMs: DOOR_WINDOW_MS, atMost }).catch(() => undefined) }
    }
    return door.perSecond
  }

  return async function syncJobs (jobs: Array<JobWithMetadata<SyncJob>>): Promise<JobResult[]> {
    const refs = [...new Map(jobs.map((job) => [entityKey(job.data), job.data])).values()]
    // Every time this batch compares with what the database stamped (a job's marks, a CRM copy's
    // synced_at) or hands to pg-boss (startAfter) is on the database's clock: when these jobs
    // were fetched (pg-boss's startedOn), plus the time since on this host's monotonic clock.
    // A worker host's clock seconds off then misjudges nothing, and defers nothing by its skew.
    const fetchedAt = Math.max(...jobs.map((job) => job.startedOn.getTime()))
    const handedAt = performance.now()
    const databaseNow = () => fetchedAt + (performance.now() - handedAt)
    const fetchWasFull = deps.batchSize !== undefined && jobs.length >= deps.batchSize
    // Retries are due now, and a full fetch has a call's worth: only a part-filled fresh fetch waits.
    const retrying = jobs.some((job) => job.retryCount > 0 || job.data.retry === true)
    const beforeTurnMs = await pacer.fetched(!fetchWasFull && !retrying)
    if (beforeTurnMs >= MIN_WAIT_FOR_TURN_MS) return waitForTurn(jobs, refs, databaseNow() + beforeTurnMs)
    const status = await circuit.status()
    if (status.open && !(await circuit.claimProbe())) {
      await park(refs, status.reason)
      return jobs.map((job) => ({ id: job.id, status: 'completed' }))
    }

    // Alongside the batch; the next fetch, after we return, plans from what it finds.
    const statistics = deps.queueStatistics?.refreshIfStale()
    const signal = AbortSignal.any(jobs.map((job) => job.signal))
    // Demand is new changes arriving now, within the meter's window (sync-queue.ts `arrivedWithin`),
    // counted from when the earliest of them was queued (demand-meter.ts).
    const arrivals = jobs.filter((job) => arrivedWithin(job, DEMAND_WINDOW_MS))
    await Promise.all([demand.record(new Set(arrivals.map((job) => entityKey(job.data))).size, Math.max(0, ...arrivals.map(queuedMs))), workload.record(refs.length)])
    const pacing = batchPacing(await pressure(fetchWasFull))
    // What one call carries (call-room.ts): the fill and the ride-along of contacts put off plan with it.
    const capacity = deps.connector.capacity?.()
    const shape: CallShape | undefined = capacity && { recordsPerCall: capacity.recordsPerCall, ...(capacity.recordsPerCollection ? { recordsPerCollection: capacity.recordsPerCollection } : {}) }
    // When each record left as the rest of a call by an earlier batch was first held (the
    // database's clock: the same whichever worker host holds it next).
    const heldAt = new Map<string, number>()
    for (const job of jobs) {
      const since = heldSince(job.data)
      if (since !== undefined) heldAt.set(entityKey(job.data), since)
    }
    const mayHold = (key: string) => {
      const since = heldAt.get(key)
      return since === undefined || (pacing.waitToFill && fetchedAt - since < MAX_FILL_WAIT_MS)
    }
    // A new contact already put off as arriving (a recheck), and its records, keep waiting for
    // its customer (within the same bound) whatever the pressure reads now: demand dips between
    // fetches mid-burst, and writing it then means writing it again when its customer's last
    // events land.
    const arrivalWindow = deps.arrivalWindow ?? ARRIVAL_WINDOW
    const rechecked = new Set(jobs.filter((job) => job.data.recheck === true).map((job) => entityKey(job.data)))
    const hold = pacing.holdArrivingContacts ? arrivalWindow : rechecked.size > 0 ? { ...arrivalWindow, only: rechecked } : undefined
    const { outcomes, contactsNeeded, versions } = await syncBatch(deps, refs, signal, {
      // A contact put off whose customer has been quiet as long as a hold waits is settled: it may fill a call.
      ...(pacing.deferContactUpdates ? { deferContactUpdates: { maxStaleMs: MAX_STALE_MS, now: databaseNow(), settledAfterMs: arrivalWindow.quietMs, ...(shape ? { rideAlong: shape } : {}) } } : {}),
      ...(hold ? { holdArrivingContacts: hold } : {}),
      // More is queued than this batch holds, or soon will be: the next fetch fills what this one would part-fill.
      ...(pacing.fillCalls && shape ? { fillCalls: { ...shape, mayHold } } : {})
    })
    // A CRM's error text can echo what we sent (phone, email): masked before it is stored
    // in crm_records and the job's output, or logged.
    for (const [key, outcome] of outcomes) {
      if (!outcome.ok) outcomes.set(key, { ...outcome, error: maskPiiInText(outcome.error) })
    }
    const failures = [...outcomes.values()].filter((outcome) => !outcome.ok)
    const down = failures.find((outcome) => outcome.whole === 'down')
    const opened = down ? await circuit.failed(down.error) : false
    // Anything but "down" means the CRM answered (a 429 or a record's own error included).
    if (!down && outcomes.size > 0 && await circuit.succeeded()) await requeueWaiting(deps)

    const lastAttempt = new Set(jobs.filter((job) => job.retryCount >= job.retryLimit).map((job) => entityKey(job.data)))
    const { synced, unchanged, failed, parked, crmFailed, waitingForContact, deferred, arriving, held } =
      sortOutcomes(outcomes, { versions, lastAttempt, crmDown: opened || status.open })
    const count = (outcome: string, n: number) => { if (n > 0) deps.metrics.crmSync.inc({ crm, outcome }, n) }
    count('synced', synced.length)
    count('unchanged', unchanged)
    count('deferred', deferred.length + arriving.length + held.length)
    count('dead', failed.filter((item) => item.dead).length)
    count('retrying', failed.filter((item) => !item.dead).length + crmFailed.length)
    count('waiting', waitingForContact.length)
    await markSynced(deps.pool, crm, synced)
    await markFailed(deps.pool, crm, [...failed, ...crmFailed.map((item) => ({ ...item, dead: false }))])
    await recordFieldOwnership(deps.pool, crm, synced)
    if (parked.length > 0) {
      // A record parked on its last attempt must not wait for a circuit that never opened.
      if (!opened && !status.open) await circuit.failed(down?.error ?? 'the CRM keeps failing', true)
      await park(parked, down?.error ?? null)
    }
    await markWaiting(deps.pool, crm, waitingForContact, `${WAITING_FOR_CONTACT_ERROR}: it goes as soon as its contact is in the CRM`)
    // Their contacts' batches look for what waits once: one that landed meanwhile did not see these.
    const awaited = waitingForContact.flatMap((ref) => {
      const outcome = outcomes.get(entityKey(ref))
      return outcome && 'waitingFor' in outcome ? [{ ref, customerId: outcome.waitingFor }] : []
    })
    await enqueueSync(deps.boss, undefined, [crm], await contactsLandedFor(deps.pool, crm, awaited))
    // Before this job completes: the entity's next job exists before this one is gone.
    await deferSync(deps.boss, crm, deferred, DEFER_SECONDS, databaseNow())
    await deferArriving(deps.boss, crm, arriving, RECHECK_SECONDS, databaseNow())
    await retryAfterCrmFailure(deps.boss, crm, crmFailed.map((item) => item.ref), RECHECK_SECONDS, databaseNow())
    // After a full fetch the next one is full too and takes them at once; otherwise they wait
    // for the next boundary, so a second worker does not pick them up alone, part-filled again.
    await requeueHeld(deps.boss, crm, held.map((ref) => ({ ref, since: heldAt.get(entityKey(ref)) ?? fetchedAt })), fetchWasFull ? 0 : RECHECK_SECONDS, databaseNow())
    await queueFollowUps(synced, contactsNeeded)
    const notSynced = [...failed, ...crmFailed]
    if (notSynced.length > 0) deps.logger.warn({ crm, failed: notSynced.length, of: outcomes.size, firstError: notSynced[0]?.error }, 'sync: some records failed')
    deps.logger.debug({ crm, jobs: jobs.length, synced: synced.length, parked: parked.length }, 'sync batch done')
    await statistics
    // pg-boss fetches this slot's next batch when we return: while the budget is the
    // bottleneck, give the queue time to fill that batch's calls — counted from the CRM's
    // latest fetch, whichever slot made it (fetch-pacer.ts).
    // Recovering — this batch failed or carried retries — the next fetch is not spaced:
    // spacing is for a flow written as it comes, and must not stretch an outage's tail.
    // A record waiting for its contact (`waitingForContact`) is no failure: counted as one, the
    // next fetch came at once, part-filled (Salesforce's first day: 70 Tasks 0.2 s after 140 records).
    const recovering = failed.length + parked.length + crmFailed.length > 0 || retrying
    const waitMs = await pacer.nextTurn(batchPacing(await pressure(fetchWasFull, !recovering)).lingerMs)
    // Cut short when the jobs are aborted (shutdown, expiry).
    if (waitMs > 0) await delay(waitMs, undefined, { signal }).catch(() => {})

    // Parked and waiting records are settled in crm_records, and the CRM's failures are
    // queued again: their jobs complete.
    const settled = new Set([...parked, ...waitingForContact, ...crmFailed.map((item) => item.ref)].map(entityKey))
    return jobs.map((job): JobResult => {
      const outcome: EntityOutcome | undefined = outcomes.get(entityKey(job.data))
      if (!outcome || outcome.ok || settled.has(entityKey(job.data))) return { id: job.id, status: 'completed' }
      return { id: job.id, status: outcome.retryable ? 'failed' : 'deadletter', output: { error: outcome.error } }
    })
  }

  /**
   * A slot that was idle fetched before the turn another slot holds (fetch-pacer.ts): its
   * jobs go back to the queue for that turn, whose fetch takes them with whatever arrives
   * meanwhile, and this slot takes the turn after it. Nothing is read or written now.
   */
  async function waitForTurn (jobs: Array<JobWithMetadata<SyncJob>>, refs: SyncJob[], turnAt: number): Promise<JobResult[]> {
    await requeueForTurn(deps.boss, crm, refs, new Date(turnAt - TURN_LEAD_MS))
    deps.logger.debug({ crm, jobs: jobs.length, turnAt }, 'sync: fetched before another slot\'s turn, sent back for it')
    const waitMs = await pacer.nextTurn(batchPacing(await pressure(false, true)).lingerMs)
    const signal = AbortSignal.any(jobs.map((job) => job.signal))
    if (waitMs > 0) await delay(waitMs, undefined, { signal }).catch(() => {})
    return jobs.map((job) => ({ id: job.id, status: 'completed' }))
  }

  /**
   * `spaced`: whether part-filled fetches keep a call's share of the day apart (`callSpacing`).
   * Its reads go together: each is a round trip, and every change in the batch waits for them.
   */
  async function pressure (fetchWasFull: boolean, spaced = false) {
    const capacity = deps.connector.capacity?.()
    // Counted up to what reads as OVERLOAD: past it, how far past changes nothing.
    const doorCounts = capacity && capacity.callsPerSecond > 0 && Number.isFinite(capacity.callsPerSecond)
    const [usage, changesPerSecond, workPerSecond, delivered] = await Promise.all([
      deps.connector.budgetUsage?.().catch(() => 0) ?? 0,
      demand.perSecond(),
      workload.perSecond(),
      doorCounts ? atTheDoor(OVERLOAD * capacity.recordsPerCall * capacity.callsPerSecond * DOOR_WINDOW_MS / 1000) : undefined
    ])
    return {
      usage,
      demand: demandShare(changesPerSecond, capacity),
      ...(delivered !== undefined ? { arriving: demandShare(delivered, capacity) } : {}),
      workload: demandShare(workPerSecond, capacity),
      spend: spendGate(spendShare(usage, capacity)),
      fetchWasFull,
      ...(spaced ? { spacingMs: callSpacing(capacity) } : {}),
      ...(capacity ? { fillMs: timeToFill(changesPerSecond, capacity.recordsPerCall) } : {})
    }
  }

  async function park (refs: EntityRef[], reason: string | null): Promise<void> {
    await markWaiting(deps.pool, crm, refs, `${crm} unavailable, waiting for it to answer again${reason ? `: ${reason}` : ''}`)
    deps.metrics.crmSync.inc({ crm, outcome: 'waiting' }, refs.length)
    // The circuit may have closed since this batch read it open, and the re-queue of everything
    // waiting that the close triggers may have read crm_records before these were marked: then
    // nothing would ever bring them back. Read after marking, a closed circuit means they go now.
    if (!(await circuit.status()).open) await enqueueSync(deps.boss, undefined, [crm], refs)
  }

  async function queueFollowUps (synced: Array<{ ref: EntityRef, version: number }>, contactsNeeded: string[]): Promise<void> {
    // A change that committed while we were writing has its own job already (see
    // entity-versions.ts); queueing again here is a cheap second line of defence.
    const movedOn = await versionsMovedOn(deps.pool, synced)
    // Contacts that just reached the CRM wake the messages and appointments waiting for them.
    const contacts = synced.filter((item) => item.ref.type === 'contact').map((item) => item.ref.id)
    const dependents = await dependentsWaitingFor(deps.pool, crm, contacts)
    // Messages waiting for a contact without a CRM id: make sure that contact's job is queued.
    const needed = contactsNeeded.map((id) => ({ type: 'contact' as const, id }))
    await enqueueSync(deps.boss, undefined, [crm], [...movedOn, ...dependents, ...needed])
  }
}
