import { findField, findObject, type FieldDef, type Schema } from './schema.ts'
import { SfRequestError } from './sf-errors.ts'
import { normaliseId } from './ids.ts'
import type { SfRecord } from './record-store.ts'

export interface SoqlQuery {
  type: string
  fields: string[]
  /** Each condition matches one value (`=`) or any of several (`IN`). */
  where: Array<{ field: FieldDef, values: unknown[] }>
  limit: number | undefined
}

const QUERY = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is
const LITERAL = /'((?:[^'\\]|\\.)*)'|(null|true|false)|(-?\d+(?:\.\d+)?)/i
const CONDITION = new RegExp(`^\\s*(\\w+)\\s*=\\s*(?:${LITERAL.source})\\s*$`, 'i')
const IN_CONDITION = /^\s*(\w+)\s+IN\s*\((.*)\)\s*$/is
const IN_ITEM = new RegExp(`\\s*(?:${LITERAL.source})\\s*(?:,|$)`, 'iy')

const malformed = (soql: string) => new SfRequestError(400, 'MALFORMED_QUERY', `unexpected token in query: ${soql}`)

function literal (quoted: string | undefined, keyword: string | undefined, number: string | undefined): unknown {
  if (quoted !== undefined) return quoted.replace(/\\(.)/g, '$1')
  if (keyword !== undefined) return keyword.toLowerCase() === 'null' ? null : keyword.toLowerCase() === 'true'
  return Number(number)
}

/** `'a', 'b'` → ['a', 'b'], or undefined when the list is not one of literals. */
function literalList (text: string): unknown[] | undefined {
  const values: unknown[] = []
  IN_ITEM.lastIndex = 0
  while (IN_ITEM.lastIndex < text.length) {
    const item = IN_ITEM.exec(text)
    if (!item) return undefined
    values.push(literal(item[1], item[2], item[3]))
  }
  return values.length > 0 ? values : undefined
}

/**
 * Parses the SOQL the sandbox supports: `SELECT a, b FROM T [WHERE f = 'v' [AND g IN ('x', 'y') ...]]
 * [LIMIT n]` — what jsforce's `find()` writes for equality and array conditions.
 */
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
    const inList = c ? undefined : IN_CONDITION.exec(condition)
    const values = c ? [literal(c[2], c[3], c[4])] : inList?.[2] !== undefined ? literalList(inList[2]) : undefined
    const name = c?.[1] ?? inList?.[1]
    if (!name || !values) throw malformed(soql)
    const field = column(name)
    const isId = field.type === 'id' || field.type === 'reference'
    return { field, values: values.map((value) => isId && typeof value === 'string' ? normaliseId(value) ?? value : value) }
  })
  return { type: def.name, fields, where, limit: m[4] ? Number(m[4]) : undefined }
}

export function runSoql (query: SoqlQuery, records: SfRecord[]): SfRecord[] {
  const matching = records.filter((r) => query.where.every(({ field, values }) => values.includes(r[field.name] ?? null)))
  return query.limit === undefined ? matching : matching.slice(0, query.limit)
}
