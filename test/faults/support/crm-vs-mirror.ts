import { toHubspotContact, toHubspotMeeting, toHubspotMessage } from '../../../src/crm/hubspot/mapping.ts'
import { toSalesforceContact, toSalesforceEvent, toSalesforceTask } from '../../../src/crm/salesforce/mapping.ts'
import type { SandboxState as HubspotState } from '../../../src/sandbox/hubspot/index.ts'
import type { StoredObject } from '../../../src/sandbox/hubspot/store.ts'
import type { SandboxState as SalesforceState } from '../../../src/sandbox/salesforce/index.ts'
import type { MirrorSnapshot } from './mirror-snapshot.ts'

/** A field whose CRM value is not the mirror's current value. */
export interface LostField { crm: string, entity: string, field: string, expected: string, actual: string }

export interface CrmCheck {
  crm: string
  /** Entities in the mirror, each expected once in this CRM. */
  expected: number
  /** Mirror entities without any CRM record. */
  missing: string[]
  lost: LostField[]
  /** Extra records beyond the first for one AgentClara id. */
  duplicates: string[]
  /** Messages/appointments not associated with their contact. */
  unlinked: string[]
  /** Entities that differ but still have a sync job open: not counted as lost (only before the queues drained). */
  inFlight: Set<string>
}

/** Entity keys (`contact:…`) with an open sync job in this CRM's queue. */
export type OpenSyncKeys = Set<string>

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/

const text = (value: unknown) => (value === null || value === undefined ? '' : String(value))

/** Equal as written: null, undefined and '' alike (an absent field), datetimes as instants. */
export function sameValue (expected: unknown, actual: unknown): boolean {
  const [e, a] = [text(expected), text(actual)]
  if (e === a) return true
  // Salesforce answers "…000+0000"; Date.parse wants "+00:00".
  const instant = (s: string) => Date.parse(s.replace(/([+-]\d{2})(\d{2})$/, '$1:$2'))
  return ISO_INSTANT.test(e) && ISO_INSTANT.test(a) && instant(e) === instant(a)
}

function indexBy<T> (records: T[], key: (record: T) => unknown, duplicates: string[], label: string): Map<string, T> {
  const index = new Map<string, T>()
  for (const record of records) {
    const id = text(key(record))
    if (!id) continue
    if (index.has(id)) duplicates.push(`${label}:${id}`)
    else index.set(id, record)
  }
  return index
}

function newCheck (crm: string, mirror: MirrorSnapshot): CrmCheck {
  return { crm, expected: mirror.contacts.size + mirror.messages.size + mirror.appointments.size, missing: [], lost: [], duplicates: [], unlinked: [], inFlight: new Set() }
}

/** A difference for an entity whose sync job is still open is in flight, not lost. */
function settled (check: CrmCheck, open: OpenSyncKeys, entity: string): boolean {
  if (!open.has(entity)) return true
  check.inFlight.add(entity)
  return false
}

function compareFields (check: CrmCheck, open: OpenSyncKeys, entity: string, expected: Record<string, unknown>, actual: Record<string, unknown>, skip: Set<string> = new Set()): void {
  for (const [field, value] of Object.entries(expected)) {
    if (skip.has(field) || sameValue(value, actual[field]) || !settled(check, open, entity)) continue
    check.lost.push({ crm: check.crm, entity, field, expected: text(value), actual: text(actual[field]) })
  }
}

