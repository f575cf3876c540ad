import type { HubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import type { SalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'

// What a sandbox holds, without what changes from run to run (record ids, clocks): records
// are named by their AgentClara key and links point at keys, so two runs compare equal
// field by field exactly when the same values were written.

const HUBSPOT_VOLATILE = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_createdate', 'hs_lastmodifieddate'])
const HUBSPOT_KEYS = ['agentclara_customer_id', 'agentclara_message_id', 'agentclara_appointment_id']

export function hubspotSnapshot (sandbox: HubspotSandbox) {
  const state = sandbox.dump()
  const keyOf = new Map<string, string>()
  const objects: Record<string, Record<string, Record<string, string>>> = {}
  for (const [type, records] of Object.entries(state.objects)) {
    for (const record of records) {
      const key = HUBSPOT_KEYS.map((name) => record.properties[name]).find(Boolean) ?? `?${record.id}`
      keyOf.set(`${type}:${record.id}`, key)
      const properties = Object.fromEntries(Object.entries(record.properties).filter(([name]) => !HUBSPOT_VOLATILE.has(name)).sort())
      ;(objects[type] ??= {})[key] = properties
    }
  }
  const associations = state.associations
    .map((a) => `${a.fromObjectType}:${keyOf.get(`${a.fromObjectType}:${a.fromObjectId}`)} -${a.associationTypeId}-> ${a.toObjectType}:${keyOf.get(`${a.toObjectType}:${a.toObjectId}`)}`)
    .sort()
  return { objects, associations }
}

const SALESFORCE_VOLATILE = new Set(['Id', 'CreatedDate', 'LastModifiedDate', 'SystemModstamp'])

export function salesforceSnapshot (sandbox: SalesforceSandbox) {
  const state = sandbox.dump()
  const keyOf = new Map<string, string>()
  for (const records of Object.values(state.records)) {
    for (const record of records) {
      const key = Object.entries(record).find(([name]) => /^AgentClara_.*__c$/.test(name))?.[1]
      keyOf.set(record.Id, String(key))
    }
  }
  const records: Record<string, Record<string, Record<string, unknown>>> = {}
  for (const [type, list] of Object.entries(state.records)) {
    for (const record of list) {
      const fields = Object.entries(record)
        .filter(([name]) => !SALESFORCE_VOLATILE.has(name))
        .map(([name, value]) => [name, name === 'WhoId' ? `→${keyOf.get(String(value))}` : value])
      ;(records[type] ??= {})[keyOf.get(record.Id) ?? '?'] = Object.fromEntries(fields.sort())
    }
  }
  return records
}
