import { Router } from 'express'
import { SandboxHttpError } from './errors.ts'
import { requireObjectType } from './object-types.ts'
import { toPublicObject } from './public-object.ts'
import type { StoredObject, HubspotStore } from './store.ts'

interface Filter { propertyName?: string, operator?: string, value?: unknown, values?: unknown[] }

function matches (record: StoredObject, filter: Filter): boolean {
  const actual = filter.propertyName === 'hs_object_id' ? record.id : record.properties[filter.propertyName ?? '']
  const has = actual !== undefined && actual !== ''
  switch (filter.operator) {
    case 'EQ': return has && actual === String(filter.value)
    case 'NEQ': return actual !== String(filter.value)
    case 'IN': return has && (filter.values ?? []).map(String).includes(actual)
    case 'NOT_IN': return !(filter.values ?? []).map(String).includes(actual ?? '')
    case 'HAS_PROPERTY': return has
    case 'NOT_HAS_PROPERTY': return !has
    default: throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Unsupported operator in sandbox: ${String(filter.operator)}`)
  }
}

/**
 * `POST /crm/v3/objects/{type}/search`: filter groups are OR-ed, filters inside a group
 * AND-ed; `after` is an opaque offset, results in id order.
 */
export function createSearchRoutes (store: HubspotStore): Router {
  const router = Router()
  router.post('/crm/v3/objects/:type/search', (req, res) => {
    const type = requireObjectType(req.params.type)
    const body = req.body ?? {}
    const groups: Array<{ filters?: Filter[] }> = Array.isArray(body.filterGroups) ? body.filterGroups : []
    const limit = Math.min(Number(body.limit ?? 10), 200)
    const after = Number(body.after ?? 0)
    const all = [...store.objects(type).values()]
      .filter((record) => groups.length === 0 || groups.some((group) => (group.filters ?? []).every((f) => matches(record, f))))
      .sort((a, b) => Number(a.id) - Number(b.id))
    const page = all.slice(after, after + limit)
    const names = Array.isArray(body.properties) ? body.properties.map(String) : undefined
    res.json({
      total: all.length,
      results: page.map((record) => toPublicObject(record, names)),
      ...(after + limit < all.length ? { paging: { next: { after: String(after + limit) } } } : {})
    })
  })
  return router
}
