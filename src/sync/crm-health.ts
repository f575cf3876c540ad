import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'
import type { CrmBudget } from '../crm/crm-definition.ts'
import { budgetUsage } from './rate-budget.ts'

/** One CRM's health as operators need it: its rate budget, its circuit, what waits for it. */
export interface CrmHealth {
  crm: CrmName
  windowUsed: number
  windowLimit: number
  dayUsed: number
  dayLimit: number
  circuitOpen: boolean
  openedAt: Date | null
  reason: string | null
  /** Records parked while the CRM is unavailable, or waiting for their contact. */
  waiting: number
}

/** Read at scrape time (/metrics) and by the dashboard's queues page. */
export async function crmHealth (pool: pg.Pool, crms: Array<{ crm: CrmName, budget: CrmBudget }>): Promise<CrmHealth[]> {
  if (crms.length === 0) return []
  const [usage, { rows }] = await Promise.all([
    budgetUsage(pool, crms.map(({ crm, budget }) => ({ crm, settings: budget }))),
    pool.query(`
      SELECT n.crm, c.state = 'open' AS open, c.opened_at, c.reason,
        (SELECT count(*) FROM crm_records r WHERE r.crm = n.crm AND r.status = 'waiting') AS waiting
      FROM unnest($1::text[]) AS n(crm) LEFT JOIN crm_circuits c ON c.crm = n.crm`, [crms.map(({ crm }) => crm)])
  ])
  return crms.map(({ crm }) => {
    const budget = usage.find((u) => u.crm === crm)
    const circuit = rows.find((row) => row.crm === crm)
    return {
      crm,
      windowUsed: budget?.windowUsed ?? 0,
      windowLimit: budget?.windowLimit ?? 0,
      dayUsed: budget?.dayUsed ?? 0,
      dayLimit: budget?.dayLimit ?? 0,
      circuitOpen: circuit?.open === true,
      openedAt: circuit?.opened_at ?? null,
      reason: circuit?.reason ?? null,
      waiting: Number(circuit?.waiting ?? 0)
    }
  })
}
