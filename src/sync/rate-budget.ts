import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'
import { CrmQuotaSpentError, CrmRateLimitedError } from '../crm/errors.ts'
import { readLimitHeaders } from './limit-headers.ts'
import { createArrivalOrder } from './arrival-order.ts'
import type { RateLimiter } from './rate-limiter.ts'

export interface BudgetSettings {
  /** Requests the CRM allows this app per `windowMs` (its published short-window limit). */
  limit: number
  windowMs: number
  /** Requests per rolling 24 h the account allows, and the share of it this app may use. */
  dailyLimit: number
  dailyShare: number
}

// A margin under the published limit: the CRM counts arrivals, we count departures.
const MARGIN = 0.95
// The longest we wait inside one call for the short window; past it the call gives up and
// the job retries, so a worker never sits on a batch for minutes.
const MAX_WAIT_MS = 30_000

/**
 * The CRM's rate budget shared by every process of the deployment, kept in PostgreSQL
 * (`crm_rate_acquire`, migration 004): the short window and the daily budget. A 429's
 * pause and what the CRM's rate-limit headers say are shared through it too.
 */
export function createRateBudget (deps: { pool: pg.Pool, crm: CrmName, settings: BudgetSettings, now?: () => number }): RateLimiter {
  const { pool, crm, settings } = deps
  const now = deps.now ?? Date.now
  // Calls one window allows us, below the CRM's own limit by MARGIN.
  const perWindow = Math.max(1, Math.floor(settings.limit * MARGIN))
  // Known at once in this process; shared through the database for the others.
  let pausedUntil = 0
  let observedAt = 0
  const line = createArrivalOrder()

  async function take (signal?: AbortSignal): Promise<void> {
    const started = now()
    for (;;) {
      signal?.throwIfAborted()
      const local = pausedUntil - now()
      const wait = local > 0
        ? local
        : Number((await pool.query<{ wait: string }>('SELECT crm_rate_acquire($1, $2, $3, $4, $5, $6) AS wait',
          [crm, perWindow, settings.windowMs, MARGIN, settings.dailyLimit, settings.dailyShare])).rows[0]?.wait ?? 0)
      if (wait === 0) return
      if (wait < 0) throw new CrmQuotaSpentError(`${crm}: the daily API budget for this app is spent`, { retryAfterMs: -wait })
      if (now() - started + wait > MAX_WAIT_MS) await sleep(Math.max(0, MAX_WAIT_MS - (now() - started)), signal)
      else await sleep(wait, signal)
      if (now() - started >= MAX_WAIT_MS) throw new CrmRateLimitedError(`${crm}: no request budget free within ${MAX_WAIT_MS / 1000} s`, { retryAfterMs: wait })
    }
  }

  // Best effort: a lost write only means another process learns it from its own response.
  async function pause (ms: number): Promise<void> {
    pausedUntil = Math.max(pausedUntil, now() + ms)
    await pool.query(`INSERT INTO crm_rate_state AS s (crm, paused_until) VALUES ($1, clock_timestamp() + $2 * interval '1 millisecond')
      ON CONFLICT (crm) DO UPDATE SET paused_until = GREATEST(s.paused_until, EXCLUDED.paused_until)`, [crm, ms]).catch(() => {})
  }

  return {
    // Callers in this process are served in arrival order.
    acquire: (signal) => line.run(() => take(signal)),
    pause,
    // What the budget sustains: the window's allowance, but no faster than this app's share of
    // the daily quota spread over the day — spending faster empties the day's quota early.
    callsPerSecond: Math.min(perWindow / (settings.windowMs / 1000), settings.dailyLimit * settings.dailyShare / 86_400),
    windowCallsPerSecond: perWindow / (settings.windowMs / 1000),
    windowMs: settings.windowMs,
    // What every process spent in the current window (shared), plus this process's waiters.
    async usage () {
      if (pausedUntil > now()) return 1
      const { rows } = await pool.query<{ used: string, paused: boolean }>(`
        SELECT (SELECT coalesce(sum(used), 0) FROM crm_rate_slots WHERE crm = $1
                  AND slot > floor(extract(epoch FROM clock_timestamp()) * 10) - $2::bigint / 100) AS used,
               coalesce((SELECT paused_until > clock_timestamp() FROM crm_rate_state WHERE crm = $1), false) AS paused`, [crm, settings.windowMs])
      if (rows[0]?.paused) return 1
      return (Number(rows[0]?.used ?? 0) + line.waiting()) / perWindow
    },
    async observe (headers) {
      const seen = readLimitHeaders(headers)
      if (!seen) return
      if (seen.windowRemaining === 0 && seen.windowMs) await pause(seen.windowMs / 10)
      // Limits rarely change: once a second per process is plenty, and keeps CRM calls cheap.
      if (now() - observedAt < 1000) return
      observedAt = now()
      await pool.query(`INSERT INTO crm_rate_state AS s (crm, window_limit, window_ms, daily_limit_observed, daily_remaining_observed, observed_at)
        VALUES ($1, $2, $3, $4, $5, clock_timestamp())
        ON CONFLICT (crm) DO UPDATE SET window_limit = coalesce(EXCLUDED.window_limit, s.window_limit), window_ms = coalesce(EXCLUDED.window_ms, s.window_ms),
          daily_limit_observed = coalesce(EXCLUDED.daily_limit_observed, s.daily_limit_observed),
          daily_remaining_observed = coalesce(EXCLUDED.daily_remaining_observed, s.daily_remaining_observed), observed_at = clock_timestamp()`,
      [crm, seen.windowLimit ?? null, seen.windowMs ?? null, seen.dailyLimit ?? null, seen.dailyRemaining ?? null]).catch(() => {})
    }
  }
}

