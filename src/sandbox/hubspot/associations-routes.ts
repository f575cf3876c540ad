import { Router } from 'express'
import { associationTypes } from './association-types.ts'
import { SandboxHttpError } from './errors.ts'
import { requireObjectType, type ObjectType } from './object-types.ts'
import type { AssociationRecord, HubspotStore } from './store.ts'

interface Spec { associationCategory?: unknown, associationTypeId?: unknown }
interface PairInput { from?: { id?: unknown }, to?: { id?: unknown }, types?: Spec[] }

/**
 * Associations v4: labelled (`PUT .../associations/{to}/{toId}`, `batch/create`) and default
 * (`PUT .../associations/default/...`, `batch/associate/default`), plus reading them back.
 * Status codes are the ones the SDK accepts: labelled create 201, default 200.
 */
export function createAssociationsRoutes (store: HubspotStore): Router {
  const router = Router()

  function checkTypeIds (from: ObjectType, to: ObjectType, specs: Spec[]): Array<{ typeId: number, inverse: number }> {
    if (!Array.isArray(specs) || specs.length === 0) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'At least one association type is required')
    const known = associationTypes(from.id, to.id)
    return specs.map((spec) => {
      const typeId = Number(spec.associationTypeId)
      const match = spec.associationCategory === 'HUBSPOT_DEFINED' ? known.find((t) => t.typeId === typeId) : undefined
      if (!match) {
        throw new SandboxHttpError(400, 'VALIDATION_ERROR',
          `${String(spec.associationCategory)} ${String(spec.associationTypeId)} is not a valid association type between ${from.name} and ${to.name}`)
      }
      return match
    })
  }

  function defaultType (from: ObjectType, to: ObjectType): { typeId: number, inverse: number } {
    const type = associationTypes(from.id, to.id)[0]
    if (!type) throw new SandboxHttpError(400, 'VALIDATION_ERROR', `There is no default association between ${from.name} and ${to.name}`)
    return type
  }

  const missing = (from: ObjectType, fromId: string, to: ObjectType, toId: string): string | undefined => {
    if (!store.objects(from).has(fromId)) return `No ${from.name} with ID ${fromId} exist`
    if (!store.objects(to).has(toId)) return `No ${to.name} with ID ${toId} exist`
    return undefined
  }

  function link (from: ObjectType, fromId: string, to: ObjectType, toId: string, type: { typeId: number, inverse: number }): AssociationRecord {
    const record: AssociationRecord = {
      fromObjectTypeId: from.id,
      fromObjectId: fromId,
      toObjectTypeId: to.id,
      toObjectId: toId,
      associationTypeId: type.typeId,
      associationCategory: 'HUBSPOT_DEFINED'
    }
    store.associate(record, type.inverse)
    return record
  }

  const labels = (from: ObjectType, fromId: string, to: ObjectType, toId: string) => ({
    fromObjectTypeId: from.id, fromObjectId: Number(fromId), toObjectTypeId: to.id, toObjectId: Number(toId), labels: []
  })

  const defaultResult = (record: AssociationRecord) => ({
    from: { id: record.fromObjectId },
    to: { id: record.toObjectId },
    associationSpec: { associationCategory: 'HUBSPOT_DEFINED', associationTypeId: record.associationTypeId }
  })

  router.put('/crm/v4/objects/:from/:fromId/associations/default/:to/:toId', (req, res) => {
    const startedAt = store.now()
    const from = requireObjectType(req.params.from)
    const to = requireObjectType(req.params.to)
    const fromId = String(req.params.fromId)
    const toId = String(req.params.toId)
    const problem = missing(from, fromId, to, toId)
    if (problem) throw new SandboxHttpError(404, 'OBJECT_NOT_FOUND', problem)
    const record = link(from, fromId, to, toId, defaultType(from, to))
    res.status(200).json({ status: 'COMPLETE', results: [defaultResult(record)], startedAt, completedAt: store.now() })
  })

  router.put('/crm/v4/objects/:from/:fromId/associations/:to/:toId', (req, res) => {
    const from = requireObjectType(req.params.from)
    const to = requireObjectType(req.params.to)
    const fromId = String(req.params.fromId)
    const toId = String(req.params.toId)
    const types = checkTypeIds(from, to, req.body)
    const problem = missing(from, fromId, to, toId)
    if (problem) throw new SandboxHttpError(404, 'OBJECT_NOT_FOUND', problem)
    for (const type of types) link(from, fromId, to, toId, type)
    res.status(201).json(labels(from, fromId, to, toId))
  })

  router.get('/crm/v4/objects/:from/:fromId/associations/:to', (req, res) => {
    const from = requireObjectType(req.params.from)
    const to = requireObjectType(req.params.to)
    const byTarget = new Map<string, AssociationRecord[]>()
    for (const record of store.associationsFrom(from.id, String(req.params.fromId), to.id)) {
      byTarget.set(record.toObjectId, [...(byTarget.get(record.toObjectId) ?? []), record])
    }
    res.json({
      results: [...byTarget].map(([toObjectId, records]) => ({
        toObjectId: Number(toObjectId),
        associationTypes: records.map((r) => ({ category: r.associationCategory, typeId: r.associationTypeId, label: null }))
      }))
    })
  })

  router.post('/crm/v4/associations/:from/:to/batch/create', (req, res) => {
    const startedAt = store.now()
    const from = requireObjectType(req.params.from)
    const to = requireObjectType(req.params.to)
    const inputs = (req.body?.inputs ?? []) as PairInput[]
    if (!Array.isArray(inputs)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array')
    // The JSON key is `from`; an SDK model that leaked `_from` would arrive without it.
    const planned = inputs.map((input) => {
      if (input.from?.id === undefined || input.to?.id === undefined) {
        throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Each input needs from.id and to.id')
      }
      return { fromId: String(input.from.id), toId: String(input.to.id), types: checkTypeIds(from, to, input.types ?? []) }
    })
    const results: unknown[] = []
    const errors: unknown[] = []
    for (const { fromId, toId, types } of planned) {
      const problem = missing(from, fromId, to, toId)
      if (problem) {
        errors.push({ status: 'error', category: 'VALIDATION_ERROR', message: problem, context: { fromId: [fromId], toId: [toId] }, errors: [] })
        continue
      }
      for (const type of types) link(from, fromId, to, toId, type)
      results.push(labels(from, fromId, to, toId))
    }
    res.status(errors.length > 0 ? 207 : 201).json({
      status: 'COMPLETE', results, ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}), startedAt, completedAt: store.now()
    })
  })

  router.post('/crm/v4/associations/:from/:to/batch/associate/default', (req, res) => {
    const startedAt = store.now()
    const from = requireObjectType(req.params.from)
    const to = requireObjectType(req.params.to)
    const type = defaultType(from, to)
    const inputs = (req.body?.inputs ?? []) as PairInput[]
    if (!Array.isArray(inputs)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array')
    const results: unknown[] = []
    const errors: unknown[] = []
    for (const input of inputs) {
      const fromId = String(input.from?.id ?? '')
      const toId = String(input.to?.id ?? '')
      const problem = missing(from, fromId, to, toId)
      if (problem) {
        errors.push({ status: 'error', category: 'VALIDATION_ERROR', message: problem, context: { fromId: [fromId], toId: [toId] }, errors: [] })
        continue
      }
      results.push(defaultResult(link(from, fromId, to, toId, type)))
    }
    // Errors ride inside a 200 here: the SDK treats any other status of this call as a failure.
    res.status(200).json({
      status: 'COMPLETE', results, ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}), startedAt, completedAt: store.now()
    })
  })

  return router
}
