import type { Linked } from '../connector.ts'
import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'
import { SALESFORCE_OBJECTS } from './external-id-fields.ts'

/** A record body for sObject Collections upsert (field name → value). */
export type SalesforceRecord = Record<string, string | number | boolean | null>

// Field lengths of the standard fields; Salesforce rejects longer values (STRING_TOO_LONG).
const FIRST_NAME_MAX = 40
const LAST_NAME_MAX = 80
const PHONE_MAX = 40
const SUBJECT_MAX = 255
const DESCRIPTION_MAX = 32000

const clip = (text: string, max: number) => text.length > max ? text.slice(0, max) : text

/**
 * "John Smith" → John / Smith; "Mary Ann van Dyke" → Mary / Ann van Dyke (the rest stays with the
 * surname, which keeps particles like "van" attached); a single word is a LastName.
 */
export function splitName (name: string | null): { firstName: string | null, lastName: string | null } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return { firstName: null, lastName: null }
  if (words.length === 1) return { firstName: null, lastName: words[0] ?? null }
  return { firstName: words[0] ?? null, lastName: words.slice(1).join(' ') }
}

/** LastName is required on Contact, so a customer without a name gets a recognisable placeholder. */
export function placeholderLastName (customerId: string): string {
  return clip(`AgentClara ${customerId}`, LAST_NAME_MAX)
}

export function toSalesforceContact (contact: ContactState): SalesforceRecord {
  const { firstName, lastName } = splitName(contact.name)
  const record: SalesforceRecord = {
    [SALESFORCE_OBJECTS.contact.externalIdField]: contact.customerId,
    LastName: lastName ? clip(lastName, LAST_NAME_MAX) : placeholderLastName(contact.customerId)
  }
  // Only overwrite FirstName when we know the name; a null phone leaves what the CRM has.
  if (contact.name !== null) record.FirstName = firstName ? clip(firstName, FIRST_NAME_MAX) : null
  if (contact.phone) record.Phone = clip(contact.phone, PHONE_MAX)
  return record
}

const CHANNEL_LABELS: Record<string, string> = {
  sms: 'SMS', whatsapp: 'WhatsApp', email: 'Email', webchat: 'Web chat', voice: 'Voice call'
}

function channelLabel (channel: string): string {
  return CHANNEL_LABELS[channel.toLowerCase()] ?? (channel ? channel[0]!.toUpperCase() + channel.slice(1) : 'Message')
}

/** Date-only fields take YYYY-MM-DD; a full ISO string is rejected by Salesforce. */
export function toSalesforceDate (instant: string): string {
  return new Date(instant).toISOString().slice(0, 10)
}

/**
 * A message becomes a completed Task. TaskSubtype is deliberately absent: it can be set on
 * create but not on update, and an upsert does not know which one it will be.
 */
export function toSalesforceTask (message: Linked<MessageState>): SalesforceRecord {
  return {
    [SALESFORCE_OBJECTS.message.externalIdField]: message.messageId,
    Subject: clip(`${channelLabel(message.channel)} from ${message.sender}`, SUBJECT_MAX),
    Description: clip(message.content, DESCRIPTION_MAX),
    Status: 'Completed',
    ActivityDate: toSalesforceDate(message.sentAt),
    WhoId: message.contactCrmId
  }
}

export function toSalesforceEvent (appointment: Linked<AppointmentState>): SalesforceRecord {
  return {
    [SALESFORCE_OBJECTS.appointment.externalIdField]: appointment.appointmentId,
    Subject: clip(appointment.service.trim() || 'Appointment', SUBJECT_MAX),
    StartDateTime: new Date(appointment.startsAt).toISOString(),
    DurationInMinutes: Math.max(0, Math.round(appointment.durationMinutes)),
    WhoId: appointment.contactCrmId
  }
}
