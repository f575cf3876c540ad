import { findField, findObject, type FieldDef, type Schema } from './schema.ts'
import { SfRequestError } from './sf-errors.ts'
import { normaliseId } from './ids.ts'
import type { SfRecord } from './record-store.ts'

export interface SoqlQuery {
  type: string
  fields: string[]
  /** Every condition must hold; a condition holds when the field equals one of `values`. */
  where: Array<{ field: FieldDef, values: unknown[] }>
  limit: number | undefined
}

const QUERY = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is
const STRING = String.raw`'(?:[^'\\]|\\.)*'`
const LITERAL = String.raw`${STRING}|null|true|false|-?\d+(?:\.\d+)?`
const EQUALS = new RegExp(String.raw`^\s*(\w+)\s*=\s*(${LITERAL})\s*$`, 'i')
// SOQL's IN operator takes a parenthesised, comma-separated list of literals: `Field IN ('a', 'b')`
// (SOQL and SOSL Reference → Comparison Operators, developer.salesforce.com/docs/platform/salesforce-soql-sosl).
const IN_LIST = new RegExp(String.raw`^\s*(\w+)\s+IN\s*\(\s*((?:${LITERAL})(?:\s*,\s*(?:${LITERAL}))*)\s*\)\s*$`, 'i')
const EACH_LITERAL = new RegExp(LITERAL, 'gi')
// Conditions are joined by AND: split on an AND outside quoted literals.
const CONDITIONS = new RegExp(String.raw`(?:${STRING}|[^'])+?(?=\s+AND\s+|\s*$)`, 'gis')

const malformed = (soql: string) => new SfRequestError(400, 'MALFORMED_QUERY', `unexpected token in query: ${soql}`)

function literalValue (token: string): unknown {
  if (token.startsWith("'")) return token.slice(1, -1).replace(/\\(.)/g, '$1')
  const lower = token.toLowerCase()
  if (lower === 'null') return null
  if (lower === 'true' || lower === 'false') return lower === 'true'
  return Number(token)
}

/** Parses the SOQL the sandbox supports: `SELECT a, b FROM T [WHERE f = 'v' [AND g IN ('x', 'y') ...]] [LIMIT n]`. */
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
  const conditions = m[3] ? (m[3].match(CONDITIONS) ?? []).map((c) => c.replace(/^\s*AND\s+/i, '')) : []
  const where = conditions.map((condition) => {
    const c = EQUALS.exec(condition) ?? IN_LIST.exec(condition)
    if (!c?.[1] || c[2] === undefined) throw malformed(soql)
    const field = column(c[1])
    const values = (c[2].match(EACH_LITERAL) ?? []).map(literalValue).map((value) =>
      (field.type === 'id' || field.type === 'reference') && typeof value === 'string' ? normaliseId(value) ?? value : value)
    return { field, values }
  })
  return { type: def.name, fields, where, limit: m[4] ? Number(m[4]) : undefined }
}

export function runSoql (query: SoqlQuery, records: SfRecord[]): SfRecord[] {
  const matching = records.filter((r) => query.where.every(({ field, values }) => values.includes(r[field.name] ?? null)))
  return query.limit === undefined ? matching : matching.slice(0, query.limit)
}
