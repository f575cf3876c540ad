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
  SELECT id, 1000 * EXTRACT(EPOCH FROM LEAST(
      updated_at + make_interval(secs => $2::float8 / 1000),
      first_seen_at + make_interval(secs => $3::float8 / 1000)) - now())::float8 AS wait_ms
  FROM customers
  WHERE id = ANY($1::text[])
    AND updated_at > now() - make_interval(secs => $2::float8 / 1000)
    AND first_seen_at > now() - make_interval(secs => $3::float8 / 1000)`)

/**
 * Of these customers, those whose events are still arriving — changed less than `quietMs`
 * ago and first seen less than `maxHoldMs` ago — each with how long (ms) its hold lasts if
 * nothing more comes: until it has been quiet for `quietMs`, or its bound, whichever is
 * first. While the budget is the bottleneck their contacts, if new to the CRM, wait that
 * long (see sync-batch.ts `holdArrivingContacts`).
 */
export async function stillArriving (db: pg.ClientBase, customerIds: string[], window: ArrivalWindow): Promise<Map<string, number>> {
  if (customerIds.length === 0) return new Map()
  const { rows } = await db.query<{ id: string, wait_ms: number }>(STILL_ARRIVING([customerIds, window.quietMs, window.maxHoldMs]))
  return new Map(rows.map((row) => [row.id, Math.max(0, row.wait_ms)]))
}

const QUIET = prepared(`
  SELECT id FROM customers
  WHERE id = ANY($1::text[]) AND updated_at <= now() - make_interval(secs => $2::float8 / 1000)`)

/**
 * Of these customers, those quiet for at least `quietMs`: no event of theirs in that time, so
 * their contact's state is as good as final (a contact put off for them may fill a call, see
 * sync-batch.ts `deferContactUpdates.settledAfterMs`).
 */
export async function quietCustomers (db: pg.ClientBase, customerIds: string[], quietMs: number): Promise<Set<string>> {
  if (customerIds.length === 0) return new Set()
  const { rows } = await db.query<{ id: string }>(QUIET([customerIds, quietMs]))
  return new Set(rows.map((row) => row.id))
}
