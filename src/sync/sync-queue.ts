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

/** A sync job's data: the entity, and the trace(s) of the deliveries that changed it. */
export type SyncJob = EntityRef & TracedJobData
