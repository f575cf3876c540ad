/**
 * How long inbox data lives (docs/data-lifecycle.md). Payloads, raw bodies and errors go
 * after `retentionDays`; the emptied row — dedupe key, status, event type, times — stays
 * until `keyDays`, so a late retry or a replay of an old event is still a duplicate.
 * AgentClara retries for about 35 minutes; 90 days also covers an operator re-sending old
 * events by hand, and an emptied row is only ~150 bytes.
 */
export const MIN_KEY_DAYS = 90

/** Hourly (UTC): each run then has about an hour of rows to empty. */
export const RETENTION_SCHEDULE = '17 * * * *'

export interface RetentionPolicy {
  retentionDays: number
  keyDays: number
}

export function retentionPolicy (retentionDays: number): RetentionPolicy {
  return { retentionDays, keyDays: Math.max(MIN_KEY_DAYS, retentionDays) }
}

/** Statuses the job may empty: never an event still on its way to the mirror. */
export const SETTLED_STATUSES = ['applied', 'ignored', 'quarantined', 'failed', 'suppressed'] as const
