import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'
import type { ReconcileReport, RunTrigger } from './report.ts'

// Runs older than this are deleted when a new one finishes: the dashboard shows the latest.
const KEEP_DAYS = 30

/**
 * Records that a pass started (status `running`), so the dashboard shows it while it runs. One
 * pass per CRM runs at a time, so a row still `running` is from a worker that died mid-pass.
 */
export async function startRun (db: pg.Pool, run: { crm: CrmName, trigger: RunTrigger, dryRun: boolean }): Promise<string> {
  await db.query("UPDATE reconcile_runs SET status = 'failed', error = 'the worker stopped during the pass' WHERE crm = $1 AND status = 'running'", [run.crm])
  const { rows } = await db.query<{ id: string }>(
    "INSERT INTO reconcile_runs (crm, trigger, dry_run, status) VALUES ($1, $2, $3, 'running') RETURNING id",
    [run.crm, run.trigger, run.dryRun])
  return rows[0]!.id
}

export async function finishRun (db: pg.Pool, id: string, report: ReconcileReport): Promise<void> {
  await db.query(`
    UPDATE reconcile_runs SET status = $2, finished_at = $3, checked = $4, skipped = $5, missing = $6, differing = $7,
      duplicate = $8, unassociated = $9, requeued = $10, error = $11, findings = $12
    WHERE id = $1`,
  [id, report.status, report.finishedAt, report.checked, report.skipped, report.drift.missing, report.drift.differing,
    report.drift.duplicate, report.drift.unassociated, report.requeued, report.error ?? null, JSON.stringify(report.findings)])
  await db.query(`DELETE FROM reconcile_runs WHERE started_at < now() - make_interval(days => ${KEEP_DAYS})`)
}
