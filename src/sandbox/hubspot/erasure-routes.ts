import { Router } from 'express'
import { SandboxHttpError } from './errors.ts'
import { requireObjectType, resolveObjectType } from './object-types.ts'
import type { HubspotStore } from './store.ts'

const MAX_INPUTS = 100

/**
 * Deleting records: a batch archive for any object type, and the GDPR delete of a contact.
 * The sandbox has no recycle bin: an archived record is simply gone, like a purged one.
 */
export function createErasureRoutes (store: HubspotStore): Router {
  const router = Router()
  const contacts = resolveObjectType('contacts')!

  // `POST /crm/v3/objects/{objectType}/batch/archive` with `{inputs: [{id}]}` (≤100) answers 204
  // with no body; ids that do not exist are skipped, not reported
  // (https://developers.hubspot.com/docs/api-reference/latest/crm/objects/custom-objects/batch/delete-custom-objects).
  router.post('/crm/v3/objects/:type/batch/archive', (req, res) => {
    const type = requireObjectType(req.params.type)
    const inputs = (req.body as { inputs?: unknown } | undefined)?.inputs
    if (!Array.isArray(inputs)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array')
    if (inputs.length > MAX_INPUTS) {
      throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Batch input size ${inputs.length} exceeds the limit of ${MAX_INPUTS}`)
    }
    for (const input of inputs as Array<{ id?: unknown }>) {
      if (input?.id === undefined || input.id === null || input.id === '') throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Each input needs an id')
    }
    for (const input of inputs as Array<{ id: unknown }>) store.remove(type, String(input.id))
    res.status(204).end()
  })

  // `POST /crm/v3/objects/contacts/gdpr-delete` with `{objectId, idProperty?}`: permanently
  // deletes the contact and its associations, 204 with no body. `idProperty` names any unique
  // contact property (default: the record id); an `email` that matches nobody is blocklisted
  // (204); any other value that matches nobody is a 404 (HubSpot's reference documents only
  // the success case; a missing object is OBJECT_NOT_FOUND everywhere else in CRM v3)
  // (https://developers.hubspot.com/docs/api-reference/legacy/crm/objects/contacts/gdpr/gdpr-delete-contact).
  router.post('/crm/v3/objects/contacts/gdpr-delete', (req, res) => {
    const body = (req.body ?? {}) as { objectId?: unknown, idProperty?: unknown }
    if (typeof body.objectId !== 'string' || body.objectId === '') {
      throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: objectId is required', { context: { objectId: ['must not be empty'] } })
    }
    const idProperty = typeof body.idProperty === 'string' && body.idProperty !== '' ? body.idProperty : 'hs_object_id'
    const definition = store.properties(contacts).get(idProperty)
    if (idProperty !== 'hs_object_id' && idProperty !== 'email' && !definition?.hasUniqueValue) {
      throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Property "${idProperty}" is not a unique identifier property`)
    }
    const record = store.findBy(contacts, idProperty, body.objectId)
    if (record) store.remove(contacts, record.id)
    else if (idProperty !== 'email') {
      throw new SandboxHttpError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [body.objectId] } })
    }
    res.status(204).end()
  })

  return router
}
