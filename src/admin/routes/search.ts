import express from 'express'
import { syncQueue } from '../../sync/sync-queue.ts'
import type { AdminContext } from '../admin-context.ts'
import { searchQuery } from '../params.ts'
import { findCustomers } from '../queries/find-customers.ts'
import { deliveriesAbout, entitiesOf, liveSyncJobs, recordsWithTraces, unappliedDeliveriesNaming } from '../queries/sync-story.ts'
import { syncStory } from '../sync-verdict.ts'

/**
 * GET /admin/search?q=…: a customer, conversation, message or appointment id, or a name,
 * answered on one page — "why isn't this customer in HubSpot yet?": its deliveries, each
 * entity's state per CRM with its last error, and the trace ids.
 */
export function searchRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()
  router.get('/search', async (req, res) => {
    const { q } = searchQuery.parse(req.query)
    const render = (data: Record<string, unknown>) => ctx.render(req, res, 'search', { title: q ? `Search: ${q}` : 'Search', q: q ?? '', ...data })
    if (!q) return render({ matches: [] })
    const matches = await findCustomers(ctx.deps.pool, q)
    if (matches.length !== 1) {
      return render({ matches, pending: matches.length === 0 ? await unappliedDeliveriesNaming(ctx.deps.pool, q) : [] })
    }
    const customer = matches[0] as (typeof matches)[number]
    const { conversations, refs } = await entitiesOf(ctx.deps.pool, customer.id)
    const [deliveries, records, jobs] = await Promise.all([
      deliveriesAbout(ctx.deps.pool, [customer.id, ...conversations]),
      recordsWithTraces(ctx.deps.pool, refs),
      liveSyncJobs(ctx.deps.pool, ctx.crmNames.map(syncQueue), refs)
    ])
    const story = syncStory({ crms: ctx.crmNames, refs, records, jobs, deliveries, now: new Date() })
    render({ matches, customer, deliveries, story, returnTo: `/admin/search?q=${encodeURIComponent(q)}` })
  })
  return router
}