function sleep (ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(resolve, ms)
    signal?.addEventListener('abort', () => { clearTimeout(timer); reject(signal.reason) }, { once: true })
  })
}

export interface BudgetUsage { crm: string, windowUsed: number, windowLimit: number, dayUsed: number, dayLimit: number, pausedUntil: Date | null }

/** What each CRM's budget has used and allows right now: for /metrics and the dashboard. */
export async function budgetUsage (pool: pg.Pool, budgets: Array<{ crm: CrmName, settings: BudgetSettings }>): Promise<BudgetUsage[]> {
  if (budgets.length === 0) return []
  const { rows } = await pool.query(`
    SELECT b.crm,
      (SELECT coalesce(sum(used), 0) FROM crm_rate_slots s WHERE s.crm = b.crm
        AND s.slot > floor(extract(epoch FROM clock_timestamp()) * 10) - coalesce(st.window_ms, b.window_ms) / 100) AS window_used,
      coalesce(floor(st.window_limit * $5::numeric), b.window_limit) AS window_limit,
      (SELECT coalesce(sum(used), 0) FROM crm_rate_hours h WHERE h.crm = b.crm
        AND h.hour > floor(extract(epoch FROM clock_timestamp()) / 3600) - 24) AS day_used,
      floor(coalesce(st.daily_limit_observed, b.daily_limit) * b.daily_share) AS day_limit,
      st.paused_until
    FROM unnest($1::text[], $2::int[], $3::int[], $4::bigint[], $6::numeric[]) AS b(crm, window_limit, window_ms, daily_limit, daily_share)
    LEFT JOIN crm_rate_state st ON st.crm = b.crm`,
  [budgets.map((b) => b.crm), budgets.map((b) => Math.floor(b.settings.limit * MARGIN)), budgets.map((b) => b.settings.windowMs),
    budgets.map((b) => b.settings.dailyLimit), MARGIN, budgets.map((b) => b.settings.dailyShare)])
  return rows.map((row) => ({
    crm: row.crm,
    windowUsed: Number(row.window_used),
    windowLimit: Number(row.window_limit),
    dayUsed: Number(row.day_used),
    dayLimit: Number(row.day_limit),
    pausedUntil: row.paused_until
  }))
}
