import { coerceFieldValue, formatSfDateTime } from './field-values.ts'
import { KEY_PREFIXES, findField, type ObjectDef, type Schema } from './schema.ts'
import { SfRequestError, type RecordError } from './sf-errors.ts'
import { normaliseId } from './ids.ts'
import { createValueIndex } from '../value-index.ts'

export type SfRecord = Record<string, unknown> & { Id: string }

export type SaveOutcome =
  | { ok: true, id: string, created: boolean }
  | { ok: false, errors: RecordError[] }

/** A request body's record, checked against the schema but not yet written. */
export interface ParsedInput {
  values: Map<string, unknown>
  errors: RecordError[]
}

/**
 * Parses one record of a request body. Unknown fields and wrong value types fail the whole
 * request (Salesforce rejects these while deserialising), so this throws SfRequestError.
 */
export function parseInput (def: ObjectDef, input: unknown): ParsedInput {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new SfRequestError(400, 'JSON_PARSER_ERROR', `Cannot deserialize instance of ${def.name} from ${Array.isArray(input) ? 'START_ARRAY' : 'VALUE'}`)
  }
  const values = new Map<string, unknown>()
  const errors: RecordError[] = []
  for (const [key, raw] of Object.entries(input)) {
    if (key === 'attributes' || key.toLowerCase() === 'id') continue
    const field = findField(def, key)
    if (!field) throw new SfRequestError(400, 'INVALID_FIELD', `No such column '${key}' on sobject of type ${def.name}`)
    const coerced = coerceFieldValue(field, raw)
    if (coerced.ok) values.set(field.name, coerced.value)
    else errors.push(coerced.error)
  }
  return { values, errors }
}

export interface RecordStore {
  create: (def: ObjectDef, input: ParsedInput) => SaveOutcome
  update: (def: ObjectDef, id: string, input: ParsedInput) => SaveOutcome
  /** Matches on an External ID field; `multiple` lists the Ids when more than one record matches. */
  upsert: (def: ObjectDef, extField: string, value: string, input: ParsedInput) => SaveOutcome | { ok: false, multiple: string[] }
  get: (type: string, id: string) => SfRecord | undefined
  remove: (type: string, id: string) => boolean
  all: (type: string) => SfRecord[]
  findBy: (type: string, field: string, value: unknown) => SfRecord[]
  /** allOrNone support: take a snapshot before a collection, restore it if any record failed. */
  snapshot: () => unknown
  restore: (snapshot: unknown) => void
  clear: () => void
}

type Tables = Map<string, Map<string, SfRecord>>

