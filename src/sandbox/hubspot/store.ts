import { OBJECT_TYPES, type ObjectType } from './object-types.ts'
import { SandboxHttpError, validationError, type PropertyIssue } from './errors.ts'
import { READ_ONLY_PROPERTIES, seedProperties, type PropertyDefinition, type PropertyGroup } from './seed-properties.ts'
import { createValueIndex } from '../value-index.ts'

/** A record as HubSpot returns it (SimplePublicObject). */
export interface StoredObject {
  id: string
  properties: Record<string, string>
  createdAt: string
  updatedAt: string
  archived: false
}

export interface AssociationRecord {
  fromObjectTypeId: string
  fromObjectId: string
  toObjectTypeId: string
  toObjectId: string
  associationTypeId: number
  associationCategory: 'HUBSPOT_DEFINED'
}

export interface UniqueConflict { name: string, value: string, existingId: string }

/**
 * The sandbox portal's data: records, property definitions and associations, in memory.
 * Validation lives here so REST and batch routes reject exactly the same things.
 */
export interface HubspotStore {
  now: () => string
  objects: (type: ObjectType) => Map<string, StoredObject>
  properties: (type: ObjectType) => Map<string, PropertyDefinition>
  groups: (type: ObjectType) => Map<string, PropertyGroup>
  /** Custom properties created through the API, in creation order. */
  createdProperties: Array<{ objectType: string, name: string }>
  /** Validates and normalizes values; throws a 400 SandboxHttpError like HubSpot. */
  normalize: (type: ObjectType, input: unknown, options: { creating: boolean }) => Record<string, string>
  findBy: (type: ObjectType, propertyName: string, value: string) => StoredObject | undefined
  uniqueConflict: (type: ObjectType, properties: Record<string, string>, selfId?: string) => UniqueConflict | undefined
  create: (type: ObjectType, properties: Record<string, string>) => StoredObject
  update: (type: ObjectType, record: StoredObject, properties: Record<string, string>) => StoredObject
  /** Archives (deletes) a record with its associations; false when there is none with that id. */
  remove: (type: ObjectType, id: string) => boolean
  associate: (record: AssociationRecord, inverseTypeId: number) => void
  associationsFrom: (fromTypeId: string, fromId: string, toTypeId: string) => AssociationRecord[]
  allAssociations: () => AssociationRecord[]
  reset: () => void
}

