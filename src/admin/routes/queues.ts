import express from 'express'
import { APPLY_QUEUE } from '../../mirror/apply-queue.ts'
import { syncQueue } from '../../sync/sync-queue.ts'
import type { AdminContext } from '../admin-context.ts'
import { queueStats } from '../queries/queue-stats.ts'

/** GET /admin/queues: depth, active, failed and the oldest waiting job per queue. */
export function queuesRoutes (ctx: AdminContext): express.Router {
  const queues = [APPLY_QUEUE, ...ctx.crmNames.map(syncQueue)]
  const router = express.Router()
  router.get('/queues', async (req, res) => {
    ctx.render(req, res, 'queues', { title: 'Queues', queues: await queueStats(ctx.deps.pool, queues) })
  })
  return router
}
