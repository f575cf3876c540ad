import type pg from 'pg'
import { prepared } from '../db/prepared.ts'
import { applyLagMs } from '../mirror/apply-lag.ts'

/** How long a customer must be quiet before its new contact's first write, and the most it waits. */
export interface ArrivalWindow {
  quietMs: number
  maxHoldMs: number
}

// Every event touches its customer's row (updated_at = the apply's now()), so "changed in
// the last quietMs" is "its events are still coming". Both ages by the database's clock.
// The bound ($3) is counted from the apply of the customer's first event, stretched by how
// far the apply worker is behind now ($4, see applyLagMs).
const STILL_ARRIVING = prepared(`
  SELECT id, 1000 * EXTRACT(EPOCH FROM LEAST(
      updated_at + make_interval(secs => $2::float8 / 1000),
      first_seen_at + make_interval(secs => ($3::float8 + $4::float8) / 1000)) - now())::float8 AS wait_ms
  FROM customers
  WHERE id = ANY($1::text[])
    AND updated_at > now() - make_interval(secs => $2::float8 / 1000)
    AND first_seen_at > now() - make_interval(secs => ($3::float8 + $4::float8) / 1000)`)

/**
 * Of these customers, those whose events are still arriving — changed less than `quietMs`
 * ago and first seen less than `maxHoldMs` ago — each with how long (ms) its hold lasts if
 * nothing more comes: until it has been quiet for `quietMs`, or its bound, whichever is
 * first. While the budget is the bottleneck their contacts, if new to the CRM, wait that
 * long (see sync-batch.ts `holdArrivingContacts`).
 * While the apply worker is behind the inbox, the bound waits for it, by up to another
 * `maxHoldMs`: the mirror then shows a burst's events seconds after they came, so a customer
 * whose events came within the bound can be seen to span more. In the bench's first day (3 000
 * events in 4.4 s) the apply ran 2.6–3.5 s behind, and 50–229 of 600 new customers
 * spanned over 6 s in the mirror: each contact written at the bound was written again for its
 * last events. Counted from its first event's apply, the bound holds a customer first applied
 * while the worker was already behind a little longer than it need — by that lag, while the
 * worker stays behind.
 */
export async function stillArriving (db: pg.ClientBase, customerIds: string[], window: ArrivalWindow): Promise<Map<string, number>> {
  if (customerIds.length === 0) return new Map()
  const behindMs = Math.min(window.maxHoldMs, await applyLagMs(db))
  const { rows } = await db.query<{ id: string, wait_ms: number }>(STILL_ARRIVING([customerIds, window.quietMs, window.maxHoldMs, behindMs]))
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
