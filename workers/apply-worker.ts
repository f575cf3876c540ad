import type pg from 'pg'
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../src/crm/connector.ts'
import { prepared } from '../src/db/prepared.ts'
import { APPLY_QUEUE, type ApplyJob } from '../src/mirror/apply-queue.ts'
import { enqueueSync } from '../src/sync/enqueue-sync.ts'
import type { AgentClaraEvent } from '../src/events/schemas.ts'
import { anyErased, holdIfErased } from '../src/lifecycle/erasure-hold.ts'
import { applyEvent } from '../src/mirror/apply-event.ts'
import type { EntityRef } from '../src/mirror/entity-ref.ts'
import { lockCustomersOf } from '../src/mirror/customer-locks.ts'
import { ConversationNotKnownYet } from '../src/mirror/errors.ts'
import { bumpVersions } from '../src/sync/entity-versions.ts'
import { carrierOf } from '../src/tracing/carrier.ts'
import { inJobSpan } from '../src/tracing/job-spans.ts'
import { activeContext, inContext } from '../src/tracing/tracer.ts'

const LOAD_PAYLOADS = prepared('SELECT id, payload FROM webhook_events WHERE id = ANY($1::bigint[])')
const MARK_APPLIED = prepared('UPDATE webhook_events SET status = \'applied\', applied_at = now(), error = NULL WHERE id = ANY($1::bigint[])')

/** An event's own failure inside a batch applied in one go: the batch is redone event by event. */
class EventFailed extends Error {}

type Mode = 'together' | 'one by one'

const compareIds = (a: string, b: string) => {
  const difference = BigInt(a) - BigInt(b)
  return difference < 0n ? -1 : difference > 0n ? 1 : 0
}

/**
 * Applies inbox events to the mirror and enqueues CRM syncs for what changed, a batch in
 * one transaction. First in one go: no savepoints, one status update for the batch. If an
 * event fails or must wait (its conversation is unknown) the transaction is rolled back
 * and the batch is redone event by event, each behind a savepoint, so that event rolls
 * back alone and retries with backoff while the rest commit. Both passes run the same
 * per-event steps; the first only saves the savepoints' round trips, which were most of
 * the worker's cost (docs/benchmarks.md). After the last attempt an event is marked
 * `failed` (dead letter, visible on the dashboard, replayable).
 */
