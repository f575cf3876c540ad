import type pg from 'pg'
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../src/crm/connector.ts'
import { APPLY_QUEUE, type ApplyJob } from '../src/mirror/apply-queue.ts'
import { enqueueSync } from '../src/sync/enqueue-sync.ts'
import type { AgentClaraEvent } from '../src/events/schemas.ts'
import { holdIfErased } from '../src/lifecycle/erasure-hold.ts'
import { applyEvent } from '../src/mirror/apply-event.ts'
import type { EntityRef } from '../src/mirror/entity-ref.ts'
import { lockCustomersOf } from '../src/mirror/customer-locks.ts'
import { ConversationNotKnownYet } from '../src/mirror/errors.ts'
import { bumpVersions } from '../src/sync/entity-versions.ts'
import { carrierOf } from '../src/tracing/carrier.ts'
import { inJobSpan } from '../src/tracing/job-spans.ts'
import { activeContext, inContext } from '../src/tracing/tracer.ts'

/**
 * Applies inbox events to the mirror and enqueues CRM syncs for what changed. A batch
 * shares one transaction; each event gets a savepoint, so one that must wait (its
 * conversation is unknown) or fails rolls back alone and retries with backoff, while
 * the rest commit. After the last attempt the event is marked `failed` (dead letter,
 * visible on the dashboard, replayable).
 */
export function createApplyHandler (deps: { pool: pg.Pool, boss: PgBoss, crms: readonly CrmName[], logger: Logger }) {
  return async function applyBatch (jobs: Array<JobWithMetadata<ApplyJob>>): Promise<JobResult[]> {
    const client = await deps.pool.connect()
    let broken = false
    try {
      await client.query('BEGIN')
      const { rows } = await client.query<{ id: string, payload: AgentClaraEvent | null }>(
        'SELECT id, payload FROM webhook_events WHERE id = ANY($1::bigint[])', [jobs.map((job) => job.data.eventId)])
      const payloads = new Map(rows.map((row) => [row.id, row.payload]))
      await lockCustomersOf(client, rows.flatMap((row) => row.payload ? [row.payload] : []))
      const results: JobResult[] = []
      const changed: Array<{ refs: EntityRef[], trace: ReturnType<typeof activeContext> }> = []
      for (const job of jobs) {
        // Each event in its own span, in the trace of the delivery it came from.
        results.push(await inJobSpan(APPLY_QUEUE, job, async (span) => {
          const refs: EntityRef[] = []
          const result = await applyOne(client, job, payloads.get(String(job.data.eventId)), refs)
          if (refs.length > 0) changed.push({ refs, trace: activeContext() })
          span.setAttribute('pgboss.job.result', result.status)
          return result
        }))
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
      await client.query('COMMIT')
      return results
    } catch (error) {
      broken = !(await client.query('ROLLBACK').then(() => true, () => false))
      throw error
    } finally {
      client.release(broken)
    }
  }

  async function applyOne (client: pg.PoolClient, job: JobWithMetadata<ApplyJob>, payload: AgentClaraEvent | null | undefined, changed: EntityRef[]): Promise<JobResult> {
    const log = deps.logger.child({ job: job.id, eventId: job.data.eventId })
    if (!payload) {
      log.warn('inbox event missing or without payload; nothing to apply')
      return { id: job.id, status: 'completed' }
    }
    await client.query('SAVEPOINT apply_event')
    try {
      if (await holdIfErased(client, job.data.eventId, payload)) {
        await client.query('RELEASE SAVEPOINT apply_event')
        log.info({ event: payload.event }, 'event held: its customer was erased')
        return { id: job.id, status: 'completed' }
      }
      const refs = await applyEvent(client, payload)
      await client.query('UPDATE webhook_events SET status = \'applied\', applied_at = now(), error = NULL WHERE id = $1', [job.data.eventId])
      await client.query('RELEASE SAVEPOINT apply_event')
      changed.push(...refs)
      log.debug({ event: payload.event, changed: refs.length }, 'event applied')
      return { id: job.id, status: 'completed' }
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT apply_event')
      const lastAttempt = job.retryCount >= job.retryLimit
      const waiting = error instanceof ConversationNotKnownYet
      if (!waiting && !(error instanceof Error)) throw error
      const status = lastAttempt ? 'failed' : waiting ? 'waiting' : 'received'
      await client.query('UPDATE webhook_events SET status = $2, error = $3 WHERE id = $1', [job.data.eventId, status, (error as Error).message])
      if (waiting) log.info({ event: payload.event, attempt: job.retryCount, lastAttempt }, 'event waits for its conversation')
      else log.error({ err: error, event: payload.event, lastAttempt }, 'applying event failed')
      return { id: job.id, status: 'failed', output: { error: (error as Error).message } }
    }
  }
}
