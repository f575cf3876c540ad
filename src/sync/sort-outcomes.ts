import { parseEntityKey, type EntityRef } from '../mirror/entity-ref.ts'
import type { EntityOutcome } from './sync-batch.ts'

/** What becomes of each entity of a sync batch, sorted by what the worker records for it. */
export interface SortedOutcomes {
  /** Written: its CRM id, state hash and version go to crm_records; `skipped` fields to field ownership. */
  synced: Array<{ ref: EntityRef, crmId: string, hash: string, version: number, skipped: string[] }>
  /** Its current state was already in the CRM (or it is gone from the mirror): nothing to record. */
  unchanged: number
  /** Failed for itself: retried with backoff; `dead` when the CRM rejected it or this was its last attempt. */
  failed: Array<{ ref: EntityRef, error: string, dead: boolean }>
  /** Failed because the CRM did (down, or failing on its last attempt): parked until it answers, attempts not spent. */
  parked: EntityRef[]
  /** Failed because the CRM failed the whole call (5xx, timeout, 429) while its circuit is closed: read again shortly, attempts not spent. */
  crmFailed: Array<{ ref: EntityRef, error: string }>
  /**
   * Waiting for its contact: marked waiting and its job completed, woken when the contact
   * lands. A wait is not the record's failure: it spends no attempt, so it neither grows the
   * record's backoff nor brings it nearer to dead.
   */
  waitingForContact: EntityRef[]
  /** A contact-only change put off while the budget is the bottleneck. */
  deferred: EntityRef[]
  /** A new contact still arriving, or a record linked to it, with how long its hold lasts if nothing more comes. */
  arriving: Array<{ ref: EntityRef, waitMs: number }>
  /** The part-filled rest of a call, left for a later, fuller one. */
  held: EntityRef[]
}

/**
 * Sorts a batch's outcomes (by entity key) into what the sync worker does with each.
 * `crmDown`: the circuit is open or this batch opened it, so a whole-CRM failure parks its
 * records; otherwise they are read again shortly. Neither spends their attempts.
 * `lastAttempt`: keys whose job has no retry left.
 */
export function sortOutcomes (outcomes: ReadonlyMap<string, EntityOutcome>, context: { versions: ReadonlyMap<string, number>, lastAttempt: ReadonlySet<string>, crmDown: boolean }): SortedOutcomes {
  const sorted: SortedOutcomes = { synced: [], unchanged: 0, failed: [], parked: [], crmFailed: [], waitingForContact: [], deferred: [], arriving: [], held: [] }
  for (const [key, outcome] of outcomes) {
    const ref = parseEntityKey(key)
    const lastAttempt = context.lastAttempt.has(key)
    if (outcome.ok) {
      if ('held' in outcome) sorted.held.push(ref)
      else if ('arriving' in outcome) sorted.arriving.push({ ref, waitMs: outcome.waitMs })
      else if ('deferred' in outcome) sorted.deferred.push(ref)
      else if ('crmId' in outcome) sorted.synced.push({ ref, crmId: outcome.crmId, hash: outcome.hash, version: context.versions.get(key) ?? 0, skipped: outcome.skipped ?? [] })
      else sorted.unchanged++
    } else if (outcome.whole && (context.crmDown || lastAttempt)) {
      sorted.parked.push(ref)
    } else if (outcome.whole) {
      // The CRM's failure, not the record's: it must not grow the record's backoff (a
      // record caught in a 503 burst and a 429 storm would otherwise wait minutes after
      // the CRM recovered) nor bring it nearer to dead. The circuit counts it instead.
      sorted.crmFailed.push({ ref, error: outcome.error })
    } else if ('waitingFor' in outcome) {
      sorted.waitingForContact.push(ref)
    } else {
      sorted.failed.push({ ref, error: outcome.error, dead: !outcome.retryable || lastAttempt })
    }
  }
  return sorted
}
