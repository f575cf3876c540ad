/**
 * The slice of the Salesforce data model the sandbox serves: the standard objects
 * (standard-objects.ts) plus AgentClara's External ID fields (which a test can leave out, as
 * in an org where the admin has not created them yet).
 */
import { field, type FieldDef, type FieldType, type ObjectDef } from './field-defs.ts'
import { standardObjects } from './standard-objects.ts'

export type { FieldDef, FieldType, ObjectDef } from './field-defs.ts'

export const DEFAULT_EXTERNAL_ID_FIELDS = [
  'Contact.AgentClara_Customer_Id__c',
  'Lead.AgentClara_Customer_Id__c',
  'Event.AgentClara_Appointment_Id__c',
  'Task.AgentClara_Message_Id__c'
]

export const KEY_PREFIXES: Record<string, string> = { Contact: '003', Task: '00T', Event: '00U', Lead: '00Q' }
export interface SchemaOptions {
  /** `Object.Field__c` entries; each becomes a unique, case-sensitive External ID text field. */
  externalIdFields: string[]
  /** False models External ID fields without the "Unique" attribute (so an upsert can match several records). */
  uniqueExternalIds: boolean
}

export type Schema = Map<string, ObjectDef>

export function createSchema (options: SchemaOptions): Schema {
  const schema: Schema = new Map()
  for (const def of standardObjects()) schema.set(def.name, def)
  for (const entry of options.externalIdFields) {
    const [objectName, fieldName] = entry.split('.')
    const def = objectName ? schema.get(objectName) : undefined
    if (!def || !fieldName) throw new Error(`unknown External ID field ${entry}`)
    def.fields.push(field({
      name: fieldName,
      label: fieldName.replace(/__c$/, '').replaceAll('_', ' '),
      type: 'string',
      externalId: true,
      unique: options.uniqueExternalIds,
      custom: true
    }))
  }
  return schema
}

/** Salesforce resolves field and object names case-insensitively. */
export function findField (def: ObjectDef, name: string): FieldDef | undefined {
  const lower = name.toLowerCase()
  return def.fields.find((f) => f.name.toLowerCase() === lower)
}

export function findObject (schema: Schema, name: string): ObjectDef | undefined {
  const lower = name.toLowerCase()
  for (const def of schema.values()) if (def.name.toLowerCase() === lower) return def
  return undefined
}

/** The body of `GET /sobjects/{type}/describe`, with the attributes clients actually read. */
export function describeObject (def: ObjectDef, version: string) {
  const base = `/services/data/v${version}/sobjects/${def.name}`
  return {
    name: def.name,
    label: def.label,
    labelPlural: `${def.label}s`,
    keyPrefix: def.keyPrefix,
    custom: false,
    createable: true,
    updateable: true,
    deletable: true,
    queryable: true,
    retrieveable: true,
    searchable: true,
    urls: { sobject: base, describe: `${base}/describe`, rowTemplate: `${base}/{ID}` },
    fields: def.fields.map((f) => ({
      name: f.name,
      label: f.label,
      type: f.type,
      length: f.length,
      custom: f.custom ?? false,
      externalId: f.externalId ?? false,
      unique: f.unique ?? false,
      idLookup: f.type === 'id' || (f.externalId ?? false),
      nillable: f.nillable,
      createable: f.createable,
      updateable: f.updateable,
      defaultedOnCreate: f.defaultValue !== undefined || !f.createable,
      defaultValue: f.defaultValue ?? null,
      caseSensitive: f.externalId ?? false,
      filterable: true,
      sortable: f.type !== 'textarea',
      calculated: false,
      referenceTo: f.referenceTo ?? [],
      relationshipName: f.name === 'WhoId' ? 'Who' : null,
      restrictedPicklist: f.restrictedPicklist ?? false,
      picklistValues: (f.picklistValues ?? []).map((value) => ({
        value,
        label: value,
        active: true,
        defaultValue: value === f.defaultValue
      })),
      soapType: soapType(f.type)
    }))
  }
}

function soapType (type: FieldType): string {
  switch (type) {
    case 'id': case 'reference': return 'tns:ID'
    case 'date': return 'xsd:date'
    case 'datetime': return 'xsd:dateTime'
    case 'int': return 'xsd:int'
    case 'boolean': return 'xsd:boolean'
    default: return 'xsd:string'
  }
}
