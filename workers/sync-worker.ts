import type pg from 'pg'
import type { JobResult, JobWithMetadata, PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector } from '../src/crm/connector.ts'
import { markFailed, markSynced } from '../src/sync/sync-records.ts'
import { recordFieldOwnership } from '../src/sync/field-ownership.ts'
import type { Metrics } from '../src/metrics.ts'
import { entityKey, type EntityRef } from '../src/mirror/entity-ref.ts'
import { syncQueue } from '../src/sync/sync-queue.ts'
import { syncBatch } from '../src/sync/sync-batch.ts'

/**
 * The pg-boss handler for one CRM's sync queue: turns a batch of jobs into one
 * `syncBatch`, records each entity's outcome in `crm_records`, and settles each job on
 * its own — a failed record retries alone (with backoff), a rejected one is dead at once,
 * and one out of attempts is marked dead (visible and replayable on the dashboard).
 */
export function createSyncHandler (deps: { pool: pg.Pool, boss: PgBoss, connector: CrmConnector, logger: Logger, metrics: Metrics }) {
  const crm = deps.connector.name
  return async function syncJobs (jobs: Array<JobWithMetadata<EntityRef>>): Promise<JobResult[]> {
    const refs = [...new Map(jobs.map((job) => [entityKey(job.data), job.data])).values()]
    const { outcomes, contactsNeeded } = await syncBatch(deps, refs, AbortSignal.any(jobs.map((job) => job.signal)))

    // A key is dead when a job for it is on its last attempt (or the CRM rejected it).
    const lastAttempt = new Set(jobs.filter((job) => job.retryCount >= job.retryLimit).map((job) => entityKey(job.data)))
    const synced: Parameters<typeof markSynced>[2] = []
    const failed: Parameters<typeof markFailed>[2] = []
    const ownership: Parameters<typeof recordFieldOwnership>[2] = []
    for (const [key, outcome] of outcomes) {
      const ref = parseKey(key)
      if (outcome.ok && 'crmId' in outcome) {
        synced.push({ ref, crmId: outcome.crmId, hash: outcome.hash })
        ownership.push({ ref, skipped: outcome.skipped ?? [] })
        deps.metrics.crmSync.inc({ crm, outcome: 'synced' })
      } else if (outcome.ok) {
        deps.metrics.crmSync.inc({ crm, outcome: 'unchanged' })
      } else {
        const dead = !outcome.retryable || lastAttempt.has(key)
        failed.push({ ref, error: outcome.error, dead })
        deps.metrics.crmSync.inc({ crm, outcome: dead ? 'dead' : 'retrying' })
      }
    }
    await markSynced(deps.pool, crm, synced)
    await markFailed(deps.pool, crm, failed)
    await recordFieldOwnership(deps.pool, crm, ownership)
    // Messages waiting for a contact without a CRM id: make sure that contact's job is queued.
    if (contactsNeeded.length > 0) {
      await deps.boss.insert(syncQueue(crm), contactsNeeded.map((id) => ({ data: { type: 'contact', id }, singletonKey: entityKey({ type: 'contact', id }) })))
    }
    if (failed.length > 0) deps.logger.warn({ crm, failed: failed.length, of: outcomes.size, firstError: failed[0]?.error }, 'sync: some records failed')
    deps.logger.debug({ crm, jobs: jobs.length, synced: synced.length }, 'sync batch done')

    return jobs.map((job): JobResult => {
      const outcome = outcomes.get(entityKey(job.data))
      if (!outcome || outcome.ok) return { id: job.id, status: 'completed' }
      return { id: job.id, status: outcome.retryable ? 'failed' : 'deadletter', output: { error: outcome.error } }
    })
  }
}

function parseKey (key: string): EntityRef {
  const separator = key.indexOf(':')
  return { type: key.slice(0, separator) as EntityRef['type'], id: key.slice(separator + 1) }
}
