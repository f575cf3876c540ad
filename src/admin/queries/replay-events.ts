import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { bossDb, withTransaction } from '../../db/pool.ts'
import { APPLY_QUEUE, applyJobsFor } from '../../mirror/apply-queue.ts'
import { parseJson, toInboxRow, type InboxRow } from '../../receiver/inbox-row.ts'
import { carrierOf } from '../../tracing/carrier.ts'

export type EventSelection =
  | { ids: string[] }
  | { filter: { statuses: readonly string[], eventType?: string }, cap: number }

export interface EventReplayResult {
  /** Set back to `received` with an apply job queued. */
  requeued: string[]
  /** Re-parsed from the raw body and still not a valid event. */
  stillQuarantined: string[]
  /** Re-parsed into an event type we do not know: stored as ignored, not applied. */
  ignored: string[]
  /** Emptied by the retention policy or an erasure: no payload or raw body left to replay. */
  emptied: string[]
}

// Raw bodies are up to 256 KiB each: re-classify them a few at a time.
const RAW_CHUNK = 50

/**
 * Replays inbox events: each goes back to `received` and gets an apply job, in the same
 * transaction (a crash can never leave one marked received with no job). An event with
 * no payload (quarantined, ignored) is first re-classified from its raw bytes, as the
 * receiver would do today — it may have been fixed by a deploy since.
 */
export async function replayEvents (pool: pg.Pool, boss: PgBoss, selection: EventSelection): Promise<EventReplayResult> {
  return withTransaction(pool, async (client) => {
    const selected = await lockEvents(client, selection)
    const result: EventReplayResult = { requeued: [], stillQuarantined: [], ignored: [], emptied: selected.filter((row) => row.purged).map((row) => row.id) }

    const withPayload = selected.filter((row) => row.has_payload && !row.purged).map((row) => row.id)
    if (withPayload.length > 0) {
      await client.query("UPDATE webhook_events SET status = 'received', error = NULL WHERE id = ANY($1::bigint[])", [withPayload])
      result.requeued.push(...withPayload)
    }

    const raw = selected.filter((row) => !row.has_payload && !row.purged).map((row) => row.id)
    for (let start = 0; start < raw.length; start += RAW_CHUNK) {
      const { rows } = await client.query<{ id: string, raw_body: Buffer, signature_form: InboxRow['signatureForm'] }>(
        'SELECT id, raw_body, signature_form FROM webhook_events WHERE id = ANY($1::bigint[])', [raw.slice(start, start + RAW_CHUNK)])
      for (const row of rows) {
        const reclassified = toInboxRow(row.raw_body, parseJson(row.raw_body), row.signature_form)
        await storeClassification(client, row.id, reclassified)
        const bucket = reclassified.status === 'received' ? result.requeued : reclassified.status === 'ignored' ? result.ignored : result.stillQuarantined
        bucket.push(row.id)
      }
    }

    if (result.requeued.length > 0) {
      // A replay continues the trace of the dashboard request that asked for it.
      const trace = carrierOf()
      await boss.insert(APPLY_QUEUE, applyJobsFor(result.requeued.map((id) => ({ id, trace }))), { db: bossDb(client) })
    }
    return result
  })
}

async function lockEvents (client: pg.PoolClient, selection: EventSelection) {
  // SKIP LOCKED: two operators clicking "replay all" at once do not replay a row twice.
  if ('ids' in selection) {
    const { rows } = await client.query<{ id: string, has_payload: boolean, purged: boolean }>(
      'SELECT id, payload IS NOT NULL AS has_payload, purged_at IS NOT NULL AS purged FROM webhook_events WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE SKIP LOCKED',
      [selection.ids])
    return rows
  }
  // Emptied rows have nothing to replay: a bulk replay leaves them out.
  const { rows } = await client.query<{ id: string, has_payload: boolean, purged: boolean }>(`
    SELECT id, payload IS NOT NULL AS has_payload, false AS purged FROM webhook_events
    WHERE status = ANY($1::text[]) AND ($2::text IS NULL OR event_type = $2) AND purged_at IS NULL
    ORDER BY received_at, id LIMIT $3 FOR UPDATE SKIP LOCKED`,
  [selection.filter.statuses, selection.filter.eventType ?? null, selection.cap])
  return rows
}

/**
 * The dedupe key stays as it was (the raw-bytes key): switching it to the event key
 * could collide with a later, valid delivery of the same event, and a duplicate apply
 * is harmless anyway (last-writer-wins, id-keyed upserts).
 */
async function storeClassification (client: pg.PoolClient, id: string, row: InboxRow): Promise<void> {
  await client.query(`
    UPDATE webhook_events
    SET status = $2, event_type = $3, event_timestamp = $4, payload = $5::jsonb, error = $6
    WHERE id = $1`,
  [id, row.status, row.eventType, row.eventTimestamp, row.payload, row.error])
}
