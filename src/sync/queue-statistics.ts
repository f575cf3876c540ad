import type pg from 'pg'
import type { Logger } from 'pino'
import { BOSS_SCHEMA } from '../db/boss.ts'

/** Fewer changes than this since the last analyse never trigger one: a small table plans fine. */
const MIN_CHANGES = 1000
/** Errors trying again will not mend (no such table or column, no privilege); others are tried again later. */
const LASTING = new Set(['42P01', '42703', '42501'])

export interface QueueStatistics {
  /** Analyses the queue's job table if it changed by more than its size since it was last analysed; true if it did. Cheap to call often. */
  refreshIfStale: () => Promise<boolean>
}

/**
 * Keeps PostgreSQL's statistics of one sync queue's job table current while a backlog
 * builds. pg-boss's fetch for a `stately` queue joins the queued jobs against the active
 * ones; planned from statistics taken while the table was nearly empty (a fresh install,
 * or the quiet before an outage's backlog), that join ran as a nested loop over both —
 * 1.0–2.1 s of PostgreSQL CPU per fetch at the start of the bench's 10 000-job backlog
 * (auto_explain), where current statistics plan it in milliseconds. Autovacuum catches up
 * within its naptime (a minute by default), longer than such a backlog takes to drain.
 * So the worker calls this after every fetch: at most once per `checkIntervalMs` it looks
 * at how much the table changed, and analyses it if that is more than its size since its
 * last analyse (and that analyse is at least `minIntervalMs` old). Not only after full
 * fetches: under a steady overload the fetches come back part-full (the other slot holds
 * the rest locked) and the same join ran at 15–365 ms a fetch. The table's name is
 * pg-boss's (`queue.table_name`); if that cannot be found or analysed for good (another
 * pg-boss version, no privilege), this stops trying and says so once; a passing failure
 * (the database restarting) is tried again later.
 */
export function createQueueStatistics (deps: { pool: pg.Pool, queue: string, logger: Logger, minIntervalMs?: number, checkIntervalMs?: number, now?: () => number }): QueueStatistics {
  const minIntervalMs = deps.minIntervalMs ?? 15_000
  const checkIntervalMs = deps.checkIntervalMs ?? 1000
  const now = deps.now ?? Date.now
  let lastCheck = -Infinity
  let lastAnalyse = -Infinity
  let givenUp = false
  const giveUp = (error: unknown): false => {
    givenUp = true
    deps.logger.warn({ err: error, queue: deps.queue }, 'cannot refresh the sync queue\'s statistics; leaving it to autovacuum')
    return false
  }
  return {
    async refreshIfStale () {
      if (givenUp || now() - lastCheck < checkIntervalMs || now() - lastAnalyse < minIntervalMs) return false
      lastCheck = now()
      try {
        const { rows: [table] } = await deps.pool.query<{ name: string, changed: number, rows: number }>(`
          SELECT format('%I.%I', n.nspname, c.relname) AS name,
                 s.n_mod_since_analyze::float8 AS changed, greatest(c.reltuples, 0)::float8 AS rows
          FROM ${BOSS_SCHEMA}.queue q
          JOIN pg_namespace n ON n.nspname = $2
          JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = q.table_name
          JOIN pg_stat_user_tables s ON s.relid = c.oid
          WHERE q.name = $1`, [deps.queue, BOSS_SCHEMA])
        if (!table) return giveUp(new Error(`no job table found for queue ${deps.queue}`))
        if (table.changed <= Math.max(MIN_CHANGES, table.rows)) return false
        await deps.pool.query(`ANALYZE ${table.name}`)
        lastAnalyse = now()
        deps.logger.debug({ queue: deps.queue, changed: table.changed, rows: table.rows }, 'sync queue statistics refreshed')
        return true
      } catch (error) {
        if (LASTING.has((error as { code?: string }).code ?? '')) return giveUp(error)
        deps.logger.debug({ err: error, queue: deps.queue }, 'sync queue statistics not refreshed; trying again later')
        return false
      }
    }
  }
}
