import express from 'express'
import type { AdminContext } from '../admin-context.ts'

/** GET /admin/mapping: the effective field mapping of every enabled CRM (read-only). */
export function mappingRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()
  router.get('/mapping', (req, res) => {
    const mappings = ctx.deps.crms.map((crm) => ({ name: crm.name, mapping: crm.mapping }))
    ctx.render(req, res, 'mapping', { title: 'Field mapping', mappings })
  })
  return router
}
