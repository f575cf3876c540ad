import express, { type Router } from 'express'
import type { ApiContext } from './api-context.ts'
import { normaliseId } from './ids.ts'
import { SfRequestError, type RecordError } from './sf-errors.ts'

const MAX_IDS = 200

type DeleteResult = { id?: string, success: boolean, errors: RecordError[] }

const ROLLED_BACK = 'Record rolled back because not all records were valid and the request was using AllOrNone header'

/** Deletes: sObject Collections (many ids, any types). Single-record DELETE lives with the sObject routes. */
export function createDeleteRoutes (ctx: ApiContext): Router {
  const router = express.Router({ mergeParams: true })

  // sObject Collections delete: `DELETE /composite/sobjects?ids=a,b[&allOrNone=true]`, ≤200 ids of
  // any types, DeleteResults in the order of the ids; a malformed id's result carries no `id`
  // (https://developer.salesforce.com/docs/platform/api-rest/guide/resources-composite-sobjects-collections-delete.html).
  router.delete('/composite/sobjects', (req, res) => {
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',').filter(Boolean) : []
    if (ids.length === 0) throw new SfRequestError(400, 'MISSING_ARGUMENT', 'ids: required parameter is missing')
    if (ids.length > MAX_IDS) {
      throw new SfRequestError(400, 'EXCEEDED_ID_LIMIT', `record limit reached. cannot submit more than ${MAX_IDS} records into this call`)
    }
    const remove = (id: string): DeleteResult => {
      if (!normaliseId(id)) return { success: false, errors: [{ statusCode: 'MALFORMED_ID', message: `malformed id ${id}`, fields: [] }] }
      for (const def of ctx.schema.values()) {
        if (ctx.store.remove(def.name, id)) return { id: normaliseId(id) ?? id, success: true, errors: [] }
      }
      return { id, success: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] }
    }
    const allOrNone = req.query.allOrNone === 'true'
    const before = allOrNone ? ctx.store.snapshot() : undefined
    const results = ids.map(remove)
    if (!allOrNone || results.every((r) => r.success)) {
      res.json(results)
      return
    }
    ctx.store.restore(before)
    res.json(results.map((r): DeleteResult => r.success
      ? { id: r.id, success: false, errors: [{ statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK', message: ROLLED_BACK, fields: [] }] }
      : r))
  })
  return router
}
