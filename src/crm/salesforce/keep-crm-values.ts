import { ifEmptyTargets, type ObjectMapping } from '../mapping/mapping-types.ts'
import { keepCrmValues } from '../mapping/write-policy.ts'
import type { SalesforceRecord } from './mapping.ts'

export type RecordGuard = (batch: Array<{ key: string, record: SalesforceRecord }>) =>
Promise<{ batch: Array<{ key: string, record: SalesforceRecord }>, skipped: Map<string, string[]> }>

/** A SOQL string literal: backslash escapes as in https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_quotedstringescapes.htm */
export const soqlString = (value: string): string =>
  `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}'`

/**
 * `if_empty` for one object: ONE SOQL query per collection (≤200 External IDs, only the
 * if_empty fields), then every if_empty field whose Salesforce value is not empty is left out
 * of the upsert. A key the query does not return is a new record and gets everything.
 * Undefined when the section has no if_empty field: no query at all.
 */
export function salesforceValueGuard (
  query: (soql: string) => Promise<Array<Record<string, unknown>>>, object: string, externalIdField: string, section: ObjectMapping | undefined
): RecordGuard | undefined {
  const ifEmpty = section ? ifEmptyTargets(section) : []
  if (ifEmpty.length === 0) return undefined
  return async (batch) => {
    const fields = [...new Set(['Id', externalIdField, ...ifEmpty])]
    // By the External ID each record carries: the keys are the caller's (an entity key, say).
    const idOf = (record: SalesforceRecord) => String(record[externalIdField])
    const records = await query(`SELECT ${fields.join(', ')} FROM ${object} WHERE ${externalIdField} IN (${batch.map(({ record }) => soqlString(idOf(record))).join(', ')})`)
    // Field names come back as Salesforce spells them; the file may spell them in another case.
    const current = new Map(records.map((record) => {
      const byLowerName = new Map(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]))
      return [String(byLowerName.get(externalIdField.toLowerCase())), byLowerName]
    }))
    const skipped = new Map<string, string[]>()
    return {
      batch: batch.map(({ key, record }) => {
        const found = current.get(idOf(record))
        const kept = keepCrmValues(record, ifEmpty, found && ((target) => found.get(target.toLowerCase())))
        skipped.set(key, kept.skipped)
        return { key, record: kept.values }
      }),
      skipped
    }
  }
}
