import { Router, type Response } from 'express'
import type { FaultInjector } from '../fault-injector.ts'
import { SandboxHttpError } from './errors.ts'
import { prepareInlineAssociations } from './inline-associations.ts'
import { requireObjectType, type ObjectType } from './object-types.ts'
import { toPublicObject } from './public-object.ts'
import type { HubspotStore, StoredObject, UniqueConflict } from './store.ts'

const MAX_INPUTS = 100

interface BatchError {
  status: 'error'
  category: string
  message: string
  context: Record<string, string[]>
  errors: unknown[]
}

interface UpsertInput { idProperty?: string, id?: unknown, properties?: unknown, objectWriteTraceId?: string }
interface CreateInput { properties?: unknown, associations?: unknown, objectWriteTraceId?: string }

function inputsOf (body: unknown): unknown[] {
  const inputs = (body as { inputs?: unknown } | undefined)?.inputs
  if (!Array.isArray(inputs)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array')
  if (inputs.length > MAX_INPUTS) {
    throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Batch input size ${inputs.length} exceeds the limit of ${MAX_INPUTS}`)
  }
  return inputs
}

/** A repeated id fails the WHOLE batch in HubSpot, not just the repeated input. */
function rejectDuplicates (ids: string[]): void {
  const seen = new Set<string>()
  const repeated = new Set<string>()
  for (const id of ids) (seen.has(id) ? repeated : seen).add(id)
  if (repeated.size > 0) {
    throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Duplicate IDs found in batch input: [${[...repeated].join(', ')}]. IDs must be unique`,
      { context: { ids: [...repeated] } })
  }
}

function recordError (category: string, message: string, context: Record<string, string[]>): BatchError {
  return { status: 'error', category, message, context, errors: [] }
}

function conflictError (type: ObjectType, conflict: UniqueConflict, context: Record<string, string[]>): BatchError {
  return recordError('CONFLICT',
    `A ${type.name} record with the value "${conflict.value}" for the unique property "${conflict.name}" already exists. Existing ID: ${conflict.existingId}`,
    context)
}

function createConflict (type: ObjectType, conflict: UniqueConflict): SandboxHttpError {
  const singular = type.name.replace(/s$/, '')
  const label = singular.charAt(0).toUpperCase() + singular.slice(1)
  return new SandboxHttpError(409, 'CONFLICT', `${label} already exists. Existing ID: ${conflict.existingId}`)
}

/** 200/201 when every input succeeded, 207 Multi-Status with `errors` when some failed. */
function sendBatch (res: Response, okStatus: number, startedAt: string, results: unknown[], errors: BatchError[], now: string): void {
  res.status(errors.length > 0 ? 207 : okStatus).json({
    status: 'COMPLETE',
    results,
    ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}),
    startedAt,
    completedAt: now
  })
}

