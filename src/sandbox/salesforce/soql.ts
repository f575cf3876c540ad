import { findField, findObject, type FieldDef, type Schema } from './schema.ts'
import { SfRequestError } from './sf-errors.ts'
import { normaliseId } from './ids.ts'
import type { SfRecord } from './record-store.ts'

export interface SoqlQuery {
  type: string
  fields: string[]
  /** Conditions AND-ed together: `field = value`, or `field IN (values)`. */
  where: Array<{ field: FieldDef, values: unknown[] }>
  limit: number | undefined
}

const QUERY = /^\s*SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(.+?))?(?:\s+LIMIT\s+(\d+))?\s*$/is
const EQUALS = /^\s*(\w+)\s*=\s*(?:⟨(\d+)⟩|(null|true|false)|(-?\d+(?:\.\d+)?))\s*$/i
const IN_LIST = /^\s*(\w+)\s+IN\s*\(\s*((?:⟨\d+⟩\s*,\s*)*⟨\d+⟩)\s*\)\s*$/i
const QUOTED = /'((?:[^'\\]|\\.)*)'/g
// Escapes in quoted strings (SOQL "Quoted String Escape Sequences"): \n \r \t \b \f \" \' \\
const ESCAPES: Record<string, string> = { n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' }

const malformed = (soql: string) => new SfRequestError(400, 'MALFORMED_QUERY', `unexpected token in query: ${soql}`)

/**
 * Parses the SOQL the sandbox supports: `SELECT a, b FROM T [WHERE f = 'v' [AND g IN ('x', 'y')]…] [LIMIT n]`.
 * Quoted strings are set aside first, so a value containing AND, commas or brackets is safe.
 */
export function parseSoql (schema: Schema, soql: string): SoqlQuery {
  const strings: string[] = []
  const masked = soql.replace(QUOTED, (_m, body: string) => `⟨${strings.push(body.replace(/\\(.)/g, (_e, c: string) => ESCAPES[c] ?? c)) - 1}⟩`)
  const m = QUERY.exec(masked)
  if (!m?.[1] || !m[2]) throw malformed(soql)
  const def = findObject(schema, m[2])
  if (!def) throw new SfRequestError(400, 'INVALID_TYPE', `sObject type '${m[2]}' is not supported.`)
  const column = (name: string) => {
    const f = findField(def, name.trim())
    if (!f) throw new SfRequestError(400, 'INVALID_FIELD', `No such column '${name.trim()}' on entity '${def.name}'.`)
    return f
  }
  const fields = m[1].split(',').map((name) => column(name).name)
  const typed = (field: FieldDef, value: unknown) =>
    (field.type === 'id' || field.type === 'reference') && typeof value === 'string' ? normaliseId(value) ?? value : value
  const where = (m[3] ? m[3].split(/\s+AND\s+/i) : []).map((condition) => {
    const list = IN_LIST.exec(condition)
    if (list?.[1] && list[2]) {
      const field = column(list[1])
      return { field, values: [...list[2].matchAll(/⟨(\d+)⟩/g)].map((ref) => typed(field, strings[Number(ref[1])])) }
    }
    const c = EQUALS.exec(condition)
    if (!c?.[1]) throw malformed(soql)
    const field = column(c[1])
    let value: unknown
    if (c[2] !== undefined) value = strings[Number(c[2])]
    else if (c[3] !== undefined) value = c[3].toLowerCase() === 'null' ? null : c[3].toLowerCase() === 'true'
    else value = Number(c[4])
    return { field, values: [typed(field, value)] }
  })
  return { type: def.name, fields, where, limit: m[4] ? Number(m[4]) : undefined }
}

export function runSoql (query: SoqlQuery, records: SfRecord[]): SfRecord[] {
  const matching = records.filter((r) => query.where.every(({ field, values }) => values.includes(r[field.name] ?? null)))
  return query.limit === undefined ? matching : matching.slice(0, query.limit)
}
