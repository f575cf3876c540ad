import express from 'express'
import type { AdminContext } from '../admin-context.ts'
import { maskPhone } from '../mask-pii.ts'
import { customersQuery } from '../params.ts'
import { getCustomer, listCustomers } from '../queries/customers.ts'
import { keptFields } from '../queries/field-ownership.ts'
import { recordLinks } from '../record-links.ts'

/** GET /admin/customers and GET /admin/customers/:id: the local mirror, per customer. */
export function customersRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()

  router.get('/customers', async (req, res) => {
    const { after } = customersQuery.parse(req.query)
    const page = await listCustomers(ctx.deps.pool, after)
    const rows = page.rows.map((row) => ({ ...row, phone: maskPhone(row.phone) }))
    ctx.render(req, res, 'customers', { title: 'Customers', rows, next: page.next })
  })

  router.get('/customers/:id', async (req, res) => {
    const id = String(req.params.id)
    const detail = id.length <= 255 ? await getCustomer(ctx.deps.pool, id) : undefined
    if (!detail) return ctx.render(req, res, 'not-found', { title: 'Not found', what: 'customer' }, 404)
    const kept = await keptFields(ctx.deps.pool, id)
    const reveal = req.query.pii === '1'
    if (reveal) ctx.deps.logger.info({ customerId: id, ip: req.ip }, 'admin: PII shown for a customer')
    ctx.render(req, res, 'customer', {
      title: `Customer ${id}`,
      reveal,
      customer: { ...detail.customer, phone: reveal ? detail.customer.phone : maskPhone(detail.customer.phone) },
      conversations: detail.conversations,
      appointments: detail.appointments,
      records: recordLinks(ctx.deps.crms, detail.records),
      messageRecords: detail.messageRecords,
      kept
    })
  })

  return router
}
