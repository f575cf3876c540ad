import { Router, type Request } from 'express'
import { SandboxHttpError } from './errors.ts'
import { prepareInlineAssociations } from './inline-associations.ts'
import { requireObjectType, type ObjectType } from './object-types.ts'
import { propertyNamesFrom, toPublicObject } from './public-object.ts'
import type { HubspotStore, StoredObject } from './store.ts'

/** `POST /crm/v3/objects/{type}`, `GET|PATCH|DELETE /crm/v3/objects/{type}/{id}` (with `?idProperty=`). */
export function createObjectsRoutes (store: HubspotStore): Router {
  const router = Router()

  function lookup (type: ObjectType, req: Request): StoredObject {
    const id = String(req.params.id)
    const idProperty = typeof req.query.idProperty === 'string' ? req.query.idProperty : 'hs_object_id'
    const record = store.findBy(type, idProperty, id)
    if (!record) {
      throw new SandboxHttpError(404, 'OBJECT_NOT_FOUND', 'Object not found.  objectId are usually numeric.', { context: { id: [id] } })
    }
    return record
  }

  function conflictError (type: ObjectType, conflict: { name: string, value: string, existingId: string }): SandboxHttpError {
    return new SandboxHttpError(409, 'CONFLICT',
      `A ${type.name} record with the value "${conflict.value}" for the unique property "${conflict.name}" already exists. Existing ID: ${conflict.existingId}`,
      { context: { [conflict.name]: [conflict.value], existingId: [conflict.existingId] } })
  }

  router.post('/crm/v3/objects/:type', (req, res) => {
    const type = requireObjectType(req.params.type)
    const values = store.normalize(type, req.body?.properties, { creating: true })
    const associate = prepareInlineAssociations(store, type, req.body?.associations)
    const conflict = store.uniqueConflict(type, values)
    if (conflict) throw conflictError(type, conflict)
    const record = store.create(type, values)
    associate(record.id)
    res.status(201).json(toPublicObject(record))
  })

  router.get('/crm/v3/objects/:type/:id', (req, res) => {
    const type = requireObjectType(req.params.type)
    res.json(toPublicObject(lookup(type, req), propertyNamesFrom(req.query.properties)))
  })

  router.patch('/crm/v3/objects/:type/:id', (req, res) => {
    const type = requireObjectType(req.params.type)
    const record = lookup(type, req)
    const values = store.normalize(type, req.body?.properties, { creating: false })
    const conflict = store.uniqueConflict(type, values, record.id)
    if (conflict) throw conflictError(type, conflict)
    res.json(toPublicObject(store.update(type, record, values)))
  })

  // Archive: "Move an Object identified by {objectId} to the recycling bin", answered with no body
  // (HubSpot API reference, CRM objects → Archive, DELETE /crm/v3/objects/{objectType}/{objectId}).
  // The sandbox has no recycling bin: the record and its associations are gone.
  router.delete('/crm/v3/objects/:type/:id', (req, res) => {
    const type = requireObjectType(req.params.type)
    store.remove(type, String(req.params.id))
    res.status(204).end()
  })

  return router
}
