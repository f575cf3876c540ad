import type { LinkedOrPending } from '../connector.ts'
import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'
import { splitFullName } from '../mapping/apply-step.ts'
import { mapRecord } from '../mapping/map-record.ts'
import type { FieldMapping } from '../mapping/mapping-types.ts'
import type { EntityStates, MappedEntity } from '../mapping/source-fields.ts'
import { salesforceObjects, type PersonObject } from './external-id-fields.ts'
import { defaultSalesforceMapping } from './mapping-spec.ts'

/**
 * AgentClara state → record bodies for sObject Collections upsert. The configurable part comes
 * from the mapping file (config/mapping/salesforce.yml by default); External IDs and WhoId are
 * structural and stay here. TaskSubtype is never sent: it can be set on create but not on
 * update, and an upsert does not know which one it will be.
 */

/** A record body for sObject Collections upsert (field name → value). */
export type SalesforceRecord = Record<string, string | number | boolean | null>

/** "John Smith" → John / Smith; "Mary Ann van Dyke" → Mary / Ann van Dyke; one word is a LastName. */
export function splitName (name: string | null): { firstName: string | null, lastName: string | null } {
  const { first, last } = splitFullName(name ?? '')
  return { firstName: first, lastName: last }
}

/** Date-only fields take YYYY-MM-DD; a full ISO string is rejected by Salesforce. */
export function toSalesforceDate (instant: string): string {
  return new Date(instant).toISOString().slice(0, 10)
}

function configured<E extends MappedEntity> (mapping: FieldMapping, object: string, state: EntityStates[E]): SalesforceRecord {
  const section = mapping.objects[object]
  if (!section) throw new Error(`the Salesforce mapping has no "${object}" section`)
  return mapRecord(section, state, { defaultMeetingMinutes: 30 })
}

/** The customer as a Contact, or as a Lead when `personObject` says so. */
export function toSalesforceContact (contact: ContactState, mapping = defaultSalesforceMapping(), personObject: PersonObject = 'Contact'): SalesforceRecord {
  return { ...configured(mapping, personObject, contact), [salesforceObjects(personObject).contact.externalIdField]: contact.customerId }
}

/** A message becomes a Task on the contact (completed, by the default mapping); WhoId null: the writer links it (write-collections.ts). */
export function toSalesforceTask (message: LinkedOrPending<MessageState>, mapping = defaultSalesforceMapping()): SalesforceRecord {
  const { externalIdField } = salesforceObjects().message
  return { ...configured(mapping, 'Task', message), [externalIdField]: message.messageId, WhoId: message.contactCrmId }
}

export function toSalesforceEvent (appointment: LinkedOrPending<AppointmentState>, mapping = defaultSalesforceMapping()): SalesforceRecord {
  const { externalIdField } = salesforceObjects().appointment
  return { ...configured(mapping, 'Event', appointment), [externalIdField]: appointment.appointmentId, WhoId: appointment.contactCrmId }
}
