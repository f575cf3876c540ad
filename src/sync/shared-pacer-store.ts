import type pg from 'pg'
import type { Logger } from 'pino'
import type { CrmName } from '../crm/connector.ts'
import { DATABASE_NOW_MS } from '../db/database-clock.ts'
import { withTransaction } from '../db/pool.ts'
import { initialPacerState, type PacerState, type PacerStore } from './fetch-pacer.ts'

/**
 * A CRM's fetch turns kept in PostgreSQL (`crm_fetch_turns`, migration 060), so every worker
 * process of the deployment takes the same turns: each step reads the row under a row lock,
 * on the database's clock, and writes it back in one transaction. If the database cannot be
 * reached the step runs on this process's own turns instead: pacing is an economy, and a
 * batch whose records are already in the CRM must not fail for it.
 */
export function sharedPacerStore (deps: { pool: pg.Pool, crm: CrmName, logger?: Logger }): PacerStore {
  const own = initialPacerState()
  let rowExists = false
  return {
    async change (step) {
      try {
        return await withTransaction(deps.pool, async (client) => {
          if (!rowExists) {
            await client.query(`INSERT INTO crm_fetch_turns (crm, latest, granted, spacing, turns)
              VALUES ($1, '-Infinity', '-Infinity', 0, '{}') ON CONFLICT (crm) DO NOTHING`, [deps.crm])
            rowExists = true
          }
          const { rows: [row] } = await client.query<PacerState & { now: number }>(`
            SELECT latest, granted, spacing, turns, ${DATABASE_NOW_MS} AS now
            FROM crm_fetch_turns WHERE crm = $1 FOR UPDATE`, [deps.crm])
          if (!row) throw new Error(`crm_fetch_turns has no row for ${deps.crm}`)
          const state: PacerState = { latest: row.latest, granted: row.granted, spacing: row.spacing, turns: row.turns }
          const result = step(state, row.now)
          await client.query('UPDATE crm_fetch_turns SET latest = $2, granted = $3, spacing = $4, turns = $5 WHERE crm = $1',
            [deps.crm, state.latest, state.granted, state.spacing, state.turns])
          return result
        })
      } catch (error) {
        rowExists = false
        deps.logger?.warn({ crm: deps.crm, err: error }, 'sync: fetch turns unavailable in the database, pacing this process on its own')
        return step(own, Date.now())
      }
    }
  }
}
