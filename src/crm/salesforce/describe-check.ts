import { SALESFORCE_OBJECTS, type SalesforceObject } from './external-id-fields.ts'

/** A field as `GET /sobjects/{type}/describe` reports it (the attributes we read). */
export interface DescribedField {
  name: string
  type?: string
  externalId?: boolean
  createable?: boolean
  updateable?: boolean
  nillable?: boolean
  defaultedOnCreate?: boolean
  restrictedPicklist?: boolean
  picklistValues?: Array<{ value: string, active?: boolean }>
}

export interface DescribedObject { fields: DescribedField[] }

export const findDescribedField = (described: DescribedObject | undefined, name: string): DescribedField | undefined =>
  described?.fields.find((f) => f.name.toLowerCase() === name.toLowerCase())

/** One describe call per object, in order. */
export async function describeObjects (describe: (object: string) => Promise<DescribedObject>, objects: SalesforceObject[]): Promise<Map<string, DescribedObject>> {
  const described = new Map<string, DescribedObject>()
  for (const { object } of objects) described.set(object, await describe(object))
  return described
}

/**
 * The AgentClara External ID fields the org lacks, as `Object.Field__c`. A field that exists
 * without the External ID attribute counts as missing: upserts cannot key on it.
 */
export function missingExternalIds (described: Map<string, DescribedObject>, objects: SalesforceObject[]): string[] {
  return objects
    .filter(({ object, externalIdField }) => !findDescribedField(described.get(object), externalIdField)?.externalId)
    .map(({ object, externalIdField }) => `${object}.${externalIdField}`)
}

export async function findMissingExternalIdFields (
  describe: (object: string) => Promise<DescribedObject>, objects: SalesforceObject[] = Object.values(SALESFORCE_OBJECTS)
): Promise<string[]> {
  return missingExternalIds(await describeObjects(describe, objects), objects)
}

export function externalIdInstructions (object: string): string {
  return 'Create it as a custom Text field (length 255) with the "External ID" and "Unique" attributes ' +
    `(Setup → Object Manager → ${object} → Fields & Relationships → New), then restart the sync.`
}

export function missingFieldsMessage (missing: string[]): string {
  return `Salesforce is missing External ID field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
    'Create each as a custom Text field (length 255) with the "External ID" and "Unique" attributes ' +
    '(Setup → Object Manager → object → Fields & Relationships → New), then restart the sync.'
}
