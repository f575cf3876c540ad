/**
 * How the sandbox describes Salesforce fields and objects: the describe attributes clients read
 * (DescribeFieldResult: type, length, nillable, createable, updateable, defaultedOnCreate,
 * externalId, restrictedPicklist). A field is required on create when it is createable, not
 * nillable and not defaulted on create (Object Reference, "Required Fields":
 * https://developer.salesforce.com/docs/atlas.en-us.object_reference.meta/object_reference/required_fields.htm).
 */
export type FieldType = 'id' | 'string' | 'textarea' | 'phone' | 'email' | 'picklist' | 'combobox' |
  'date' | 'datetime' | 'int' | 'boolean' | 'reference'

export interface FieldDef {
  name: string
  label: string
  type: FieldType
  length: number
  nillable: boolean
  /** false: read-only on create (INVALID_FIELD_FOR_INSERT_UPDATE), e.g. Name, CreatedDate. */
  createable: boolean
  /** false: read-only on update, e.g. Task.TaskSubtype (settable on create only). */
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

type FieldInput = Partial<FieldDef> & Pick<FieldDef, 'name' | 'type'>

export function field (input: FieldInput): FieldDef {
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

export const systemFields = (): FieldDef[] => [
  field({ name: 'Id', label: 'Record ID', type: 'id', nillable: false, createable: false, updateable: false }),
  field({ name: 'IsDeleted', label: 'Deleted', type: 'boolean', nillable: false, createable: false, updateable: false }),
  field({ name: 'CreatedDate', label: 'Created Date', type: 'datetime', nillable: false, createable: false, updateable: false }),
  field({ name: 'LastModifiedDate', label: 'Last Modified Date', type: 'datetime', nillable: false, createable: false, updateable: false }),
  field({ name: 'SystemModstamp', label: 'System Modstamp', type: 'datetime', nillable: false, createable: false, updateable: false })
]

export const whoId = () => field({ name: 'WhoId', label: 'Name ID', type: 'reference', referenceTo: ['Contact', 'Lead'] })
