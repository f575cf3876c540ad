import express from 'express'
import { z } from 'zod'
import { requestErasure } from '../../lifecycle/erasure-job.ts'
import { liftErasure } from '../../lifecycle/lift-erasure.ts'
import type { AdminContext } from '../admin-context.ts'
import { setFlash, type Flash } from '../flash.ts'
import { recentErasures, retentionStatus } from '../queries/data-lifecycle.ts'

// The operator types the customer id twice: once to name it, once to confirm it.
const confirmedCustomer = z.object({ customer_id: z.string().trim().min(1).max(255), confirm: z.string().trim() })
  .refine((form) => form.customer_id === form.confirm)

/** GET /admin/data (retention policy, erasures) and POST /admin/data/{erase,lift}. */
export function dataRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()
  const { pool, boss, logger } = ctx.deps
  const done = (res: express.Response, flash: Flash) => {
    setFlash(res, ctx.keys.flash, flash, ctx.secure)
    res.redirect(303, '/admin/data')
  }

  router.get('/data', async (req, res) => {
    const [retention, erasures] = await Promise.all([retentionStatus(pool), recentErasures(pool)])
    const customer = typeof req.query.customer === 'string' ? req.query.customer.slice(0, 255) : ''
    ctx.render(req, res, 'data', { title: 'Data', retention, erasures, customer })
  })

  router.post('/data/erase', async (req, res) => {
    const form = confirmedCustomer.safeParse(req.body)
    if (!form.success) return done(res, { kind: 'error', text: 'Nothing erased: type the customer id again in the confirmation field, exactly.' })
    const { erasureId } = await requestErasure(pool, boss, form.data.customer_id, 'dashboard')
    logger.info({ erasureId, ip: req.ip }, 'admin: erasure requested')
    done(res, { kind: 'ok', text: `Erasure #${erasureId} queued: a worker removes the customer from the inbox, the mirror and the CRMs; its receipt appears below.` })
  })

  router.post('/data/lift', async (req, res) => {
    const form = confirmedCustomer.safeParse(req.body)
    if (!form.success) return done(res, { kind: 'error', text: 'Nothing lifted: type the customer id again in the confirmation field, exactly.' })
    const outcome = await liftErasure(pool, boss, form.data.customer_id)
    logger.info({ ...outcome, ip: req.ip }, 'admin: erasure lift requested')
    if (!outcome.lifted) {
      return done(res, { kind: 'error', text: outcome.reason === 'in-progress' ? 'Not lifted: that erasure is still running.' : 'Not lifted: no erasure of that customer is in force.' })
    }
    done(res, { kind: 'ok', text: `Erasure lifted: ${outcome.requeued} held event(s) queued to apply${outcome.emptied > 0 ? `, ${outcome.emptied} already emptied by retention` : ''}.` })
  })

  return router
}
