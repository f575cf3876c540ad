import type pg from 'pg'

export interface ReconcileRunSummary {
  crm: string
  trigger: string
  dryRun: boolean
  status: string
  startedAt: Date
  finishedAt: Date | null
  checked: number
  missing: number
  differing: number
  duplicate: number
  unassociated: number
  requeued: number
  error: string | null
}

/** The latest reconciliation pass per CRM (running, or how it ended), from `reconcile_runs`. */
export async function latestReconcileRuns (db: pg.Pool, crms: readonly string[]): Promise<ReconcileRunSummary[]> {
  const { rows } = await db.query<ReconcileRunSummary>(`
    SELECT DISTINCT ON (crm) crm, trigger, dry_run AS "dryRun", status, started_at AS "startedAt", finished_at AS "finishedAt",
      checked, missing, differing, duplicate, unassociated, requeued, error
    FROM reconcile_runs WHERE crm = ANY($1::text[]) ORDER BY crm, started_at DESC, id DESC`, [crms])
  return rows
}
