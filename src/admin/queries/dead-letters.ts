import type pg from 'pg'
import type { CrmRecordRow } from './crm-records.ts'

/** The inbox statuses an operator replays: given up on, or not understood at all. */
export const DEAD_EVENT_STATUSES = ['failed', 'quarantined'] as const

export interface DeadEventFilter {
  statuses: readonly string[]
  eventType?: string
}

export interface DeadRecordFilter {
  crm?: string
  entityType?: string
}

const SHOWN = 50

export async function deadEvents (db: pg.Pool, filter: DeadEventFilter) {
  const values = [filter.statuses, filter.eventType ?? null]
  // Emptied rows (retention, erasure) cannot be replayed: they are no longer dead letters.
  const where = 'status = ANY($1::text[]) AND ($2::text IS NULL OR event_type = $2) AND purged_at IS NULL'
  const [rows, total] = await Promise.all([
    db.query<{ id: string, received_at: Date, status: string, event_type: string | null, error: string | null }>(`
      SELECT id, received_at, status, event_type, left(error, 300) AS error
      FROM webhook_events WHERE ${where}
      ORDER BY received_at DESC, id DESC LIMIT ${SHOWN}`, values),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM webhook_events WHERE ${where}`, values)
  ])
  return { rows: rows.rows, total: total.rows[0]?.count ?? 0 }
}

export async function deadRecords (db: pg.Pool, filter: DeadRecordFilter) {
  const values = [filter.crm ?? null, filter.entityType ?? null]
  const where = "status = 'dead' AND ($1::text IS NULL OR crm = $1) AND ($2::text IS NULL OR entity_type = $2)"
  const [rows, total] = await Promise.all([
    db.query<CrmRecordRow>(`
      SELECT crm, entity_type, entity_id, status, crm_id, attempts, left(last_error, 300) AS last_error, synced_at, last_attempt_at
      FROM crm_records WHERE ${where}
      ORDER BY last_attempt_at DESC NULLS LAST, crm, entity_type, entity_id LIMIT ${SHOWN}`, values),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM crm_records WHERE ${where}`, values)
  ])
  return { rows: rows.rows, total: total.rows[0]?.count ?? 0 }
}
