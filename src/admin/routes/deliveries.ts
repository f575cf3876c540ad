import express from 'express'
import type { AdminContext } from '../admin-context.ts'
import { showRawBody, maskJson } from '../mask-pii.ts'
import { deliveryQuery, eventId, inboxStatus, knownEventTypes } from '../params.ts'
import { entitiesOfEvent, recordsFor } from '../queries/crm-records.ts'
import { getDelivery } from '../queries/delivery.ts'
import { countByStatus, listDeliveries } from '../queries/deliveries.ts'
import { recordLinks } from '../record-links.ts'

// The raw body shown on the page is capped: a 256 KiB body of nonsense helps nobody.
const RAW_SHOWN = 64 * 1024

/** GET /admin (recent deliveries) and GET /admin/deliveries/:id. */
export function deliveriesRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()

  router.get('/', async (req, res) => {
    const filter = deliveryQuery.parse(req.query)
    const [page, counts] = await Promise.all([
      listDeliveries(ctx.deps.pool, { status: filter.status, eventType: filter.type, before: filter.before }),
      countByStatus(ctx.deps.pool)
    ])
    ctx.render(req, res, 'deliveries', {
      title: 'Deliveries', filter, page, counts, statuses: inboxStatus.options, eventTypes: knownEventTypes
    })
  })

  router.get('/deliveries/:id', async (req, res) => {
    const id = eventId.safeParse(req.params.id)
    const delivery = id.success ? await getDelivery(ctx.deps.pool, id.data) : undefined
    if (!delivery) return ctx.render(req, res, 'not-found', { title: 'Not found', what: 'delivery' }, 404)
    const reveal = deliveryQuery.parse(req.query).pii === '1'
    if (reveal) ctx.deps.logger.info({ eventId: delivery.id, ip: req.ip }, 'admin: PII shown for a delivery')

    const refs = await entitiesOfEvent(ctx.deps.pool, delivery.payload)
    const records = recordLinks(ctx.deps.crms, await recordsFor(ctx.deps.pool, refs))
    const raw = delivery.raw_body
    ctx.render(req, res, 'delivery', {
      title: `Delivery ${delivery.id}`,
      delivery,
      reveal,
      payload: delivery.payload === null ? null : JSON.stringify(reveal ? delivery.payload : maskJson(delivery.payload), null, 2),
      rawBody: raw ? showRawBody(raw.subarray(0, RAW_SHOWN).toString('utf8'), reveal) : null,
      rawTruncated: raw ? raw.length > RAW_SHOWN : false,
      refs,
      records
    })
  })

  return router
}
