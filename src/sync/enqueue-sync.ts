import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { CrmName } from '../crm/connector.ts'
import { bossDb } from '../db/pool.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { syncPriority, syncQueue, type SyncJob } from './sync-queue.ts'
import { traceSyncEnqueue } from './trace-links.ts'

/**
 * Enqueues one sync job per entity and CRM — inside the caller's transaction when given
 * a client. The sync queues are `stately` with the entity as singleton key, so an entity
 * already waiting is not queued twice. That is only an optimisation: a waiting job may be
 * fetched before the caller commits, and it is the version lock (entity-versions.ts) that
 * makes it read the caller's change anyway.
 */
export async function enqueueSync (boss: PgBoss, client: pg.PoolClient | undefined, crms: readonly CrmName[], refs: EntityRef[]): Promise<void> {
  const unique = [...new Map(refs.map((ref) => [entityKey(ref), ref])).values()]
  if (unique.length === 0) return
  // Only a caller's own transaction carries a delivery's trace; re-queues outside one do not.
  const trace = client ? await traceSyncEnqueue(client, crms.map(syncQueue), unique.map(entityKey)) : undefined
  for (const crm of crms) {
    const jobs = unique.map((ref) => ({ data: trace ? { ...ref, trace } : ref, singletonKey: entityKey(ref), priority: syncPriority(ref) }))
    await boss.insert(syncQueue(crm), jobs, client ? { db: bossDb(client) } : undefined)
  }
}

/**
 * Queues these entities again to be read on the next multiple of `seconds` on the clock at
 * least half of it away, marked `recheck` (a contact-only change put off while the rate budget
 * is the bottleneck): everything put off comes back together and fills calls instead of
 * trickling back into part-filled ones. Half, not a whole period: a contact read on a boundary
 * and put off again came back two periods later, so contacts first put off in alternate
 * periods kept alternate phases, and when the budget eased they went in two calls, not one
 * (Salesforce wrote a burst's 2 000 contacts' final states in four). Stately: if the
 * entity already has a queued job, that one reads the same latest state, so nothing is lost
 * when this insert is dropped.
 */
export async function deferSync (boss: PgBoss, crm: CrmName, refs: EntityRef[], seconds: number, now = Date.now()): Promise<void> {
  const at = nextBoundary(seconds, now, seconds * 500)
  await requeue(boss, crm, refs.map((ref) => ({ data: { ...ref, recheck: true, putOff: true }, startAfter: at })))
}

/**
 * Queues new contacts whose customers are still arriving, and the records waiting with them,
 * again for when each hold ends if nothing more comes (`waitMs`, at least `seconds`), marked
 * `recheck`, on a multiple of `seconds` like `deferSync`. Read then, a customer whose events
 * kept coming is put off again, to its new end: one read per hold instead of one a second.
 */
export async function deferArriving (boss: PgBoss, crm: CrmName, arriving: Array<{ ref: EntityRef, waitMs: number }>, seconds: number, now = Date.now()): Promise<void> {
  await requeue(boss, crm, arriving.map(({ ref, waitMs }) => ({ data: { ...ref, recheck: true }, startAfter: nextBoundary(seconds, now, Math.max(seconds * 1000, waitMs)) })))
}

/**
 * Queues these entities again, marked `held` since when each was first held (the part-filled
 * rest of a call, see sync-batch.ts `fillCalls`), on the next `seconds` boundary like
 * `deferSync`: what several batches held comes back together.
 */
export async function requeueHeld (boss: PgBoss, crm: CrmName, held: Array<{ ref: EntityRef, since: number }>, seconds: number, now = Date.now()): Promise<void> {
  const at = nextBoundary(seconds, now)
  await requeue(boss, crm, held.map(({ ref, since }) => ({ data: { ...ref, held: true, heldSince: since }, startAfter: at })))
}

/**
 * Queues these jobs again as they are (marks and trace kept) to be fetched from `at`: a fetch
 * that came before another worker slot's turn, sent back for that turn's fetch to take.
 */
export async function requeueForTurn (boss: PgBoss, crm: CrmName, jobs: SyncJob[], at: Date): Promise<void> {
  await requeue(boss, crm, jobs.map((data) => ({ data, startAfter: at })))
}

/**
 * Queues these entities again after the CRM failed their call as a whole (5xx, timeout, 429)
 * while its circuit is closed, marked `retry`, on the next `seconds` boundary like
 * `deferSync`. Their jobs complete instead of failing: a CRM's failure spends no attempt of
 * theirs and does not grow their backoff. A CRM that keeps failing opens its circuit within
 * a few such rounds, and its records are parked; one answering 429 is paced by its limiter.
 */
export async function retryAfterCrmFailure (boss: PgBoss, crm: CrmName, refs: EntityRef[], seconds: number, now = Date.now()): Promise<void> {
  const at = nextBoundary(seconds, now)
  await requeue(boss, crm, refs.map((ref) => ({ data: { ...ref, retry: true }, startAfter: at })))
}

/** The first multiple of `seconds` on the clock at least `minWaitMs` (by default `seconds`) from `now`. */
function nextBoundary (seconds: number, now: number, minWaitMs = seconds * 1000): Date {
  const period = seconds * 1000
  return new Date(period > 0 ? Math.ceil((now + minWaitMs) / period) * period : now + minWaitMs)
}

async function requeue (boss: PgBoss, crm: CrmName, jobs: Array<{ data: SyncJob, startAfter: Date }>): Promise<void> {
  if (jobs.length === 0) return
  await boss.insert(syncQueue(crm), jobs.map(({ data, startAfter }) => ({ data, singletonKey: entityKey(data), priority: syncPriority(data), startAfter })))
}
