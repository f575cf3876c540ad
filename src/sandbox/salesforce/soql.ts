import { findField, findObject, type FieldDef, type Schema } from './schema.ts'
import { SfRequestError } from './sf-errors.ts'
import { normaliseId } from './ids.ts'
import type { SfRecord } from './record-store.ts'

export interface SoqlQuery {
  type: string
  fields: string[]
  where: Array<{ field: FieldDef, value: unknown }>
  limit: number | undefined
}

const QUERY = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is
const CONDITION = /^\s*(\w+)\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(null|true|false)|(-?\d+(?:\.\d+)?))\s*$/i

const malformed = (soql: string) => new SfRequestError(400, 'MALFORMED_QUERY', `unexpected token in query: ${soql}`)

/** Parses the SOQL the sandbox supports: `SELECT a, b FROM T [WHERE f = 'v' [AND ...]] [LIMIT n]`. */
export function parseSoql (schema: Schema, soql: string): SoqlQuery {
  const m = QUERY.exec(soql)
  if (!m?.[1] || !m[2]) throw malformed(soql)
  const def = findObject(schema, m[2])
  if (!def) throw new SfRequestError(400, 'INVALID_TYPE', `sObject type '${m[2]}' is not supported.`)
  const column = (name: string) => {
    const f = findField(def, name.trim())
    if (!f) throw new SfRequestError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${def.name}'.`)
    return f
  }
  const fields = m[1].split(',').map((name) => column(name).name)
  const where = (m[3] ? m[3].split(/\s+AND\s+/i) : []).map((condition) => {
    const c = CONDITION.exec(condition)
    if (!c?.[1]) throw malformed(soql)
    const field = column(c[1])
    let value: unknown
    if (c[2] !== undefined) value = c[2].replace(/\\(.)/g, '$1')
    else if (c[3] !== undefined) value = c[3].toLowerCase() === 'null' ? null : c[3].toLowerCase() === 'true'
    else value = Number(c[4])
    if ((field.type === 'id' || field.type === 'reference') && typeof value === 'string') value = normaliseId(value) ?? value
    return { field, value }
  })
  return { type: def.name, fields, where, limit: m[4] ? Number(m[4]) : undefined }
}

export function runSoql (query: SoqlQuery, records: SfRecord[]): SfRecord[] {
  const matching = records.filter((r) => query.where.every(({ field, value }) => (r[field.name] ?? null) === value))
  return query.limit === undefined ? matching : matching.slice(0, query.limit)
}
