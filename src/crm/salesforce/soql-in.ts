/** At most this many of our ids per reconciliation query (the sObject Collections batch size). */
export const MAX_IN_VALUES = 200
// "Strings in WHERE clauses can't exceed 4,000 characters" (SOQL and SOSL Reference → WHERE);
// the exemption for IN applies to Apex only, not to REST queries.
export const MAX_WHERE_CHARS = 4000

/** A SOQL string literal: backslash and single quote escaped (SOQL Reference → Quoted String Escape Sequences). */
export function soqlString (value: string): string {
  return `'${value.replace(/[\\']/g, (c) => `\\${c}`).replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`
}

/**
 * `SELECT <fields> FROM <object> WHERE <keyField> IN (…)` for every value, split so each query
 * has at most MAX_IN_VALUES values and a WHERE clause of at most MAX_WHERE_CHARS characters.
 */
export function inQueries (object: string, fields: readonly string[], keyField: string, values: readonly string[]): string[] {
  const select = `SELECT ${[...new Set(['Id', ...fields])].join(', ')} FROM ${object} WHERE `
  const queries: string[] = []
  let literals: string[] = []
  let length = 0
  const whereOf = (list: string[]) => `${keyField} IN (${list.join(', ')})`
  const flush = () => { if (literals.length > 0) queries.push(select + whereOf(literals)); literals = []; length = 0 }
  for (const value of new Set(values)) {
    const literal = soqlString(value)
    const next = whereOf([]).length + length + literal.length + (literals.length > 0 ? 2 : 0)
    if (literals.length >= MAX_IN_VALUES || (literals.length > 0 && next > MAX_WHERE_CHARS)) flush()
    length += literal.length + (literals.length > 0 ? 2 : 0)
    literals.push(literal)
  }
  flush()
  return queries
}
