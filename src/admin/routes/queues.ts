import express from 'express'
import { APPLY_QUEUE } from '../../mirror/apply-queue.ts'
import { RECONCILE_QUEUE } from '../../reconcile/reconcile-queue.ts'
import { syncQueue } from '../../sync/sync-queue.ts'
import type { AdminContext } from '../admin-context.ts'
import { queueStats } from '../queries/queue-stats.ts'
import { latestReconcileRuns } from '../queries/reconcile-runs.ts'

/**
 * GET /admin/queues: each CRM's health in words (circuit, waiting records, rate budget), then
 * depth, active, failed and the oldest waiting job per queue; the last reconciliation per CRM.
 */
export function queuesRoutes (ctx: AdminContext): express.Router {
  const queues = [APPLY_QUEUE, ...ctx.crmNames.map(syncQueue), RECONCILE_QUEUE]
  const router = express.Router()
  router.get('/queues', async (req, res) => {
    const [stats, reconciliations, health] = await Promise.all([
      queueStats(ctx.deps.pool, queues), latestReconcileRuns(ctx.deps.pool, ctx.crmNames), ctx.deps.crmHealth?.() ?? []
    ])
    ctx.render(req, res, 'queues', { title: 'Queues', queues: stats, reconciliations, health })
  })
  return router
}
