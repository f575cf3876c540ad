import { Router } from 'express'
import { SandboxHttpError } from './errors.ts'
import { requireObjectType, type ObjectType } from './object-types.ts'
import { modificationMetadata, type PropertyDefinition } from './seed-properties.ts'
import type { HubspotStore } from './store.ts'

const TYPES = ['string', 'number', 'date', 'datetime', 'enumeration', 'bool']

interface PropertyCreateBody {
  name?: unknown
  label?: unknown
  type?: unknown
  fieldType?: unknown
  groupName?: unknown
  description?: unknown
  options?: Array<{ label?: unknown, value?: unknown, displayOrder?: unknown, hidden?: unknown }>
  hasUniqueValue?: unknown
  hidden?: unknown
  formField?: unknown
  displayOrder?: unknown
}

/** `/crm/v3/properties/{type}`: list, read, create (201, 409 when the name exists), groups, batch create. */
export function createPropertiesRoutes (store: HubspotStore): Router {
  const router = Router()

  /** Returns the new definition, or the HTTP error HubSpot would answer for this input. */
  function build (type: ObjectType, body: PropertyCreateBody): PropertyDefinition | SandboxHttpError {
    const name = typeof body.name === 'string' ? body.name : ''
    if (!/^[a-z][a-z0-9_]*$/.test(name)) return new SandboxHttpError(400, 'VALIDATION_ERROR', `Invalid property name: "${name}"`)
    if (store.properties(type).has(name)) {
      return new SandboxHttpError(409, 'OBJECT_ALREADY_EXISTS', `Property named '${name}' already exists.`, { subCategory: 'PropertyValidationError.PROPERTY_EXISTS' })
    }
    if (typeof body.label !== 'string' || body.label === '') return new SandboxHttpError(400, 'VALIDATION_ERROR', 'label is required')
    if (typeof body.type !== 'string' || !TYPES.includes(body.type)) return new SandboxHttpError(400, 'VALIDATION_ERROR', `Invalid property type: ${String(body.type)}`)
    if (typeof body.fieldType !== 'string' || body.fieldType === '') return new SandboxHttpError(400, 'VALIDATION_ERROR', 'fieldType is required')
    const groupName = typeof body.groupName === 'string' ? body.groupName : ''
    if (!store.groups(type).has(groupName)) return new SandboxHttpError(400, 'VALIDATION_ERROR', `Property group ${groupName} does not exist`)
    const options = Array.isArray(body.options) ? body.options : []
    if (body.type === 'enumeration' && options.length === 0) return new SandboxHttpError(400, 'VALIDATION_ERROR', 'Enumeration properties need options')
    if (body.hasUniqueValue === true && body.type !== 'string' && body.type !== 'number') {
      return new SandboxHttpError(400, 'VALIDATION_ERROR', 'Only string and number properties can require unique values')
    }
    const now = store.now()
    return {
      name,
      label: body.label,
      type: body.type as PropertyDefinition['type'],
      fieldType: body.fieldType,
      groupName,
      description: typeof body.description === 'string' ? body.description : '',
      options: options.map((o, index) => ({
        label: String(o.label ?? o.value), value: String(o.value), displayOrder: Number(o.displayOrder ?? index), hidden: o.hidden === true
      })),
      hasUniqueValue: body.hasUniqueValue === true,
      hubspotDefined: false,
      hidden: body.hidden === true,
      formField: body.formField === true,
      calculated: false,
      externalOptions: false,
      displayOrder: Number(body.displayOrder ?? -1),
      archived: false,
      modificationMetadata: modificationMetadata(false, false),
      createdAt: now,
      updatedAt: now
    }
  }

  function add (type: ObjectType, definition: PropertyDefinition): void {
    store.properties(type).set(definition.name, definition)
    store.createdProperties.push({ objectType: type.name, name: definition.name })
  }

  router.get('/crm/v3/properties/:type/groups', (req, res) => {
    res.json({ results: [...store.groups(requireObjectType(req.params.type)).values()] })
  })

  router.post('/crm/v3/properties/:type/groups', (req, res) => {
    const type = requireObjectType(req.params.type)
    const name = typeof req.body?.name === 'string' ? req.body.name : ''
    if (!/^[a-z][a-z0-9_]*$/.test(name)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', `Invalid property group name: "${name}"`)
    if (store.groups(type).has(name)) throw new SandboxHttpError(409, 'OBJECT_ALREADY_EXISTS', `Property group named '${name}' already exists.`)
    const group = { name, label: String(req.body?.label ?? name), displayOrder: Number(req.body?.displayOrder ?? -1), archived: false }
    store.groups(type).set(name, group)
    res.status(201).json(group)
  })

  router.get('/crm/v3/properties/:type', (req, res) => {
    res.json({ results: [...store.properties(requireObjectType(req.params.type)).values()] })
  })

  router.post('/crm/v3/properties/:type/batch/create', (req, res) => {
    const startedAt = store.now()
    const type = requireObjectType(req.params.type)
    const inputs = req.body?.inputs
    if (!Array.isArray(inputs)) throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: inputs must be an array')
    const results: PropertyDefinition[] = []
    const errors: unknown[] = []
    for (const input of inputs as PropertyCreateBody[]) {
      const built = build(type, input)
      if (built instanceof SandboxHttpError) {
        errors.push({ ...built.body, context: { name: [String(input.name)] }, errors: [] })
        continue
      }
      add(type, built)
      results.push(built)
    }
    res.status(errors.length > 0 ? 207 : 201).json({
      status: 'COMPLETE', results, ...(errors.length > 0 ? { numErrors: errors.length, errors } : {}), startedAt, completedAt: store.now()
    })
  })

  router.get('/crm/v3/properties/:type/:name', (req, res) => {
    const definition = store.properties(requireObjectType(req.params.type)).get(String(req.params.name))
    if (!definition) throw new SandboxHttpError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${String(req.params.name)}`)
    res.json(definition)
  })

  // PATCH /crm/v3/properties/{objectType}/{propertyName} ("Update a property": label, type,
  // fieldType, options, … change in place; developers.hubspot.com/docs/api/crm/properties).
  router.patch('/crm/v3/properties/:type/:name', (req, res) => {
    const type = requireObjectType(req.params.type)
    const definition = store.properties(type).get(String(req.params.name))
    if (!definition) throw new SandboxHttpError(404, 'OBJECT_NOT_FOUND', `Unable to find property ${String(req.params.name)}`)
    const changes = (req.body ?? {}) as Record<string, unknown>
    for (const key of ['label', 'type', 'fieldType', 'description', 'groupName', 'options'] as const) {
      if (changes[key] !== undefined) Object.assign(definition, { [key]: changes[key] })
    }
    res.json(definition)
  })

  router.post('/crm/v3/properties/:type', (req, res) => {
    const type = requireObjectType(req.params.type)
    const built = build(type, req.body ?? {})
    if (built instanceof SandboxHttpError) throw built
    add(type, built)
    res.status(201).json(built)
  })

  return router
}
