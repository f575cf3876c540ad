import type { MappingProblem } from '../mapping/mapping-problem.ts'
import type { FieldMapping } from '../mapping/mapping-types.ts'
import { checkAgainstSchema, type TargetField } from '../mapping/schema-check.ts'
import type { ValueKind } from '../mapping/source-fields.ts'
import { externalIdInstructions, findDescribedField, type DescribedField, type DescribedObject } from './describe-check.ts'
import type { SalesforceObject } from './external-id-fields.ts'
import { SALESFORCE_MAPPING_SPEC } from './mapping-spec.ts'

const TEXT_LIKE: ValueKind[] = ['text', 'datetime', 'date', 'number']

/** What a value of each describe `type` can come from (soapType xsd:string, xsd:date, xsd:dateTime, …). */
const ACCEPTS: Record<string, ValueKind[]> = {
  string: TEXT_LIKE,
  textarea: TEXT_LIKE,
  phone: ['text'],
  email: ['text'],
  url: ['text'],
  combobox: TEXT_LIKE,
  picklist: ['text', 'number'],
  multipicklist: ['text'],
  int: ['number'],
  double: ['number'],
  currency: ['number'],
  percent: ['number'],
  date: ['date'],
  datetime: ['datetime'],
  boolean: ['boolean']
}

/**
 * Describe attributes → what a mapping may write. createable/updateable: an upsert creates or
 * updates, so a field must allow both; required = createable, not nillable, not defaulted on
 * create (https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/required_fields.htm).
 */
function readOnlyReason (field: DescribedField): string | undefined {
  if (!field.createable && !field.updateable) return 'createable and updateable are false'
  if (!field.updateable) return 'updateable is false: it can only be set on create, and an upsert may update'
  if (!field.createable) return 'createable is false: it cannot be set when a record is created'
  return undefined
}

export function toTargetField (field: DescribedField): TargetField {
  const readOnly = readOnlyReason(field)
  return {
    name: field.name,
    type: field.type ?? 'unknown',
    accepts: ACCEPTS[field.type ?? ''] ?? [],
    ...(readOnly ? { readOnly } : {}),
    ...(field.restrictedPicklist ? { options: (field.picklistValues ?? []).filter((v) => v.active !== false).map((v) => v.value) } : {})
  }
}

export const isRequired = (field: DescribedField): boolean => field.createable === true && field.nillable === false && field.defaultedOnCreate === false

/** External IDs first (a missing one names the section's line), then every mapped field. */
export function checkSalesforceMapping (mapping: FieldMapping, objects: SalesforceObject[], described: Map<string, DescribedObject>): MappingProblem[] {
  return objects.flatMap(({ object, externalIdField }) => {
    const section = mapping.objects[object]
    const describedObject = described.get(object)
    const problems: MappingProblem[] = []
    if (!findDescribedField(describedObject, externalIdField)?.externalId) {
      problems.push({
        file: mapping.file,
        line: section?.line,
        path: section?.path ?? object,
        message: `Salesforce is missing the External ID field ${object}.${externalIdField}. ${externalIdInstructions(object)}`
      })
    }
    const structural = Object.keys(SALESFORCE_MAPPING_SPEC.structural[object] ?? {}).map((name) => name.toLowerCase())
    problems.push(...checkAgainstSchema(mapping, object, {
      label: `Salesforce ${object}`,
      field: (name) => { const field = findDescribedField(describedObject, name); return field ? toTargetField(field) : undefined },
      required: (describedObject?.fields ?? []).filter((f) => isRequired(f) && !structural.includes(f.name.toLowerCase())).map((f) => f.name),
      caseInsensitive: true
    }))
    return problems
  })
}
