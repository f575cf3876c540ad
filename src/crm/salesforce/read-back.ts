import type { Linked, ReadBack } from '../connector.ts'
import { differingFields } from '../compare-fields.ts'
import type { AppointmentState, ContactState, EntityType, MessageState } from '../../mirror/states.ts'
import { SALESFORCE_OBJECTS } from './external-id-fields.ts'
import { toSalesforceContact, toSalesforceEvent, toSalesforceTask, type SalesforceRecord } from './mapping.ts'
import { inQueries } from './soql-in.ts'

export type SoqlRecord = Record<string, unknown> & { Id: string }
/** Runs one SOQL query as a connector call (limiter, timeout, errors) and returns every record. */
export type RunQuery = (soql: string, signal?: AbortSignal) => Promise<SoqlRecord[]>

interface Expected { key: string, record: SalesforceRecord, contactCrmId?: string }

/** Salesforce Ids come in a 15-character case-sensitive and an 18-character form of the same record. */
export const sameSalesforceId = (a: unknown, b: unknown) =>
  typeof a === 'string' && typeof b === 'string' && a.length >= 15 && a.slice(0, 15) === b.slice(0, 15)

function mapEach<T> (items: T[], keyOf: (item: T) => string, toRecord: (item: T) => SalesforceRecord, contactOf?: (item: T) => string): Expected[] {
  return items.flatMap((item) => {
    try {
      return [{ key: keyOf(item), record: toRecord(item), contactCrmId: contactOf?.(item) }]
    } catch {
      return [] // a record the mapping rejects is the sync's dead letter, not drift
    }
  })
}

/**
 * Reconciliation reads for Salesforce: SOQL by External ID (`… WHERE AgentClara_…__c IN (…)`,
 * ≤200 ids per query), selecting only the fields the mapping writes, compared field by field
 * with what the SAME mapping functions would write now. WhoId is the link to the contact, so
 * it is checked as an association. A query returns every record carrying an id, so duplicates
 * (an External ID without "Unique", records created behind our back) show as several copies.
 */
export function createSalesforceReadBack (runQuery: RunQuery) {
  async function compare (entity: EntityType, expected: Expected[], signal?: AbortSignal): Promise<ReadBack[]> {
    if (expected.length === 0) return []
    const { object, externalIdField } = SALESFORCE_OBJECTS[entity]
    const fields = [...new Set(expected.flatMap((e) => Object.keys(e.record)))]
    const byKey = new Map<string, SoqlRecord[]>()
    for (const soql of inQueries(object, fields, externalIdField, expected.map((e) => e.key))) {
      for (const found of await runQuery(soql, signal)) {
        const key = String(found[externalIdField] ?? '')
        byKey.set(key, [...(byKey.get(key) ?? []), found])
      }
    }
    const linked = entity !== 'contact'
    return expected.map(({ key, record, contactCrmId }) => ({
      key,
      copies: (byKey.get(key) ?? []).map((found) => ({
        crmId: found.Id,
        differences: differingFields(record, found, ['WhoId']),
        ...(linked ? { linkedToContact: sameSalesforceId(found.WhoId, contactCrmId) } : {})
      }))
    }))
  }

  return {
    readContacts: (contacts: ContactState[], signal?: AbortSignal) =>
      compare('contact', mapEach(contacts, (c) => c.customerId, toSalesforceContact), signal),
    readMessages: (messages: Array<Linked<MessageState>>, signal?: AbortSignal) =>
      compare('message', mapEach(messages, (m) => m.messageId, toSalesforceTask, (m) => m.contactCrmId), signal),
    readAppointments: (appointments: Array<Linked<AppointmentState>>, signal?: AbortSignal) =>
      compare('appointment', mapEach(appointments, (a) => a.appointmentId, toSalesforceEvent, (a) => a.contactCrmId), signal)
  }
}
