import type pg from 'pg'
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../src/crm/connector.ts'
import { bossDb, withTransaction } from '../src/db/pool.ts'
import { prepared } from '../src/db/prepared.ts'
import { APPLY_QUEUE, applyQueueOptions, eventsOf, type ApplyEventRef, type ApplyJob } from '../src/mirror/apply-queue.ts'
import { enqueueSync } from '../src/sync/enqueue-sync.ts'
import type { AgentClaraEvent } from '../src/events/schemas.ts'
import { anyErased, holdIfErased } from '../src/lifecycle/erasure-hold.ts'
import { applyEvent } from '../src/mirror/apply-event.ts'
import type { EntityRef } from '../src/mirror/entity-ref.ts'
import { lockCustomersOf } from '../src/mirror/customer-locks.ts'
import { ConversationNotKnownYet } from '../src/mirror/errors.ts'
import { bumpVersions } from '../src/sync/entity-versions.ts'
import { carrierOf } from '../src/tracing/carrier.ts'
import type { GiveWay } from './give-way-to-deliveries.ts'
import { inJobSpan } from '../src/tracing/job-spans.ts'
import { activeContext, inContext } from '../src/tracing/tracer.ts'

const LOAD_PAYLOADS = prepared('SELECT id, payload FROM webhook_events WHERE id = ANY($1::bigint[])')
const MARK_APPLIED = prepared('UPDATE webhook_events SET status = \'applied\', applied_at = now(), error = NULL WHERE id = ANY($1::bigint[])')

/** An event's own failure inside a batch applied in one go: the batch is redone event by event. */
class EventFailed extends Error {}

type Mode = 'together' | 'one by one'

/** One event of a job, with its stored payload (null when it has none). */
interface Unit { job: JobWithMetadata<ApplyJob>, event: ApplyEventRef, payload: AgentClaraEvent | null }

const compareIds = (a: string, b: string) => {
  const difference = BigInt(a) - BigInt(b)
  return difference < 0n ? -1 : difference > 0n ? 1 : 0
}

/**
 * Applies inbox events to the mirror and enqueues CRM syncs for what changed: a batch of
 * jobs, each naming one or many events, in one transaction, in arrival order. First in
 * one go: no savepoints, one status update and one erasure check for the batch. An event
 * whose conversation is unknown wrote nothing: it gets one more go after the rest of the
 * batch (its conversation may be among them), then waits and retries with backoff. If
 * an event fails otherwise, the transaction is rolled back and the batch is redone event
 * by event, each behind a savepoint, so that event rolls back alone and retries while the
 * rest commit. Both passes run the same per-event steps; the first only saves the
 * savepoints' round trips, which were most of the worker's cost (docs/benchmarks.md).
 * An event of a shared job retries in a job of its own; after its last attempt it is
 * marked `failed` (dead letter, visible on the dashboard, replayable).
 */