export function createApplyHandler (deps: { pool: pg.Pool, boss: PgBoss, crms: readonly CrmName[], logger: Logger }) {
  return async function applyBatch (jobs: Array<JobWithMetadata<ApplyJob>>): Promise<JobResult[]> {
    try {
      return await inTransaction((client) => applyAll(client, jobs, 'together'))
    } catch (error) {
      if (!(error instanceof EventFailed)) throw error
      deps.logger.debug({ jobs: jobs.length, reason: error.message }, 'apply batch redone event by event')
    }
    return await inTransaction((client) => applyAll(client, jobs, 'one by one'))
  }

  async function inTransaction<T> (work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await deps.pool.connect()
    let broken = false
    try {
      await client.query('BEGIN')
      const result = await work(client)
      await client.query('COMMIT')
      return result
    } catch (error) {
      broken = !(await client.query('ROLLBACK').then(() => true, () => false))
      throw error
    } finally {
      client.release(broken)
    }
  }

  async function applyAll (client: pg.PoolClient, jobs: Array<JobWithMetadata<ApplyJob>>, mode: Mode): Promise<JobResult[]> {
    const { rows } = await client.query<{ id: string, payload: AgentClaraEvent | null }>(LOAD_PAYLOADS([jobs.map((job) => job.data.eventId)]))
    const payloads = new Map(rows.map((row) => [row.id, row.payload]))
    const events = rows.flatMap((row) => row.payload ? [row.payload] : [])
    await lockCustomersOf(client, events)
    // One check for the batch; event by event only when some subject is erased.
    const checkErasure = await anyErased(client, events)
    const results: JobResult[] = []
    const applied: string[] = []
    const changed: Array<{ refs: EntityRef[], trace: ReturnType<typeof activeContext> }> = []
    // In inbox order (the order of arrival): pg-boss hands a batch over in no particular
    // order, and a message applied before its conversation in the same batch would wait.
    const inArrivalOrder = [...jobs].sort((a, b) => compareIds(a.data.eventId, b.data.eventId))
    for (const job of inArrivalOrder) {
      // Each event in its own span, in the trace of the delivery it came from.
      results.push(await inJobSpan(APPLY_QUEUE, job, async (span) => {
        const payload = payloads.get(String(job.data.eventId))
        const outcome = await applyOne(client, job, payload, { mode, checkErasure })
        if (outcome.refs.length > 0) changed.push({ refs: outcome.refs, trace: activeContext() })
        if (outcome.applied) applied.push(String(job.data.eventId))
        span.setAttribute('pgboss.job.result', outcome.result.status)
        return outcome.result
      }))
    }
    if (applied.length > 0) await client.query(MARK_APPLIED([applied]))
    // Once per batch, last: version bumps (row locks until COMMIT) in one sorted
    // statement, then the sync jobs. See src/sync/entity-versions.ts for why.
    await bumpVersions(client, changed.flatMap((change) => change.refs))
    if (changed.some((change) => carrierOf(change.trace))) {
      // Traced: each event's syncs carry its delivery's trace.
      for (const change of changed) await inContext(change.trace, () => enqueueSync(deps.boss, client, deps.crms, change.refs))
    } else {
      await enqueueSync(deps.boss, client, deps.crms, changed.flatMap((change) => change.refs))
    }
    return results
  }

  interface Outcome { result: JobResult, refs: EntityRef[], applied: boolean }

  async function applyOne (client: pg.PoolClient, job: JobWithMetadata<ApplyJob>, payload: AgentClaraEvent | null | undefined, options: { mode: Mode, checkErasure: boolean }): Promise<Outcome> {
    const completed = { result: { id: job.id, status: 'completed' as const }, refs: [], applied: false }
    if (!payload) {
      deps.logger.warn({ job: job.id, eventId: job.data.eventId }, 'inbox event missing or without payload; nothing to apply')
      return completed
    }
    const oneByOne = options.mode === 'one by one'
    if (oneByOne) await client.query('SAVEPOINT apply_event')
    try {
      if (options.checkErasure && await holdIfErased(client, job.data.eventId, payload)) {
        if (oneByOne) await client.query('RELEASE SAVEPOINT apply_event')
        deps.logger.info({ job: job.id, eventId: job.data.eventId, event: payload.event }, 'event held: its customer was erased')
        return completed
      }
      const refs = await applyEvent(client, payload)
      if (oneByOne) await client.query('RELEASE SAVEPOINT apply_event')
      return { ...completed, refs, applied: true }
    } catch (error) {
      if (!oneByOne) throw new EventFailed(error instanceof Error ? error.message : String(error))
      await client.query('ROLLBACK TO SAVEPOINT apply_event')
      return { ...completed, result: await recordFailure(client, job, payload, error) }
    }
  }

  /** One event failed or must wait: its inbox row says so, and pg-boss retries its job with backoff. */
  async function recordFailure (client: pg.PoolClient, job: JobWithMetadata<ApplyJob>, payload: AgentClaraEvent, error: unknown): Promise<JobResult> {
    const lastAttempt = job.retryCount >= job.retryLimit
    const waiting = error instanceof ConversationNotKnownYet
    if (!waiting && !(error instanceof Error)) throw error
    const status = lastAttempt ? 'failed' : waiting ? 'waiting' : 'received'
    await client.query('UPDATE webhook_events SET status = $2, error = $3 WHERE id = $1', [job.data.eventId, status, (error as Error).message])
    const log = deps.logger.child({ job: job.id, eventId: job.data.eventId })
    if (waiting) log.info({ event: payload.event, attempt: job.retryCount, lastAttempt }, 'event waits for its conversation')
    else log.error({ err: error, event: payload.event, lastAttempt }, 'applying event failed')
    return { id: job.id, status: 'failed', output: { error: (error as Error).message } }
  }
}