export function createHubspotStore (options: { now?: () => Date } = {}): HubspotStore {
  const clock = options.now ?? (() => new Date())
  const now = () => clock().toISOString()
  let nextId = 1000
  let objects = new Map<string, Map<string, StoredObject>>()
  let properties = new Map<string, Map<string, PropertyDefinition>>()
  let groups = new Map<string, Map<string, PropertyGroup>>()
  let associations = new Map<string, AssociationRecord>()
  const createdProperties: Array<{ objectType: string, name: string }> = []
  const byValue = createValueIndex<StoredObject>((record, name) => record.properties[name], (record) => record.id)

  function reset (): void {
    objects = new Map()
    properties = new Map()
    groups = new Map()
    associations = new Map()
    byValue.clear()
    createdProperties.length = 0
    const at = now()
    for (const type of OBJECT_TYPES) {
      const seed = seedProperties(type.id, at)
      objects.set(type.id, new Map())
      properties.set(type.id, new Map(seed.properties.map((p) => [p.name, p])))
      groups.set(type.id, new Map(seed.groups.map((g) => [g.name, g])))
    }
  }
  reset()

  const mapOf = <T>(maps: Map<string, Map<string, T>>, type: ObjectType): Map<string, T> => {
    const map = maps.get(type.id)
    if (!map) throw new Error(`unknown object type ${type.id}`)
    return map
  }

  function normalizeValue (definition: PropertyDefinition, raw: unknown): string | PropertyIssue {
    const value = raw === null || raw === undefined ? '' : String(raw)
    if (value === '') return ''
    const issue = (error: PropertyIssue['error'], message: string): PropertyIssue =>
      ({ isValid: false, message, error, name: definition.name })
    switch (definition.type) {
      case 'enumeration': {
        const allowed = definition.options.map((o) => o.value)
        // Enum values are case-sensitive in HubSpot: "sms" is not "SMS".
        const bad = value.split(';').find((part) => !allowed.includes(part))
        return bad === undefined
          ? value
          : issue('INVALID_OPTION', `${bad} was not one of the allowed options: [${allowed.map((v) => `label: "${v}" value: "${v}"`).join(', ')}]`)
      }
      case 'datetime':
      case 'date': {
        const time = /^\d+$/.test(value) ? Number(value) : Date.parse(value)
        return Number.isNaN(time)
          ? issue('INVALID_DATETIME', `${value} is not a valid datetime for ${definition.name}`)
          : new Date(time).toISOString()
      }
      case 'number':
        return Number.isFinite(Number(value)) ? value : issue('INVALID_INTEGER', `${value} is not a valid number for ${definition.name}`)
      case 'bool':
        return value === 'true' || value === 'false' ? value : issue('INVALID_BOOLEAN', `${value} is not a valid boolean for ${definition.name}`)
      default:
        return value
    }
  }

  function normalize (type: ObjectType, input: unknown, { creating }: { creating: boolean }): Record<string, string> {
    if (input !== undefined && (input === null || typeof input !== 'object' || Array.isArray(input))) {
      throw new SandboxHttpError(400, 'VALIDATION_ERROR', 'Invalid input JSON: properties must be an object')
    }
    const definitions = mapOf(properties, type)
    const issues: PropertyIssue[] = []
    const out: Record<string, string> = {}
    for (const [name, raw] of Object.entries(input ?? {})) {
      const definition = definitions.get(name)
      if (!definition) {
        issues.push({ isValid: false, message: `Property "${name}" does not exist`, error: 'PROPERTY_DOESNT_EXIST', name })
        continue
      }
      if (READ_ONLY_PROPERTIES.has(name)) {
        issues.push({ isValid: false, message: `"${name}" is a calculated property; its value cannot be set.`, error: 'READ_ONLY_VALUE', name })
        continue
      }
      const value = normalizeValue(definition, raw)
      if (typeof value === 'string') out[name] = value
      else issues.push(value)
    }
    if (creating) {
      const required = type.engagement ? ['hs_timestamp'] : []
      if (type.id === '0-18') required.push('hs_communication_logged_from')
      for (const name of required) {
        if (!out[name]) issues.push({ isValid: false, message: `${name} is required`, error: 'REQUIRED_PROPERTY', name })
      }
    }
    if (issues.length > 0) throw validationError(issues)
    return out
  }

  function findBy (type: ObjectType, propertyName: string, value: string): StoredObject | undefined {
    const records = mapOf(objects, type)
    if (propertyName === 'hs_object_id') return records.get(value)
    // The first created wins, as a scan in creation order would find it.
    const [first] = byValue.ids(type.id, propertyName, value, () => records.values()).sort((a, b) => Number(a) - Number(b))
    return first === undefined ? undefined : records.get(first)
  }

  function uniqueConflict (type: ObjectType, values: Record<string, string>, selfId?: string): UniqueConflict | undefined {
    for (const definition of mapOf(properties, type).values()) {
      if (!definition.hasUniqueValue || definition.name === 'hs_object_id') continue
      const value = values[definition.name]
      if (!value) continue
      const existing = findBy(type, definition.name, value)
      if (existing && existing.id !== selfId) return { name: definition.name, value, existingId: existing.id }
    }
    return undefined
  }

  function stamp (type: ObjectType, record: StoredObject): void {
    record.properties.hs_object_id = record.id
    const [created, modified] = type.id === '0-1' ? ['createdate', 'lastmodifieddate'] : ['hs_createdate', 'hs_lastmodifieddate']
    record.properties[created] = record.createdAt
    record.properties[modified] = record.updatedAt
  }

  function create (type: ObjectType, values: Record<string, string>): StoredObject {
    const at = now()
    const record: StoredObject = { id: String(nextId++), properties: { ...values }, createdAt: at, updatedAt: at, archived: false }
    stamp(type, record)
    mapOf(objects, type).set(record.id, record)
    byValue.add(type.id, record)
    return record
  }

  function update (type: ObjectType, record: StoredObject, values: Record<string, string>): StoredObject {
    byValue.remove(type.id, record)
    Object.assign(record.properties, values)
    record.updatedAt = now()
    stamp(type, record)
    byValue.add(type.id, record)
    return record
  }

  const keyOf = (a: AssociationRecord) =>
    `${a.fromObjectTypeId}|${a.fromObjectId}|${a.toObjectTypeId}|${a.toObjectId}|${a.associationTypeId}`

  function remove (type: ObjectType, id: string): boolean {
    const record = mapOf(objects, type).get(id)
    if (!record) return false
    byValue.remove(type.id, record)
    mapOf(objects, type).delete(id)
    // An archived record's associations go with it, in both directions.
    for (const [key, a] of associations) {
      if ((a.fromObjectTypeId === type.id && a.fromObjectId === id) || (a.toObjectTypeId === type.id && a.toObjectId === id)) associations.delete(key)
    }
    return true
  }

  return {
    now,
    objects: (type) => mapOf(objects, type),
    properties: (type) => mapOf(properties, type),
    groups: (type) => mapOf(groups, type),
    createdProperties,
    normalize,
    findBy,
    uniqueConflict,
    create,
    update,
    remove,
    // Idempotent: the key includes the type id, so associating twice keeps one association.
    associate (record, inverseTypeId) {
      associations.set(keyOf(record), record)
      const inverse: AssociationRecord = {
        fromObjectTypeId: record.toObjectTypeId,
        fromObjectId: record.toObjectId,
        toObjectTypeId: record.fromObjectTypeId,
        toObjectId: record.fromObjectId,
        associationTypeId: inverseTypeId,
        associationCategory: 'HUBSPOT_DEFINED'
      }
      associations.set(keyOf(inverse), inverse)
    },
    associationsFrom: (fromTypeId, fromId, toTypeId) => [...associations.values()].filter((a) =>
      a.fromObjectTypeId === fromTypeId && a.fromObjectId === fromId && a.toObjectTypeId === toTypeId),
    allAssociations: () => [...associations.values()],
    reset
  }
}
