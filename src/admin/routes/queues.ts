import express from 'express'
import { APPLY_QUEUE, syncQueue } from '../../queues.ts'
import type { AdminContext } from '../admin-context.ts'
import { queueStats } from '../queries/queue-stats.ts'

const QUEUES = [APPLY_QUEUE, syncQueue('hubspot'), syncQueue('salesforce')]

/** GET /admin/queues: depth, active, failed and the oldest waiting job per queue. */
export function queuesRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()
  router.get('/queues', async (req, res) => {
    ctx.render(req, res, 'queues', { title: 'Queues', queues: await queueStats(ctx.deps.pool, QUEUES) })
  })
  return router
}