export function createRecordStore (schema: Schema, newId: (keyPrefix: string) => string): RecordStore {
  let tables: Tables = new Map()
  const table = (type: string) => {
    let t = tables.get(type)
    if (!t) { t = new Map(); tables.set(type, t) }
    return t
  }
  const byValue = createValueIndex<SfRecord>((record, field) => record[field], (record) => record.Id)
  const findBy = (type: string, field: string, value: unknown): SfRecord[] => {
    const ids = byValue.ids(type, field, value, () => table(type).values())
    // Several matches (non-unique External IDs) keep the table's order, as a scan gives them.
    if (ids.length > 1) return [...table(type).values()].filter((r) => r[field] === value)
    const found = ids[0] === undefined ? undefined : table(type).get(ids[0])
    return found ? [found] : []
  }

  function check (def: ObjectDef, input: ParsedInput, existing: SfRecord | undefined): RecordError[] | SfRecord {
    if (input.errors.length > 0) return input.errors
    const errors: RecordError[] = []
    const creating = !existing
    const readOnly = [...input.values.keys()].filter((name) => {
      const f = findField(def, name)
      return creating ? !f?.createable : !f?.updateable
    })
    if (readOnly.length > 0) {
      errors.push({
        statusCode: 'INVALID_FIELD_FOR_INSERT_UPDATE',
        message: `Unable to create/update fields: ${readOnly.join(', ')}. Please check the security settings of this field and verify that it is read/write for your profile or permission set.`,
        fields: readOnly
      })
    }
    const now = formatSfDateTime(new Date())
    const record: SfRecord = existing
      ? { ...existing }
      : { Id: '', IsDeleted: false, CreatedDate: now }
    if (creating) {
      for (const f of def.fields) if (f.defaultValue !== undefined) record[f.name] = f.defaultValue
    }
    for (const [name, value] of input.values) record[name] = value

    const missing = def.fields
      .filter((f) => !f.nillable && f.createable && (record[f.name] === undefined || record[f.name] === null || record[f.name] === ''))
      .map((f) => f.name)
    if (def.name === 'Event') eventTimes(record, input, missing, errors)
    if (missing.length > 0) {
      errors.push({ statusCode: 'REQUIRED_FIELD_MISSING', message: `Required fields are missing: [${missing.join(', ')}]`, fields: missing })
    }
    const who = input.values.get('WhoId')
    if (typeof who === 'string') {
      const id = normaliseId(who)
      const refs = findField(def, 'WhoId')?.referenceTo ?? []
      const target = id ? refs.find((ref) => id.startsWith(KEY_PREFIXES[ref] ?? '~')) : undefined
      if (!id) {
        errors.push({ statusCode: 'MALFORMED_ID', message: `Name ID: id value of incorrect type: ${who}`, fields: ['WhoId'] })
      } else if (!target || !table(target).has(id)) {
        errors.push({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: `Name ID: id value of incorrect type: ${who}`, fields: ['WhoId'] })
      } else {
        record.WhoId = id
      }
    }
    for (const f of def.fields) {
      if (!f.unique || !input.values.has(f.name) || record[f.name] == null) continue
      const clash = findBy(def.name, f.name, record[f.name]).find((r) => r.Id !== existing?.Id)
      if (clash) {
        errors.push({
          statusCode: 'DUPLICATE_VALUE',
          message: `duplicate value found: ${f.name} duplicates value on record with id: ${clash.Id}`,
          fields: [f.name]
        })
      }
    }
    if (errors.length > 0) return errors
    if (def.name === 'Contact' || def.name === 'Lead') record.Name = [record.FirstName, record.LastName].filter(Boolean).join(' ')
    record.LastModifiedDate = now
    record.SystemModstamp = now
    return record
  }

  function save (def: ObjectDef, input: ParsedInput, existing: SfRecord | undefined): SaveOutcome {
    const checked = check(def, input, existing)
    if (Array.isArray(checked)) return { ok: false, errors: checked }
    if (!existing) checked.Id = newId(def.keyPrefix)
    if (existing) byValue.remove(def.name, existing)
    table(def.name).set(checked.Id, checked)
    byValue.add(def.name, checked)
    return { ok: true, id: checked.Id, created: !existing }
  }

  return {
    create: (def, input) => save(def, input, undefined),
    update (def, id, input) {
      const existing = lookup(table(def.name), id)
      if (!existing) return { ok: false, errors: [{ statusCode: 'ENTITY_IS_DELETED', message: 'entity is deleted', fields: [] }] }
      return save(def, input, existing)
    },
    upsert (def, extField, value, input) {
      const matches = findBy(def.name, extField, value)
      if (matches.length > 1) return { ok: false, multiple: matches.map((r) => r.Id) }
      const values = new Map(input.values)
      values.set(extField, value)
      return save(def, { ...input, values }, matches[0])
    },
    get: (type, id) => lookup(table(type), id),
    remove (type, id) {
      const found = lookup(table(type), id)
      if (found) byValue.remove(type, found)
      return found ? table(type).delete(found.Id) : false
    },
    all: (type) => [...table(type).values()],
    findBy,
    snapshot: () => structuredClone(tables),
    restore: (snapshot) => { tables = structuredClone(snapshot as Tables); byValue.clear() },
    clear: () => { tables = new Map(); byValue.clear() }
  }
}

function lookup (t: Map<string, SfRecord>, id: string): SfRecord | undefined {
  const normal = normaliseId(id)
  return normal ? t.get(normal) : undefined
}

/**
 * Event needs a start (StartDateTime or ActivityDateTime) and a length (DurationInMinutes or
 * EndDateTime); Salesforce derives the other one and keeps ActivityDate/ActivityDateTime in step.
 */
function eventTimes (record: SfRecord, input: ParsedInput, missing: string[], errors: RecordError[]): void {
  if (input.values.has('ActivityDateTime') && !input.values.has('StartDateTime')) record.StartDateTime = record.ActivityDateTime
  const start = typeof record.StartDateTime === 'string' ? Date.parse(record.StartDateTime.replace('+0000', 'Z')) : NaN
  if (Number.isNaN(start)) { missing.push('StartDateTime'); return }
  if (input.values.has('EndDateTime') && !input.values.has('DurationInMinutes') && typeof record.EndDateTime === 'string') {
    record.DurationInMinutes = Math.round((Date.parse(record.EndDateTime.replace('+0000', 'Z')) - start) / 60000)
  }
  const duration = record.DurationInMinutes
  if (typeof duration !== 'number') { missing.push('DurationInMinutes'); return }
  if (duration < 0) {
    errors.push({ statusCode: 'FIELD_INTEGRITY_EXCEPTION', message: 'End Date Time: End Date Time cannot be earlier than Start Date Time', fields: ['EndDateTime'] })
    return
  }
  record.EndDateTime = formatSfDateTime(new Date(start + duration * 60000))
  record.ActivityDateTime = formatSfDateTime(new Date(start))
  record.ActivityDate = new Date(start).toISOString().slice(0, 10)
}
