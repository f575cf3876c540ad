import type pg from 'pg'

export interface RetentionStatus {
  policy: { retention_days: number, key_days: number, schedule: string, updated_at: Date } | undefined
  lastRun: { started_at: Date, finished_at: Date | null, emptied: number, deleted: number, error: string | null } | undefined
  /** Inbox rows emptied so far (kept for their dedupe keys) and events held for erased customers. */
  emptiedRows: number
  heldEvents: number
}

export async function retentionStatus (db: pg.Pool): Promise<RetentionStatus> {
  const [policy, lastRun, counts] = await Promise.all([
    db.query('SELECT retention_days, key_days, schedule, updated_at FROM retention_policy'),
    db.query('SELECT started_at, finished_at, emptied, deleted, error FROM retention_runs ORDER BY id DESC LIMIT 1'),
    db.query<{ emptied: number, held: number }>(`
      SELECT count(*) FILTER (WHERE purged_at IS NOT NULL)::int AS emptied,
             count(*) FILTER (WHERE status = 'suppressed' AND purged_at IS NULL)::int AS held
      FROM webhook_events WHERE purged_at IS NOT NULL OR status = 'suppressed'`)
  ])
  return { policy: policy.rows[0], lastRun: lastRun.rows[0], emptiedRows: counts.rows[0]?.emptied ?? 0, heldEvents: counts.rows[0]?.held ?? 0 }
}

export interface ErasureRow {
  id: string
  status: string
  steps_done: string[]
  requested_by: string
  requested_at: Date
  completed_at: Date | null
  lifted_at: Date | null
  /** The stored receipt: counts for our tables, CRM ids per CRM (see src/lifecycle/erasure-receipt.ts). */
  receipt: { local?: Record<string, number>, crm?: Record<string, Record<string, string[]>>, skipped?: string[] }
  held: number
}

/** The latest erasures; customer ids are not stored once an erasure completes, so none is shown. */
export async function recentErasures (db: pg.Pool): Promise<ErasureRow[]> {
  const { rows } = await db.query<ErasureRow>(`
    SELECT e.id, e.status, e.steps_done, e.requested_by, e.requested_at, e.completed_at, e.lifted_at, e.receipt,
      (SELECT count(*)::int FROM webhook_events w WHERE w.held_by = e.id AND w.status = 'suppressed') AS held
    FROM erasures e ORDER BY e.id DESC LIMIT 20`)
  return rows
}