/** `POST /crm/v3/objects/{type}/batch/{create,update,upsert,read}`. */
export function createBatchRoutes (store: HubspotStore, faults: FaultInjector): Router {
  const router = Router()

  router.post('/crm/v3/objects/:type/batch/upsert', (req, res) => {
    const startedAt = store.now()
    const type = requireObjectType(req.params.type)
    const inputs = inputsOf(req.body) as UpsertInput[]
    const definitions = store.properties(type)
    const planned = inputs.map((input) => {
      const idProperty = input.idProperty ?? 'hs_object_id'
      const definition = definitions.get(idProperty)
      if (!definition) throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Property "${idProperty}" does not exist`)
      if (!definition.hasUniqueValue) {
        throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Property "${idProperty}" is not a unique identifier property and cannot be used as idProperty`)
      }
      const id = input.id === undefined || input.id === null ? '' : String(input.id)
      if (id === '') throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Each upsert input needs an id')
      return { input, idProperty, id }
    })
    rejectDuplicates(planned.map((p) => p.id))
    // Validate every input before writing any, so a 400 leaves nothing half-applied.
    const validated = planned.map((p) => {
      const existing = store.findBy(type, p.idProperty, p.id)
      const raw = p.idProperty === 'hs_object_id' ? p.input.properties : { ...(p.input.properties as object), [p.idProperty]: p.id }
      return { ...p, existing, values: store.normalize(type, raw, { creating: !existing }) }
    })
    const results: unknown[] = []
    const errors: BatchError[] = []
    for (const { input, idProperty, id, existing, values } of validated) {
      const context = { id: [id], ...(input.objectWriteTraceId ? { objectWriteTraceId: [input.objectWriteTraceId] } : {}) }
      if (faults.takeRecordFailure(id)) {
        errors.push(recordError('INTERNAL_ERROR', `Injected failure for ${idProperty}=${id}`, context))
        continue
      }
      if (!existing && idProperty === 'hs_object_id') {
        errors.push(recordError('OBJECT_NOT_FOUND', `No ${type.name} with ID ${id} exist`, context))
        continue
      }
      const conflict = store.uniqueConflict(type, values, existing?.id)
      if (conflict) {
        errors.push(conflictError(type, conflict, context))
        continue
      }
      const record = existing ? store.update(type, existing, values) : store.create(type, values)
      results.push({ ...toPublicObject(record), new: !existing })
    }
    sendBatch(res, 200, startedAt, results, errors, store.now())
  })

  // Batch create takes each input's `associations` inline (`to.id` + `types`), which batch
  // upsert cannot (https://developers.hubspot.com/docs/api-reference/2026-03/crm/objects/communications/batch/create-communications).
  // A unique property value that already exists — in the portal or twice in the batch — fails
  // the WHOLE batch with one 409 CONFLICT naming the first one ("… already exists. Existing
  // ID: …"), and nothing is created: HubSpot/hubspot-api-python#51 shows exactly that body for
  // a batch create of existing values. Per-record failures (here: injected ones) are a 207.
  router.post('/crm/v3/objects/:type/batch/create', (req, res) => {
    const startedAt = store.now()
    const type = requireObjectType(req.params.type)
    const inputs = inputsOf(req.body) as CreateInput[]
    const validated = inputs.map((input) => ({
      input,
      values: store.normalize(type, input.properties, { creating: true }),
      associate: prepareInlineAssociations(store, type, input.associations)
    }))
    const claimed = new Map<string, string>()
    for (const { values } of validated) {
      const conflict = store.uniqueConflict(type, values)
      if (conflict) throw createConflict(type, conflict)
      for (const [name, value] of Object.entries(values)) {
        if (!store.properties(type).get(name)?.hasUniqueValue || value === '') continue
        if (claimed.get(name) === value) throw createConflict(type, { name, value, existingId: '(in this batch)' })
        claimed.set(name, value)
      }
    }
    const results: unknown[] = []
    const errors: BatchError[] = []
    for (const { input, values, associate } of validated) {
      const key = input.objectWriteTraceId
      const context: Record<string, string[]> = key ? { objectWriteTraceId: [key] } : {}
      if (key && faults.takeRecordFailure(key)) {
        errors.push(recordError('INTERNAL_ERROR', `Injected failure for ${key}`, context))
        continue
      }
      const record = store.create(type, values)
      associate(record.id)
      results.push(toPublicObject(record))
    }
    sendBatch(res, 201, startedAt, results, errors, store.now())
  })

  router.post('/crm/v3/objects/:type/batch/update', (req, res) => {
    const startedAt = store.now()
    const type = requireObjectType(req.params.type)
    const inputs = inputsOf(req.body) as UpsertInput[]
    rejectDuplicates(inputs.map((input) => String(input.id ?? '')))
    const validated = inputs.map((input) => {
      const id = String(input.id ?? '')
      const existing = store.findBy(type, input.idProperty ?? 'hs_object_id', id)
      return { input, id, existing, values: store.normalize(type, input.properties, { creating: false }) }
    })
    const results: unknown[] = []
    const errors: BatchError[] = []
    for (const { input, id, existing, values } of validated) {
      const context = { id: [id], ...(input.objectWriteTraceId ? { objectWriteTraceId: [input.objectWriteTraceId] } : {}) }
      if (faults.takeRecordFailure(id)) {
        errors.push(recordError('INTERNAL_ERROR', `Injected failure for ${id}`, context))
        continue
      }
      if (!existing) {
        errors.push(recordError('OBJECT_NOT_FOUND', `No ${type.name} with ID ${id} exist`, context))
        continue
      }
      const conflict = store.uniqueConflict(type, values, existing.id)
      if (conflict) {
        errors.push(conflictError(type, conflict, context))
        continue
      }
      results.push(toPublicObject(store.update(type, existing, values)))
    }
    sendBatch(res, 200, startedAt, results, errors, store.now())
  })

  router.post('/crm/v3/objects/:type/batch/read', (req, res) => {
    const startedAt = store.now()
    const type = requireObjectType(req.params.type)
    const inputs = inputsOf(req.body) as Array<{ id?: unknown }>
    const idProperty = typeof req.body?.idProperty === 'string' ? req.body.idProperty : 'hs_object_id'
    const names = Array.isArray(req.body?.properties) ? req.body.properties.map(String) : undefined
    const found: StoredObject[] = []
    const missing: string[] = []
    for (const input of inputs) {
      const id = String(input.id ?? '')
      const record = store.findBy(type, idProperty, id)
      if (record) found.push(record)
      else missing.push(id)
    }
    const errors = missing.length > 0
      ? [recordError('OBJECT_NOT_FOUND', `Could not get some ${type.name} objects, they may be deleted or not exist. Check that ids are valid.`, { ids: missing })]
      : []
    sendBatch(res, 200, startedAt, found.map((record) => toPublicObject(record, names)), errors, store.now())
  })

  return router
}