export function createApplyHandler (deps: { pool: pg.Pool, boss: PgBoss, crms: readonly CrmName[], logger: Logger, giveWay?: GiveWay }) {
  return async function applyBatch (jobs: Array<JobWithMetadata<ApplyJob>>): Promise<JobResult[]> {
    const startedAt = performance.now()
    const results = await applyInTransaction(jobs)
    // Committed: the worker's next fetch may wait for the receiver in a burst (give-way-to-deliveries.ts).
    const events = jobs.reduce((sum, job) => sum + eventsOf(job.data).length, 0)
    // Cut short when the jobs are aborted (shutdown); jobs fetched by hand, not by work(), have no signal.
    const signals = jobs.flatMap((job) => job.signal instanceof AbortSignal ? [job.signal] : [])
    await deps.giveWay?.({ events, batchMs: performance.now() - startedAt }, AbortSignal.any(signals))
    return results
  }

  async function applyInTransaction (jobs: Array<JobWithMetadata<ApplyJob>>): Promise<JobResult[]> {
    try {
      return await withTransaction(deps.pool, (client) => applyAll(client, jobs, 'together'))
    } catch (error) {
      if (!(error instanceof EventFailed)) throw error
      deps.logger.debug({ jobs: jobs.length, reason: error.message }, 'apply batch redone event by event')
    }
    return await withTransaction(deps.pool, (client) => applyAll(client, jobs, 'one by one'))
  }

  async function applyAll (client: pg.PoolClient, jobs: Array<JobWithMetadata<ApplyJob>>, mode: Mode): Promise<JobResult[]> {
    // In inbox order (the order of arrival): pg-boss hands a batch over in no particular
    // order, and a message applied before its conversation in the same batch would wait.
    const named = jobs.flatMap((job) => eventsOf(job.data).map((event) => ({ job, event })))
    const { rows } = await client.query<{ id: string, payload: AgentClaraEvent | null }>(LOAD_PAYLOADS([named.map(({ event }) => event.id)]))
    const payloads = new Map(rows.map((row) => [row.id, row.payload]))
    const units: Unit[] = named.map((unit) => ({ ...unit, payload: payloads.get(unit.event.id) ?? null }))
      .sort((a, b) => compareIds(a.event.id, b.event.id))
    const events = rows.flatMap((row) => row.payload ? [row.payload] : [])
    await lockCustomersOf(client, events)
    // One check for the batch; event by event only when some subject is erased.
    const checkErasure = await anyErased(client, events)
    const failedJobs = new Map<string, JobResult>()
    const retries: ApplyEventRef[] = []
    const applied: string[] = []
    const changed: Array<{ refs: EntityRef[], trace: ReturnType<typeof activeContext> }> = []
    /** Applies one event in its own span, in the trace of its delivery; true if it waits for another go. */
    const attempt = (unit: Unit, lastChance: boolean) => inJobSpan(APPLY_QUEUE, { id: unit.job.id, retryCount: unit.job.retryCount, data: { trace: unit.event.trace } }, async (span) => {
      const outcome = await applyOne(client, unit, { mode, checkErasure })
      if (outcome.waits && !lastChance) {
        span.setAttribute('pgboss.job.result', 'waiting')
        return true
      }
      if (outcome.refs.length > 0) changed.push({ refs: outcome.refs, trace: activeContext() })
      if (outcome.applied) applied.push(unit.event.id)
      const failure = outcome.waits ? await recordFailure(client, unit, outcome.waits) : outcome.failure
      if (failure) {
        // An event of a shared job retries in a job of its own; a job of one event is retried by pg-boss.
        if ('events' in unit.job.data) retries.push(unit.event)
        else failedJobs.set(unit.job.id, failure)
      }
      span.setAttribute('pgboss.job.result', failure ? 'failed' : 'completed')
      return false
    })
    const waiting: Unit[] = []
    for (const unit of units) if (await attempt(unit, false)) waiting.push(unit)
    // Its conversation may come later in the same batch: a group commit stores its rows in
    // key order, not in the order they arrived. One more go after the rest.
    for (const unit of waiting) await attempt(unit, true)
    if (applied.length > 0) await client.query(MARK_APPLIED([applied]))
    if (retries.length > 0) {
      const startAfter = new Date(Date.now() + applyQueueOptions.retryDelay * 1000)
      await deps.boss.insert(APPLY_QUEUE, retries.map((event) => ({ data: { eventId: event.id, trace: event.trace }, startAfter })), { db: bossDb(client) })
    }
    // Once per batch, last: version bumps (row locks until COMMIT) in one sorted
    // statement, then the sync jobs. See src/sync/entity-versions.ts for why.
    await bumpVersions(client, changed.flatMap((change) => change.refs))
    if (changed.some((change) => carrierOf(change.trace))) {
      // Traced: each event's syncs carry its delivery's trace.
      for (const change of changed) await inContext(change.trace, () => enqueueSync(deps.boss, client, deps.crms, change.refs))
    } else {
      await enqueueSync(deps.boss, client, deps.crms, changed.flatMap((change) => change.refs))
    }
    return jobs.map((job) => failedJobs.get(job.id) ?? { id: job.id, status: 'completed' })
  }

  interface Outcome { refs: EntityRef[], applied: boolean, waits?: ConversationNotKnownYet, failure?: JobResult }

  async function applyOne (client: pg.PoolClient, unit: Unit, options: { mode: Mode, checkErasure: boolean }): Promise<Outcome> {
    const { payload } = unit
    const ids = { job: unit.job.id, eventId: unit.event.id }
    if (!payload) {
      deps.logger.warn(ids, 'inbox event missing or without payload; nothing to apply')
      return { refs: [], applied: false }
    }
    const oneByOne = options.mode === 'one by one'
    if (oneByOne) await client.query('SAVEPOINT apply_event')
    try {
      if (options.checkErasure && await holdIfErased(client, unit.event.id, payload)) {
        if (oneByOne) await client.query('RELEASE SAVEPOINT apply_event')
        deps.logger.info({ ...ids, event: payload.event }, 'event held: its customer was erased')
        return { refs: [], applied: false }
      }
      const refs = await applyEvent(client, payload)
      if (oneByOne) await client.query('RELEASE SAVEPOINT apply_event')
      return { refs, applied: true }
    } catch (error) {
      // Waiting wrote nothing (errors.ts), so even a batch in one go carries on without it.
      if (!oneByOne && !(error instanceof ConversationNotKnownYet)) throw new EventFailed(error instanceof Error ? error.message : String(error))
      if (oneByOne) await client.query('ROLLBACK TO SAVEPOINT apply_event')
      if (error instanceof ConversationNotKnownYet) return { refs: [], applied: false, waits: error }
      return { refs: [], applied: false, failure: await recordFailure(client, unit, error) }
    }
  }

  /** One event failed or must wait: its inbox row says so, and it is retried with backoff. */
  async function recordFailure (client: pg.PoolClient, unit: Unit, error: unknown): Promise<JobResult> {
    const { job, event, payload } = unit
    // Only a job of its own can be on its last attempt; an event of a shared job is retried alone.
    const lastAttempt = !('events' in job.data) && job.retryCount >= job.retryLimit
    const waiting = error instanceof ConversationNotKnownYet
    if (!waiting && !(error instanceof Error)) throw error
    const status = lastAttempt ? 'failed' : waiting ? 'waiting' : 'received'
    await client.query('UPDATE webhook_events SET status = $2, error = $3 WHERE id = $1', [event.id, status, (error as Error).message])
    const log = deps.logger.child({ job: job.id, eventId: event.id })
    if (waiting) log.info({ event: payload?.event, attempt: job.retryCount, lastAttempt }, 'event waits for its conversation')
    else log.error({ err: error, event: payload?.event, lastAttempt }, 'applying event failed')
    return { id: job.id, status: 'failed', output: { error: (error as Error).message } }
  }
}
