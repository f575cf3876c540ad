import type pg from 'pg'
import type { JobResult, JobWithMetadata } from 'pg-boss'
import type { CrmName } from '../crm/connector.ts'
import { entityKey } from '../mirror/entity-ref.ts'
import { inBatchSpan } from '../tracing/job-spans.ts'
import type { SyncJob } from './sync-queue.ts'

type Handler = (jobs: Array<JobWithMetadata<SyncJob>>) => Promise<JobResult[]>

/**
 * Wraps a sync queue's handler in one span per batch (see inBatchSpan: the batch's CRM calls
 * serve many deliveries) and, when traced, notes the trace on each entity's `crm_records`
 * row so the dashboard can point from a record to its last sync.
 */
export function tracedSyncHandler (deps: { pool: pg.Pool, crm: CrmName, queue: string }, handler: Handler): Handler {
  return (jobs) => inBatchSpan(deps.queue, jobs, async (span) => {
    const results = await handler(jobs)
    span.setAttribute('sync.jobs_failed', results.filter((result) => result.status !== 'completed').length)
    if (span.isRecording() && jobs.length > 0) {
      const refs = [...new Map(jobs.map((job) => [entityKey(job.data), job.data])).values()]
      await deps.pool.query(`
        UPDATE crm_records SET trace_id = $2
        WHERE crm = $1 AND (entity_type, entity_id) IN (SELECT * FROM unnest($3::text[], $4::text[]))`,
      [deps.crm, span.spanContext().traceId, refs.map((ref) => ref.type), refs.map((ref) => ref.id)])
    }
    return results
  })
}
