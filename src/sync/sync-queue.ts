import type { CrmName } from '../crm/connector.ts'
import type { EntityRef } from '../mirror/entity-ref.ts'
import type { TracedJobData } from '../tracing/job-spans.ts'

/** One sync queue per CRM, so a CRM that is down or slow never delays the other. */
export function syncQueue (crm: CrmName): string {
  return `sync-${crm}`
}

// One queued, one retrying and one active job per entity: bursts for one customer
// collapse into one write of the latest state, and two workers never write it at once.
export const syncQueueOptions = { policy: 'stately', retryLimit: 16, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 300, heartbeatSeconds: 30 } as const

/**
 * Contacts first: a fetch takes every queued contact before any message or appointment
 * (pg-boss orders by priority, then age), so calls are grouped by kind and a message's
 * contact is in the CRM, or in the same batch, by the time the message goes.
 * But a contact put off while the budget is the bottleneck (`putOff`, enqueue-sync.ts
 * `deferSync`) comes last: it is in the CRM already, so nothing waits for it, and a fetch
 * takes it after the work that must go, to fill the room that work leaves (sync-batch.ts:
 * ride-along, settled fillers). As a contact, the 2 000 put off after a burst took whole
 * fetches every 5 s only to be put off again, and the burst's last Tasks waited 8 s behind
 * them. Under a backlog it waits until no other work is ready: a contact's refresh (its last
 * message, its last contact time) matters least of what is queued.
 */
export function syncPriority (job: EntityRef & { putOff?: boolean }): number {
  if (job.putOff === true) return -1
  return job.type === 'contact' ? 1 : 0
}

/**
 * A sync job's data: the entity, the trace(s) of the deliveries that changed it, `held` and
 * `heldSince` (ms since the epoch by the database's clock: the first holding fetch's pg-boss
 * startedOn) when an earlier batch left it as the part-filled rest of a call (see
 * sync-batch.ts `fillCalls`), `recheck` when an earlier batch put it off
 * while the budget was the bottleneck (`putOff` too when it is a contact in the CRM put off
 * for its later changes, not a new one held for its customer), and `retry` when the CRM failed an earlier batch's
 * call as a whole. All are reads again, not new changes: they do not count as demand.
 */
export type SyncJob = EntityRef & TracedJobData & { held?: boolean, heldSince?: number, recheck?: boolean, putOff?: boolean, retry?: boolean }

/**
 * Whether a fetched job is a change arriving now (what the demand meter counts): not one of
 * the reads again above, and queued less than `windowMs` before it was fetched. One queued
 * earlier is a backlog's — an outage, a deploy, a drain's tail — and counted as arriving it
 * held the first customers after a drain as if they came faster than the budget writes, up
 * to 6 s each. Both marks are the database's clock (pg-boss sets them), so a worker host whose
 * clock is off by seconds still tells the two apart.
 */
export function arrivedWithin (job: { data: SyncJob, createdOn: Date, startedOn: Date }, windowMs: number): boolean {
  return job.data.held !== true && job.data.recheck !== true && job.data.retry !== true && queuedMs(job) < windowMs
}

/** How long a fetched job was queued before its fetch (ms): both pg-boss marks, the database's clock. */
export function queuedMs (job: { createdOn: Date, startedOn: Date }): number {
  return job.startedOn.getTime() - job.createdOn.getTime()
}

/** When a job's entity was first held as the rest of a call, if it was (a `held` job from before `heldSince` counts as long ago). */
export function heldSince (job: SyncJob): number | undefined {
  return job.heldSince ?? (job.held === true ? 0 : undefined)
}
