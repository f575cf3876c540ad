import type pg from 'pg'
import type { Logger } from 'pino'
import type { CrmConnector, ErasureTarget } from '../crm/connector.ts'
import { withTransaction } from '../db/pool.ts'
import { eraseLocal } from './erase-local.ts'
import { buildPlan, markErased, type ErasurePlan } from './erasure-plan.ts'
import { addCounts, noLocalCounts, type ErasureReceipt } from './erasure-receipt.ts'
import { settleSyncJobs } from './settle-sync-jobs.ts'

export interface ErasureDeps {
  pool: pg.Pool
  /** The CRMs whose sync is on here: the erasure deletes in these. */
  connectors: readonly CrmConnector[]
  logger: Logger
  /** Called after each step is recorded (tests inject a crash here). */
  afterStep?: (step: string) => void | Promise<void>
}

interface ErasureRow {
  id: string
  status: 'in_progress' | 'completed'
  customer_id: string | null
  plan: ErasurePlan | null
  steps_done: string[]
  receipt: Partial<ErasureReceipt>
  requested_at: Date
  completed_at: Date | null
}

export async function loadReceipt (db: pg.Pool | pg.ClientBase, erasureId: string): Promise<ErasureReceipt | undefined> {
  const { rows } = await db.query<ErasureRow>('SELECT * FROM erasures WHERE id = $1', [erasureId])
  return rows[0] && toReceipt(rows[0])
}

function toReceipt (row: ErasureRow): ErasureReceipt {
  return {
    erasureId: row.id,
    status: row.status,
    stepsDone: row.steps_done,
    local: addCounts(noLocalCounts(), row.receipt.local ?? {}),
    crm: row.receipt.crm ?? {},
    skipped: row.receipt.skipped ?? [],
    requestedAt: row.requested_at.toISOString(),
    completedAt: row.completed_at?.toISOString() ?? null
  }
}

function targetFor (crm: string, plan: ErasurePlan): ErasureTarget {
  const recorded = (type: string, id: string) => plan.records.find((r) => r.crm === crm && r.type === type && r.entityId === id)?.crmId ?? null
  return {
    customerId: plan.customerId,
    contactCrmIds: plan.records.filter((r) => r.crm === crm && r.type === 'contact' && r.crmId).map((r) => r.crmId as string),
    messages: plan.messages.map((m) => ({ messageId: m.id, channel: m.channel, crmId: recorded('message', m.id) })),
    appointments: plan.appointments.map((id) => ({ appointmentId: id, crmId: recorded('appointment', id) }))
  }
}

/**
 * Runs (or resumes) one erasure, step by step: `plan` (find everything, mark the customer
 * erased so new events are held), `local` (inbox, crm_records, mirror), one `crm:<name>` per
 * connector, `finish`. Each step is recorded in `erasures.steps_done` when it is done, so a
 * run that crashed continues where it stopped; every step is idempotent, so repeating the
 * one that was interrupted is harmless.
 */
export async function runErasure (deps: ErasureDeps, erasureId: string): Promise<ErasureReceipt> {
  const log = deps.logger.child({ erasure: erasureId })
  const step = async (name: string, work: (client: pg.PoolClient, row: ErasureRow) => Promise<Partial<Pick<ErasureRow, 'plan' | 'receipt'>> | undefined>) => {
    const ran = await withTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<ErasureRow>('SELECT * FROM erasures WHERE id = $1 FOR UPDATE', [erasureId])
      const row = rows[0]
      if (!row || row.status === 'completed' || row.steps_done.includes(name)) return false
      const changed = await work(client, row) ?? {}
      await client.query(`UPDATE erasures SET steps_done = array_append(steps_done, $2), plan = coalesce($3, plan), receipt = coalesce($4, receipt)
        WHERE id = $1`, [erasureId, name, changed.plan ?? null, changed.receipt ?? null])
      return true
    })
    if (!ran) return
    log.info({ step: name }, 'erasure step done')
    await deps.afterStep?.(name)
  }

  await step('plan', async (client, row) => {
    const plan = await buildPlan(client, row.customer_id!, row.plan)
    await markErased(client, erasureId, plan.customerId, plan.conversations)
    return { plan }
  })
  await step('local', async (client, row) => {
    // Locks the customer row, then re-reads: nothing applied since the plan is missed.
    await client.query('SELECT 1 FROM customers WHERE id = $1 FOR UPDATE', [row.customer_id])
    const plan = await buildPlan(client, row.customer_id!, row.plan)
    const local = await eraseLocal(client, plan)
    return { plan, receipt: { ...row.receipt, local: addCounts(noLocalCounts(), local) } }
  })
  for (const connector of deps.connectors) {
    const name = `crm:${connector.name}`
    const current = await deps.pool.query<ErasureRow>('SELECT * FROM erasures WHERE id = $1', [erasureId])
    const row = current.rows[0]
    if (!row?.plan || row.status === 'completed' || row.steps_done.includes(name)) continue
    // A sync job that read the mirror before it was emptied must not write after we delete.
    await settleSyncJobs(deps.pool, connector.name, row.plan)
    const result = await connector.eraseCustomer(targetFor(connector.name, row.plan))
    await step(name, async (_client, locked) => ({ receipt: { ...locked.receipt, crm: { ...locked.receipt.crm, [connector.name]: result } } }))
  }
  await step('finish', async (client, row) => {
    const plan = row.plan!
    const enabled = new Set<string>(deps.connectors.map((c) => c.name))
    const skipped = [...new Set(plan.records.filter((r) => !enabled.has(r.crm)).map((r) => r.crm))]
      .map((crm) => `${crm}: its sync is off here, so its ${plan.records.filter((r) => r.crm === crm).length} recorded record(s) were not deleted there; erase again where it is on`)
    // A sync that finished while we were deleting may have recorded its write again.
    const again = await eraseLocal(client, plan)
    await client.query('UPDATE erasures SET status = \'completed\', completed_at = now(), customer_id = NULL, plan = NULL WHERE id = $1', [erasureId])
    return { receipt: { ...row.receipt, local: addCounts(addCounts(noLocalCounts(), row.receipt.local ?? {}), again), skipped } }
  })
  return (await loadReceipt(deps.pool, erasureId))!
}
