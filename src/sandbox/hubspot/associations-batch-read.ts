import { Router } from 'express'
import { SandboxHttpError } from './errors.ts'
import { requireObjectType } from './object-types.ts'
import type { AssociationRecord, HubspotStore } from './store.ts'

// "Batch read associations for objects to specific object type"; at most 1000 ids per request
// since 2025-02-10 (HubSpot API reference: Associations v4 → POST /crm/v4/associations/
// {fromObjectType}/{toObjectType}/batch/read; developer changelog "Batch Read Limit for HubSpot
// Associations API"). Every association of an object fits in one page here, so no `paging`.
const MAX_IDS = 1000

/** `POST /crm/v4/associations/{from}/{to}/batch/read`: the `to` records each `from` id is associated with. */
export function createAssociationsBatchReadRoute (store: HubspotStore): Router {
  const router = Router()
  router.post('/crm/v4/associations/:from/:to/batch/read', (req, res) => {
    const startedAt = store.now()
    const from = requireObjectType(req.params.from)
    const to = requireObjectType(req.params.to)
    const inputs = (req.body?.inputs ?? []) as Array<{ id?: unknown }>
    if (!Array.isArray(inputs)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array')
    if (inputs.length > MAX_IDS) throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Batch input size ${inputs.length} exceeds the limit of ${MAX_IDS}`)
    const results: unknown[] = []
    const unassociated: string[] = []
    for (const input of inputs) {
      const fromId = String(input.id ?? '')
      const byTarget = new Map<string, AssociationRecord[]>()
      for (const record of store.associationsFrom(from.id, fromId, to.id)) {
        byTarget.set(record.toObjectId, [...(byTarget.get(record.toObjectId) ?? []), record])
      }
      if (byTarget.size === 0) { unassociated.push(fromId); continue }
      results.push({
        from: { id: fromId },
        to: [...byTarget].map(([toObjectId, records]) => ({
          toObjectId: Number(toObjectId),
          associationTypes: records.map((r) => ({ category: r.associationCategory, typeId: r.associationTypeId, label: null }))
        }))
      })
    }
    // An id without associations is an error beside the results, and the answer a 207, as HubSpot does.
    const [fromName, toName] = [from.name.replace(/s$/, ''), to.name.replace(/s$/, '')]
    const errors = unassociated.map((id) => ({
      status: 'error',
      category: 'OBJECT_NOT_FOUND',
      subCategory: 'crm.associations.NO_ASSOCIATIONS_FOUND',
      message: `No ${toName} is associated with ${fromName} ${id}.`,
      context: { fromObjectId: [id], fromObjectType: [fromName], toObjectType: [toName] }
    }))
    res.status(errors.length > 0 ? 207 : 200).json({
      status: 'COMPLETE', results, ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}), startedAt, completedAt: store.now()
    })
  })
  return router
}
