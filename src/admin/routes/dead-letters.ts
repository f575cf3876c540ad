import express from 'express'
import type { AdminContext } from '../admin-context.ts'
import { deadLettersQuery, knownEventTypes } from '../params.ts'
import { DEAD_EVENT_STATUSES, deadEvents, deadRecords } from '../queries/dead-letters.ts'
import { recordLinks } from '../record-links.ts'
import { BULK_CAP } from './replay.ts'

/** GET /admin/dead-letters: what gave up, with replay buttons. */
export function deadLettersRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()
  router.get('/dead-letters', async (req, res) => {
    const filter = deadLettersQuery.parse(req.query)
    const [events, records] = await Promise.all([
      deadEvents(ctx.deps.pool, { statuses: filter.status ? [filter.status] : DEAD_EVENT_STATUSES, eventType: filter.type }),
      deadRecords(ctx.deps.pool, { crm: filter.crm, entityType: filter.entity })
    ])
    ctx.render(req, res, 'dead-letters', {
      title: 'Dead letters', filter, events, records: { ...records, rows: recordLinks(ctx.deps.crms, records.rows) }, eventTypes: knownEventTypes, cap: BULK_CAP, statuses: DEAD_EVENT_STATUSES
    })
  })
  return router
}
