import express, { type Router } from 'express'
import { apiVersion, toApiRecord, type ApiContext } from './api-context.ts'
import { parseSoql, runSoql } from './soql.ts'
import { SfRequestError } from './sf-errors.ts'

/** `GET /query?q=` (and `/queryAll`): every match in one page, so `done` is always true. */
export function createQueryRoutes (ctx: ApiContext): Router {
  const router = express.Router({ mergeParams: true })
  const handler: express.RequestHandler = (req, res) => {
    const soql = req.query.q
    if (typeof soql !== 'string' || soql === '') throw new SfRequestError(400, 'MALFORMED_QUERY', 'A query string has to be specified')
    const query = parseSoql(ctx.schema, soql)
    const def = ctx.schema.get(query.type)!
    const records = runSoql(query, ctx.store.all(query.type))
    res.json({ totalSize: records.length, done: true, records: records.map((r) => toApiRecord(def, r, apiVersion(req), query.fields)) })
  }
  router.get('/query', handler)
  router.get('/queryAll', handler)
  return router
}
