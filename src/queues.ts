import type { CrmName } from './crm/connector.ts'

/**
 * Queue names and their retry policies, in one place so the receiver (which enqueues)
 * and the workers (which consume) agree.
 */
export const APPLY_QUEUE = 'apply-event'

export function syncQueue (crm: CrmName): string {
  return `sync-${crm}`
}

export const queueOptions = {
  // A message whose conversation is not known yet waits here with backoff: ~70 min in all,
  // far beyond AgentClara's own 35-minute retry horizon for the missing conversation.
  // Workers heartbeat their active jobs: a job whose worker died (SIGKILL, OOM) is retried
  // about 30 s later instead of when expireInSeconds runs out.
  apply: { retryLimit: 14, retryDelay: 1, retryBackoff: true, retryDelayMax: 900, expireInSeconds: 300, heartbeatSeconds: 30 },
  // One queued, one retrying and one active job per entity: bursts for one customer
  // collapse into one write of the latest state, and two workers never write it at once.
  sync: { policy: 'stately', retryLimit: 16, retryDelay: 1, retryBackoff: true, retryDelayMax: 300, expireInSeconds: 300, heartbeatSeconds: 30 }
} as const
