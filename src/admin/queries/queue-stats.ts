import type pg from 'pg'

export interface QueueStats {
  name: string
  /** Waiting to run: created + retry (including those delayed by backoff). */
  depth: number
  active: number
  failed: number
  oldestWaitingSeconds: number | null
}

/**
 * Live counts straight from pg-boss's job table (schema `pgboss`, see src/db/boss.ts).
 * `boss.getQueues()` reports counts cached by pg-boss's monitor pass, which can lag by
 * minutes; these states are covered by its partial index job_i14 (name, state, …).
 */
export async function queueStats (db: pg.Pool, names: readonly string[]): Promise<QueueStats[]> {
  const { rows } = await db.query<{ name: string, depth: number, active: number, failed: number, oldest: number | null }>(`
    SELECT name,
      count(*) FILTER (WHERE state IN ('created', 'retry'))::int AS depth,
      count(*) FILTER (WHERE state = 'active')::int AS active,
      count(*) FILTER (WHERE state = 'failed')::int AS failed,
      extract(epoch FROM now() - min(created_on) FILTER (WHERE state IN ('created', 'retry')))::float8 AS oldest
    FROM pgboss.job
    WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active', 'failed')
    GROUP BY name`, [names])
  const byName = new Map(rows.map((row) => [row.name, row]))
  return names.map((name) => {
    const row = byName.get(name)
    return { name, depth: row?.depth ?? 0, active: row?.active ?? 0, failed: row?.failed ?? 0, oldestWaitingSeconds: row?.oldest ?? null }
  })
}
