import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'

export interface CircuitStatus {
  open: boolean
  openedAt: Date | null
  reason: string | null
}

export interface CircuitSettings {
  /** Whole-call failures in a row that open the circuit. */
  threshold: number
  /** First probe this long after opening; doubling up to `maxProbeMs`. */
  firstProbeMs: number
  maxProbeMs: number
}

export const defaultCircuitSettings: CircuitSettings = { threshold: 5, firstProbeMs: 2000, maxProbeMs: 60_000 }

/**
 * A CRM's circuit, shared by every worker through PostgreSQL (migration 005). Whole-call
 * failures (5xx, timeouts, connection errors, refused credentials, spent quota) count;
 * `threshold` in a row open it. While open, one worker at a time may probe, with a growing
 * interval; the first success closes it.
 */
export function createCircuit (deps: { pool: pg.Pool, crm: CrmName, settings?: CircuitSettings }) {
  const { pool, crm } = deps
  const settings = deps.settings ?? defaultCircuitSettings

  return {
    async status (): Promise<CircuitStatus> {
      const { rows } = await pool.query('SELECT state, opened_at, reason FROM crm_circuits WHERE crm = $1', [crm])
      const row = rows[0]
      return { open: row?.state === 'open', openedAt: row?.opened_at ?? null, reason: row?.reason ?? null }
    },

    /** Counts a whole-call failure; `force` opens at once. True when this call opened it. */
    async failed (reason: string, force = false): Promise<boolean> {
      const { rows } = await pool.query<{ opened: boolean }>(`
        INSERT INTO crm_circuits AS c (crm, failures) VALUES ($1, 1)
        ON CONFLICT (crm) DO UPDATE SET failures = c.failures + 1
        RETURNING c.state = 'closed' AND (c.failures >= $2 OR $3) AS opened`, [crm, settings.threshold, force])
      if (!rows[0]?.opened) return false
      await pool.query(`UPDATE crm_circuits SET state = 'open', opened_at = now(), reason = $2,
          probe_interval_ms = $3::int, next_probe_at = now() + $3::int * interval '1 millisecond'
        WHERE crm = $1 AND state = 'closed'`, [crm, reason.slice(0, 500), settings.firstProbeMs])
      return true
    },

    /** A call went through. True when this closed an open circuit (time to re-queue what waits). */
    async succeeded (): Promise<boolean> {
      const { rows } = await pool.query<{ was_open: boolean }>(`
        UPDATE crm_circuits c SET state = 'closed', failures = 0, opened_at = NULL, reason = NULL, next_probe_at = NULL, probe_interval_ms = 0
        FROM (SELECT state FROM crm_circuits WHERE crm = $1 FOR UPDATE) old
        WHERE c.crm = $1 AND (c.failures > 0 OR c.state = 'open')
        RETURNING old.state = 'open' AS was_open`, [crm])
      return rows[0]?.was_open ?? false
    },

    /** While open: true for the one caller allowed to probe now (the next probe moves out). */
    async claimProbe (): Promise<boolean> {
      const { rowCount } = await pool.query(`
        UPDATE crm_circuits SET probe_interval_ms = LEAST($2::int, GREATEST(100, probe_interval_ms * 2)),
          next_probe_at = now() + LEAST($2::int, GREATEST(100, probe_interval_ms * 2)) * interval '1 millisecond'
        WHERE crm = $1 AND state = 'open' AND next_probe_at <= now()`, [crm, settings.maxProbeMs])
      return (rowCount ?? 0) > 0
    }
  }
}

export type Circuit = ReturnType<typeof createCircuit>
