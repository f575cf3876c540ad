import type { MappingProblem } from '../mapping/mapping-problem.ts'
import { writtenEntries, type FieldMapping } from '../mapping/mapping-types.ts'
import { checkAgainstSchema, type TargetField } from '../mapping/schema-check.ts'
import type { ValueKind } from '../mapping/source-fields.ts'
import { customProperties, type CustomProperty } from './custom-properties.ts'
import { API_OBJECT_TYPE, hubspotObjectsInUse, type AppointmentObject } from './mapping-spec.ts'
import type { PropertyLike } from './provision.ts'

const ANY_SCALAR: ValueKind[] = ['text', 'datetime', 'date', 'number', 'boolean']

/**
 * What a value of each HubSpot property type can come from. Types per the properties API
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/properties/get-properties):
 * datetime also takes epoch milliseconds; date takes YYYY-MM-DD; enumeration takes its options.
 */
const ACCEPTS: Record<string, ValueKind[]> = {
  string: ANY_SCALAR,
  phone_number: ['text'],
  number: ['number'],
  datetime: ['datetime', 'date', 'number'],
  date: ['date'],
  enumeration: ['text', 'number', 'boolean'],
  bool: ['boolean']
}

export function toTargetField (property: PropertyLike): TargetField {
  const readOnly = property.modificationMetadata?.readOnlyValue === true
    ? 'modificationMetadata.readOnlyValue is true: HubSpot sets it'
    : property.calculated === true ? 'a calculated property' : undefined
  return {
    name: property.name,
    type: property.type,
    accepts: ACCEPTS[property.type] ?? [],
    ...(readOnly ? { readOnly } : {}),
    ...(property.type === 'enumeration' ? { options: (property.options ?? []).map((option) => option.value) } : {})
  }
}

/** The agentclara_* properties the sync creates: the keys, and the others the mapping writes. */
export function wantedProperties (mapping: FieldMapping, appointmentObject: AppointmentObject): Record<string, CustomProperty[]> {
  const wanted: Record<string, CustomProperty[]> = {}
  const all = customProperties(appointmentObject)
  for (const object of hubspotObjectsInUse(appointmentObject)) {
    const objectType = API_OBJECT_TYPE[object] ?? object
    const section = mapping.objects[object]
    const targets = new Set(section ? writtenEntries(section).map((entry) => entry.target) : [])
    wanted[objectType] = [...(wanted[objectType] ?? []), ...(all[objectType] ?? []).filter((p) => p.hasUniqueValue || targets.has(p.name))]
      .filter((p, i, list) => list.findIndex((q) => q.name === p.name) === i)
  }
  return wanted
}

/**
 * Checks every section in use against the portal's properties. `provisionable` are properties
 * the sync would create (crm:setup --check-mapping runs before they exist): they count as there.
 */
export function checkHubspotMapping (
  mapping: FieldMapping, appointmentObject: AppointmentObject, lists: Map<string, PropertyLike[]>, provisionable: Record<string, CustomProperty[]> = {}
): MappingProblem[] {
  return hubspotObjectsInUse(appointmentObject).flatMap((object) => {
    const objectType = API_OBJECT_TYPE[object] ?? object
    const byName = new Map([...(provisionable[objectType] ?? []), ...(lists.get(objectType) ?? [])].map((p) => [p.name, p]))
    return checkAgainstSchema(mapping, object, {
      label: `HubSpot ${object}`,
      field: (name) => { const property = byName.get(name); return property ? toTargetField(property) : undefined },
      required: [],
      caseInsensitive: false
    })
  })
}
