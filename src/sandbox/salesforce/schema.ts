/**
 * The slice of the Salesforce data model the sandbox serves: Contact, Task and Event with the
 * standard fields we touch, plus AgentClara's External ID fields (which a test can leave out,
 * as in an org where the admin has not created them yet).
 */
export type FieldType = 'id' | 'string' | 'textarea' | 'phone' | 'email' | 'picklist' | 'combobox' |
  'date' | 'datetime' | 'int' | 'boolean' | 'reference'

export interface FieldDef {
  name: string
  label: string
  type: FieldType
  length: number
  nillable: boolean
  createable: boolean
  updateable: boolean
  /** Set by Salesforce when the caller leaves the field out on create. */
  defaultValue?: string | boolean
  externalId?: boolean
  unique?: boolean
  custom?: boolean
  referenceTo?: string[]
  picklistValues?: string[]
  restrictedPicklist?: boolean
}

export interface ObjectDef {
  name: string
  label: string
  keyPrefix: string
  fields: FieldDef[]
}

export const DEFAULT_EXTERNAL_ID_FIELDS = [
  'Contact.AgentClara_Customer_Id__c',
  'Event.AgentClara_Appointment_Id__c',
  'Task.AgentClara_Message_Id__c'
]

export const KEY_PREFIXES: Record<string, string> = { Contact: '003', Task: '00T', Event: '00U', Lead: '00Q' }

type FieldInput = Partial<FieldDef> & Pick<FieldDef, 'name' | 'type'>

function field (input: FieldInput): FieldDef {
  const lengths: Partial<Record<FieldType, number>> = { id: 18, reference: 18, phone: 40, email: 80, textarea: 32000 }
  return {
    label: input.name,
    length: lengths[input.type] ?? (input.type === 'string' || input.type === 'picklist' || input.type === 'combobox' ? 255 : 0),
    nillable: true,
    createable: true,
    updateable: true,
    ...input
  }
}

const systemFields = (): FieldDef[] => [
  field({ name: 'Id', label: 'Record ID', type: 'id', nillable: false, createable: false, updateable: false }),
  field({ name: 'IsDeleted', label: 'Deleted', type: 'boolean', nillable: false, createable: false, updateable: false }),
  field({ name: 'CreatedDate', label: 'Created Date', type: 'datetime', nillable: false, createable: false, updateable: false }),
  field({ name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', nillable: false, createable: false, updateable: false }),
  field({ name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', nillable: false, createable: false, updateable: false })
]

const whoId = () => field({ name: 'WhoId', label: 'Name ID', type: 'reference', referenceTo: ['Contact', 'Lead'] })

const baseObjects = (): ObjectDef[] => [
  {
    name: 'Contact',
    label: 'Contact',
    keyPrefix: '003',
    fields: [
      ...systemFields(),
      field({ name: 'FirstName', label: 'First Name', type: 'string', length: 40 }),
      field({ name: 'LastName', label: 'Last Name', type: 'string', length: 80, nillable: false }),
      field({ name: 'Name', label: 'Full Name', type: 'string', length: 121, nillable: false, createable: false, updateable: false }),
      field({ name: 'Phone', label: 'Business Phone', type: 'phone' }),
      field({ name: 'MobilePhone', label: 'Mobile Phone', type: 'phone' }),
      field({ name: 'Email', label: 'Email', type: 'email' }),
      field({ name: 'Description', label: 'Contact Description', type: 'textarea' })
    ]
  },
  {
    name: 'Task',
    label: 'Task',
    keyPrefix: '00T',
    fields: [
      ...systemFields(),
      whoId(),
      field({ name: 'Subject', label: 'Subject', type: 'combobox' }),
      field({ name: 'Description', label: 'Description', type: 'textarea' }),
      field({ name: 'ActivityDate', label: 'Due Date Only', type: 'date' }),
      field({
        name: 'Status',
        label: 'Status',
        type: 'picklist',
        nillable: false,
        defaultValue: 'Not Started',
        picklistValues: ['Not Started', 'In Progress', 'Completed', 'Waiting on someone else', 'Deferred']
      }),
      field({ name: 'Priority', label: 'Priority', type: 'picklist', nillable: false, defaultValue: 'Normal', picklistValues: ['High', 'Normal', 'Low'] }),
      // Settable on create only: an update that sends it fails with INVALID_FIELD_FOR_INSERT_UPDATE.
      field({
        name: 'TaskSubtype',
        label: 'Task Subtype',
        type: 'picklist',
        updateable: false,
        restrictedPicklist: true,
        picklistValues: ['Task', 'Email', 'ListEmail', 'Cadence', 'Call', 'LinkedIn']
      })
    ]
  },
  {
    name: 'Event',
    label: 'Event',
    keyPrefix: '00U',
    fields: [
      ...systemFields(),
      whoId(),
      field({ name: 'Subject', label: 'Subject', type: 'combobox' }),
      field({ name: 'Description', label: 'Description', type: 'textarea' }),
      field({ name: 'Location', label: 'Location', type: 'string' }),
      field({ name: 'StartDateTime', label: 'Start Date Time', type: 'datetime' }),
      field({ name: 'EndDateTime', label: 'End Date Time', type: 'datetime' }),
      field({ name: 'ActivityDateTime', label: 'Due Date Time', type: 'datetime' }),
      field({ name: 'ActivityDate', label: 'Due Date Only', type: 'date', createable: false, updateable: false }),
      field({ name: 'DurationInMinutes', label: 'Duration', type: 'int' }),
      field({ name: 'IsAllDayEvent', label: 'All-Day Event', type: 'boolean', nillable: false, defaultValue: false })
    ]
  }
]

export interface SchemaOptions {
  /** `Object.Field__c` entries; each becomes a unique, case-sensitive External ID text field. */
  externalIdFields: string[]
  /** False models External ID fields without the "Unique" attribute (so an upsert can match several records). */
  uniqueExternalIds: boolean
}

export type Schema = Map<string, ObjectDef>

export function createSchema (options: SchemaOptions): Schema {
  const schema: Schema = new Map()
  for (const def of baseObjects()) schema.set(def.name, def)
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
