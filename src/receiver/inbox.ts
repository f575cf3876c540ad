import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { bossDb, withTransaction } from '../db/pool.ts'
import { APPLY_QUEUE } from '../queues.ts'
import type { InboxRow, InboxStatus } from './inbox-row.ts'

export type StoreOutcome = { duplicate: false, status: InboxStatus, eventId: string } | { duplicate: true }

export interface Inbox {
  /** Resolves once the row (and its apply job) is committed; rejects if the commit failed. */
  store: (row: InboxRow) => Promise<StoreOutcome>
  /** Waits for writes in flight (graceful shutdown). */
  drain: () => Promise<void>
}

interface Pending {
  row: InboxRow
  resolve: (outcome: StoreOutcome) => void
  reject: (error: unknown) => void
}

const INSERT_ROWS = `
  INSERT INTO webhook_events (dedupe_key, status, event_type, event_timestamp, payload, raw_body, signature_form, error)
  SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::bytea[], $7::text[], $8::text[])
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key, status`

/**
 * Group commit: concurrent deliveries share one transaction — one multi-row insert with
 * ON CONFLICT DO NOTHING and one pg-boss insert of their apply jobs. A flush starts as
 * soon as the previous one ends, so a lone request waits for nobody while a burst rides
 * in a few large transactions. Each caller hears back only after its own row committed;
 * a failed flush rejects exactly the callers in it.
 */
export function createInbox (deps: { pool: pg.Pool, boss: PgBoss, maxBatch?: number }): Inbox {
  const maxBatch = deps.maxBatch ?? 500
  const pending: Pending[] = []
  let flushing: Promise<void> | undefined

  async function writeBatch (rows: InboxRow[]): Promise<StoreOutcome[]> {
    // The first delivery of each key in the batch is the candidate; the rest are duplicates.
    const firstIndexByKey = new Map<string, number>()
    rows.forEach((row, index) => {
      const key = row.dedupeKey.toString('hex')
      if (!firstIndexByKey.has(key)) firstIndexByKey.set(key, index)
    })
    const candidates = [...firstIndexByKey.values()].map((index) => rows[index] as InboxRow)

    const inserted = await withTransaction(deps.pool, async (client) => {
      const { rows: insertedRows } = await client.query<{ id: string, dedupe_key: Buffer, status: InboxStatus }>(INSERT_ROWS, [
        candidates.map((row) => row.dedupeKey),
        candidates.map((row) => row.status),
        candidates.map((row) => row.eventType),
        candidates.map((row) => row.eventTimestamp),
        candidates.map((row) => row.payload),
        candidates.map((row) => row.rawBody),
        candidates.map((row) => row.signatureForm),
        candidates.map((row) => row.error)
      ])
      const toApply = insertedRows.filter((row) => row.status === 'received')
      if (toApply.length > 0) {
        await deps.boss.insert(APPLY_QUEUE, toApply.map((row) => ({ data: { eventId: row.id } })), { db: bossDb(client) })
      }
      return new Map(insertedRows.map((row) => [row.dedupe_key.toString('hex'), row]))
    })

    return rows.map((row, index): StoreOutcome => {
      const key = row.dedupeKey.toString('hex')
      const stored = inserted.get(key)
      if (!stored || firstIndexByKey.get(key) !== index) return { duplicate: true }
      return { duplicate: false, status: stored.status, eventId: stored.id }
    })
  }

  async function flushLoop (): Promise<void> {
    while (pending.length > 0) {
      const batch = pending.splice(0, maxBatch)
      try {
        const outcomes = await writeBatch(batch.map((item) => item.row))
        batch.forEach((item, index) => item.resolve(outcomes[index] as StoreOutcome))
      } catch (error) {
        for (const item of batch) item.reject(error)
      }
    }
    flushing = undefined
  }

  return {
    store (row) {
      return new Promise<StoreOutcome>((resolve, reject) => {
        pending.push({ row, resolve, reject })
        flushing ??= flushLoop()
      })
    },
    async drain () {
      for (let current = flushing; current; current = flushing) await current
    }
  }
}
