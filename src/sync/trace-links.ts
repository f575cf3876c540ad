import type pg from 'pg'
import { carrierOf, type TraceCarrier } from '../tracing/carrier.ts'

// Enough to follow a burst for one customer; beyond that the links add nothing.
const MAX_LINKS_PER_JOB = 32

/**
 * The trace context for sync jobs queued now (undefined when tracing is off). A sync queue
 * holds one waiting job per entity, so an enqueue for an entity that already waits is
 * dropped: that job will sync this change too. Its run should link to this delivery's
 * trace, so the carrier is added to the waiting job's `traceLinks`. Best effort: a job
 * being fetched right now (row locked) is skipped rather than waited for.
 */
export async function traceSyncEnqueue (db: pg.ClientBase, queues: string[], keys: string[]): Promise<TraceCarrier | undefined> {
  const carrier = carrierOf()
  if (!carrier || keys.length === 0) return carrier
  await db.query(`
    WITH waiting AS (
      SELECT name, id FROM pgboss.job
      WHERE name = ANY($1::text[]) AND singleton_key = ANY($2::text[]) AND state = 'created'
        AND coalesce(jsonb_array_length(data->'traceLinks'), 0) < $4
      FOR UPDATE SKIP LOCKED)
    UPDATE pgboss.job AS j
    SET data = jsonb_set(j.data, '{traceLinks}', coalesce(j.data->'traceLinks', '[]'::jsonb) || jsonb_build_array($3::jsonb))
    FROM waiting WHERE j.name = waiting.name AND j.id = waiting.id`,
  [queues, keys, JSON.stringify(carrier), MAX_LINKS_PER_JOB])
  return carrier
}