/** HubSpot: every property we write equals what the mapping makes of the mirror's state; engagements associated to the contact. */
export function checkHubspot (state: HubspotState, mirror: MirrorSnapshot, open: OpenSyncKeys = new Set()): CrmCheck {
  const check = newCheck('hubspot', mirror)
  const objects = (type: string) => state.objects[type] ?? []
  const contacts = indexBy(objects('contacts'), (r) => r.properties.agentclara_customer_id, check.duplicates, 'contact')
  const byMessageId = {
    communications: indexBy(objects('communications'), (r) => r.properties.agentclara_message_id, check.duplicates, 'message'),
    notes: indexBy(objects('notes'), (r) => r.properties.agentclara_message_id, check.duplicates, 'message')
  }
  const meetings = indexBy(objects('meetings'), (r) => r.properties.agentclara_appointment_id, check.duplicates, 'appointment')
  const links = new Set(state.associations.filter((a) => a.toObjectType === 'contacts').map((a) => `${a.fromObjectType}:${a.fromObjectId}>${a.toObjectId}`))

  for (const [id, contact] of mirror.contacts) {
    const record = contacts.get(id)
    if (record) compareFields(check, open, `contact:${id}`, toHubspotContact(contact).properties, record.properties)
    else if (settled(check, open, `contact:${id}`)) check.missing.push(`contact:${id}`)
  }
  const linked = (entity: string, objectType: string, record: StoredObject, customerId: string) => {
    const contactId = contacts.get(customerId)?.id
    if ((!contactId || !links.has(`${objectType}:${record.id}>${contactId}`)) && settled(check, open, entity)) check.unlinked.push(entity)
  }
  for (const [id, message] of mirror.messages) {
    const { object, input } = toHubspotMessage(message)
    const record = byMessageId[object].get(id)
    if (!record) { if (settled(check, open, `message:${id}`)) check.missing.push(`message:${id} (${object})`); continue }
    compareFields(check, open, `message:${id}`, input.properties, record.properties)
    linked(`message:${id}`, object, record, message.customerId)
  }
  for (const [id, appointment] of mirror.appointments) {
    const record = meetings.get(id)
    if (!record) { if (settled(check, open, `appointment:${id}`)) check.missing.push(`appointment:${id}`); continue }
    // The connector's default length for an appointment without one (30 min) is the mapping's default too.
    compareFields(check, open, `appointment:${id}`, toHubspotMeeting(appointment).properties, record.properties)
    linked(`appointment:${id}`, 'meetings', record, appointment.customerId)
  }
  return check
}

/** Salesforce: every field we write equals the mapping of the mirror's state; WhoId is the contact's Id. */
export function checkSalesforce (state: SalesforceState, mirror: MirrorSnapshot, open: OpenSyncKeys = new Set()): CrmCheck {
  const check = newCheck('salesforce', mirror)
  const records = (type: string) => state.records[type] ?? []
  const contacts = indexBy(records('Contact'), (r) => r.AgentClara_Customer_Id__c, check.duplicates, 'contact')
  const tasks = indexBy(records('Task'), (r) => r.AgentClara_Message_Id__c, check.duplicates, 'message')
  const events = indexBy(records('Event'), (r) => r.AgentClara_Appointment_Id__c, check.duplicates, 'appointment')
  const whoId = new Set(['WhoId'])

  for (const [id, contact] of mirror.contacts) {
    const record = contacts.get(id)
    if (record) compareFields(check, open, `contact:${id}`, toSalesforceContact(contact), record)
    else if (settled(check, open, `contact:${id}`)) check.missing.push(`contact:${id}`)
  }
  const linked = <T extends { customerId: string }>(kind: string, id: string, state: T, record: Record<string, unknown> | undefined, map: (linked: T & { contactCrmId: string }) => Record<string, unknown>) => {
    const entity = `${kind}:${id}`
    if (!record) { if (settled(check, open, entity)) check.missing.push(entity); return }
    const contactCrmId = text(contacts.get(state.customerId)?.Id)
    compareFields(check, open, entity, map({ ...state, contactCrmId }), record, whoId)
    if ((!contactCrmId || record.WhoId !== contactCrmId) && settled(check, open, entity)) check.unlinked.push(entity)
  }
  for (const [id, message] of mirror.messages) linked('message', id, message, tasks.get(id), toSalesforceTask)
  for (const [id, appointment] of mirror.appointments) linked('appointment', id, appointment, events.get(id), toSalesforceEvent)
  return check
}
