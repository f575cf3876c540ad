import type pg from 'pg'
import { prepared } from '../db/prepared.ts'

/** How long a customer must be quiet before its new contact's first write, and the most it waits. */
export interface ArrivalWindow {
  quietMs: number
  maxHoldMs: number
}

// Every event touches its customer's row (updated_at = the apply's now()), so "changed in
// the last quietMs" is "its events are still coming". Both ages by the database's clock.
const STILL_ARRIVING = prepared(`
  SELECT id FROM customers
  WHERE id = ANY($1::text[])
    AND updated_at > now() - make_interval(secs => $2::float8 / 1000)
    AND first_seen_at > now() - make_interval(secs => $3::float8 / 1000)`)

/**
 * Of these customers, those whose events are still arriving: changed less than `quietMs`
 * ago and first seen less than `maxHoldMs` ago. While the budget is the bottleneck their
 * contacts, if new to the CRM, wait (see sync-batch.ts `holdArrivingContacts`).
 */
export async function stillArriving (db: pg.ClientBase, customerIds: string[], window: ArrivalWindow): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set()
  const { rows } = await db.query<{ id: string }>(STILL_ARRIVING([customerIds, window.quietMs, window.maxHoldMs]))
  return new Set(rows.map((row) => row.id))
}
