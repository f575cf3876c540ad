import type pg from 'pg'
import { SETTLED_STATUSES, type RetentionPolicy } from './retention-policy.ts'

export interface RetentionResult {
  /** Rows whose payload, raw body and error were emptied. */
  emptied: number
  /** Emptied rows past the key horizon, deleted with their dedupe keys. */
  deleted: number
}

// Small chunks: each is its own statement, so no long lock on the inbox while it runs.
const CHUNK = 1000

const EMPTY_OLD_ROWS = `
  WITH picked AS (
    SELECT id FROM webhook_events
    WHERE purged_at IS NULL AND received_at < now() - make_interval(days => $1) AND status = ANY($2::text[])
    ORDER BY received_at LIMIT $3 FOR UPDATE SKIP LOCKED
  )
  UPDATE webhook_events w
  SET payload = NULL, raw_body = NULL, error = NULL, purged_at = now(), purge_reason = 'retention'
  FROM picked WHERE w.id = picked.id`

const DELETE_PAST_KEY_HORIZON = `
  DELETE FROM webhook_events WHERE id IN (
    SELECT id FROM webhook_events
    WHERE purged_at IS NOT NULL AND received_at < now() - make_interval(days => $1)
    LIMIT $2 FOR UPDATE SKIP LOCKED
  )`

async function inChunks (run: () => Promise<number>): Promise<number> {
  let total = 0
  for (;;) {
    const done = await run()
    total += done
    if (done < CHUNK) return total
  }
}

/** Applies the retention policy once: empties old rows, then deletes rows past the key horizon. */
export async function runRetention (pool: pg.Pool, policy: RetentionPolicy): Promise<RetentionResult> {
  const emptied = await inChunks(async () =>
    (await pool.query(EMPTY_OLD_ROWS, [policy.retentionDays, SETTLED_STATUSES, CHUNK])).rowCount ?? 0)
  const deleted = await inChunks(async () =>
    (await pool.query(DELETE_PAST_KEY_HORIZON, [policy.keyDays, CHUNK])).rowCount ?? 0)
  return { emptied, deleted }
}

/** Runs it and records the run (and its failure) in `retention_runs` for the dashboard. */
export async function runAndRecordRetention (pool: pg.Pool, policy: RetentionPolicy): Promise<RetentionResult> {
  const { rows } = await pool.query<{ id: string }>(
    'INSERT INTO retention_runs (retention_days, key_days) VALUES ($1, $2) RETURNING id', [policy.retentionDays, policy.keyDays])
  const runId = rows[0]?.id
  try {
    const result = await runRetention(pool, policy)
    await pool.query('UPDATE retention_runs SET finished_at = now(), emptied = $2, deleted = $3 WHERE id = $1', [runId, result.emptied, result.deleted])
    return result
  } catch (error) {
    await pool.query('UPDATE retention_runs SET finished_at = now(), error = $2 WHERE id = $1', [runId, (error as Error).message])
    throw error
  } finally {
    // The history is for the dashboard: the last hundred runs are plenty.
    await pool.query('DELETE FROM retention_runs WHERE id <= (SELECT id FROM retention_runs ORDER BY id DESC OFFSET 100 LIMIT 1)')
  }
}
