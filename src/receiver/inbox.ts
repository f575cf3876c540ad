import type { Span } from '@opentelemetry/api'
import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import { bossDb, withTransaction } from '../db/pool.ts'
import { prepared } from '../db/prepared.ts'
import { APPLY_QUEUE, applyJobsFor } from '../mirror/apply-queue.ts'
import { recordFailure } from '../tracing/tracer.ts'
import type { InboxRow, InboxStatus } from './inbox-row.ts'
import { deliveryTrace, inCommitSpan, startStoreSpan } from './inbox-tracing.ts'

export type StoreOutcome = { duplicate: false, status: InboxStatus, eventId: string } | { duplicate: true }

export interface Inbox {
  /** Resolves once the row (and its apply job) is committed; rejects if the commit failed. */
  store: (row: InboxRow) => Promise<StoreOutcome>
  /** Waits for writes in flight (graceful shutdown). */
  drain: () => Promise<void>
}

interface Pending {
  row: InboxRow
  span: Span
  resolve: (outcome: StoreOutcome) => void
  reject: (error: unknown) => void
}

const INSERT_ROWS = prepared(`
  INSERT INTO webhook_events (dedupe_key, status, event_type, event_timestamp, payload, raw_body, signature_form, error, trace_id)
  SELECT * FROM unnest($1::bytea[], $2::text[], $3::text[], $4::timestamptz[], $5::jsonb[], $6::bytea[], $7::text[], $8::text[], $9::text[])
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, dedupe_key, status`)

/**
 * Group commit: concurrent deliveries share one transaction — one multi-row insert with
 * ON CONFLICT DO NOTHING and apply jobs naming the new events (one per 25). A flush starts as
 * soon as a flush slot is free, so a lone request waits for nobody while a burst rides
 * in a few large transactions. Each caller hears back only after its own row committed;
 * a failed flush rejects exactly the callers in it.
 */
export function createInbox (deps: { pool: pg.Pool, boss: PgBoss, maxBatch?: number, maxConcurrentFlushes?: number }): Inbox {
  const maxBatch = deps.maxBatch ?? 500
  // Two flushes in flight: one commits (waits for the disk) while the next one inserts.
  const maxFlushes = deps.maxConcurrentFlushes ?? 2
  const pending: Pending[] = []
  const flushes = new Set<Promise<void>>()

  async function writeBatch (items: Pending[]): Promise<StoreOutcome[]> {
    const rows = items.map((item) => item.row)
    const traces = new Map(items.map((item) => [item.row, deliveryTrace(item.span)]))
    // The first delivery of each key in the batch is the candidate; the rest are duplicates.
    const firstIndexByKey = new Map<string, number>()
    rows.forEach((row, index) => {
      const key = row.dedupeKey.toString('hex')
      if (!firstIndexByKey.has(key)) firstIndexByKey.set(key, index)
    })
    // Sorted by key: concurrent flushes then take unique-index locks in the same order and
    // cannot deadlock on overlapping duplicates.
    const candidates = [...firstIndexByKey.values()].map((index) => rows[index] as InboxRow)
      .sort((a, b) => Buffer.compare(a.dedupeKey, b.dedupeKey))

    const inserted = await withTransaction(deps.pool, async (client) => {
      const { rows: insertedRows } = await client.query<{ id: string, dedupe_key: Buffer, status: InboxStatus }>(INSERT_ROWS([
        candidates.map((row) => row.dedupeKey),
        candidates.map((row) => row.status),
        candidates.map((row) => row.eventType),
        candidates.map((row) => row.eventTimestamp),
        candidates.map((row) => row.payload),
        candidates.map((row) => row.rawBody),
        candidates.map((row) => row.signatureForm),
        candidates.map((row) => row.error),
        candidates.map((row) => traces.get(row)?.traceId ?? null)
      ]))
      const toApply = insertedRows.filter((row) => row.status === 'received')
      if (toApply.length > 0) {
        // Apply jobs of up to 25 events; each event in one continues its own delivery's trace.
        const carrier = (key: Buffer) => traces.get(rows[firstIndexByKey.get(key.toString('hex')) ?? -1] as InboxRow)?.carrier
        await deps.boss.insert(APPLY_QUEUE, applyJobsFor(toApply.map((row) => ({ id: row.id, trace: carrier(row.dedupe_key) }))), { db: bossDb(client) })
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

  async function flushOnce (): Promise<void> {
    const batch = pending.splice(0, maxBatch)
    try {
      const outcomes = await inCommitSpan(batch.map((item) => item.span), () => writeBatch(batch))
      batch.forEach((item, index) => item.resolve(outcomes[index] as StoreOutcome))
    } catch (error) {
      for (const item of batch) item.reject(error)
    }
  }

  /** Starts flushes while there is work and a free slot; each finished flush looks again. */
  function kick (): void {
    while (flushes.size < maxFlushes && pending.length > 0) {
      const flush: Promise<void> = flushOnce().finally(() => {
        flushes.delete(flush)
        kick()
      })
      flushes.add(flush)
    }
  }

  return {
    store (row) {
      const span = startStoreSpan(row)
      return new Promise<StoreOutcome>((resolve, reject) => {
        pending.push({ row, span, resolve, reject })
        kick()
      }).then((outcome) => {
        span.setAttribute('inbox.outcome', outcome.duplicate ? 'duplicate' : outcome.status)
        return outcome
      }, (error: unknown) => {
        recordFailure(span, error)
        throw error
      }).finally(() => span.end())
    },
    async drain () {
      while (flushes.size > 0) await Promise.all(flushes)
    }
  }
}
