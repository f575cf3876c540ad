import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'
import { splitFullName } from '../mapping/apply-step.ts'
import { mapRecord, type MappedValue } from '../mapping/map-record.ts'
import type { FieldMapping } from '../mapping/mapping-types.ts'
import type { EntityStates, MappedEntity } from '../mapping/source-fields.ts'
import { ID_PROPERTY } from './id-properties.ts'
import { defaultHubspotMapping } from './mapping-spec.ts'

/**
 * AgentClara state → HubSpot batch-upsert inputs. The configurable part comes from the mapping
 * file (config/mapping/hubspot.yml by default); the keys, hs_timestamp and where a message goes
 * are structural and stay here. Pure: the default mapping is read once from the shipped file.
 */
export { ID_PROPERTY }

/** One input of `POST /crm/v3/objects/{type}/batch/upsert`. */
export interface UpsertInput {
  idProperty: string
  id: string
  properties: Record<string, string>
}

export type MessageObject = 'communications' | 'notes'

/** Channels HubSpot has a communication channel type for; the rest become notes. */
const COMMUNICATION_CHANNELS = new Set(['sms', 'whatsapp'])

/** "John Smith" → John / Smith; one word → last name only (HubSpot shows a last name alone fine). */
export function splitName (name: string | null): { firstname?: string, lastname?: string } {
  const { first, last } = splitFullName(name ?? '')
  return { ...(first !== null ? { firstname: first } : {}), ...(last !== null ? { lastname: last } : {}) }
}

/** HubSpot datetime properties take ISO 8601; normalise whatever instant we were given. */
export function toHubspotDatetime (instant: string): string {
  const time = Date.parse(instant)
  if (Number.isNaN(time)) throw new TypeError(`not an ISO instant: ${instant}`)
  return new Date(time).toISOString()
}

/** HubSpot property values are strings; an empty string clears the property. */
const asProperty = (value: MappedValue): string => value === null ? '' : String(value)

function configured<E extends MappedEntity> (mapping: FieldMapping, object: string, state: EntityStates[E], defaultMeetingMinutes = 30): Record<string, string> {
  const section = mapping.objects[object]
  if (!section) throw new Error(`the HubSpot mapping has no "${object}" section`)
  const values = mapRecord(section, state, { defaultMeetingMinutes })
  return Object.fromEntries(Object.entries(values).map(([name, value]) => [name, asProperty(value)]))
}

export function toHubspotContact (contact: ContactState, mapping = defaultHubspotMapping()): UpsertInput {
  return {
    idProperty: ID_PROPERTY.contact,
    id: contact.customerId,
    properties: { ...configured(mapping, 'contacts', contact), [ID_PROPERTY.contact]: contact.customerId }
  }
}

/** SMS and WhatsApp are HubSpot communications; other channels have no channel type, so notes. */
export function messageObjectFor (channel: string): MessageObject {
  return COMMUNICATION_CHANNELS.has(channel.toLowerCase()) ? 'communications' : 'notes'
}

export function toHubspotCommunication (message: MessageState, mapping = defaultHubspotMapping()): UpsertInput {
  if (messageObjectFor(message.channel) !== 'communications') throw new TypeError(`channel ${message.channel} is not a HubSpot communication channel`)
  return {
    idProperty: ID_PROPERTY.message,
    id: message.messageId,
    properties: {
      ...configured(mapping, 'communications', message),
      hs_communication_logged_from: 'CRM',
      hs_timestamp: toHubspotDatetime(message.sentAt),
      [ID_PROPERTY.message]: message.messageId
    }
  }
}

export function toHubspotNote (message: MessageState, mapping = defaultHubspotMapping()): UpsertInput {
  return {
    idProperty: ID_PROPERTY.message,
    id: message.messageId,
    properties: { ...configured(mapping, 'notes', message), hs_timestamp: toHubspotDatetime(message.sentAt), [ID_PROPERTY.message]: message.messageId }
  }
}

export function toHubspotMessage (message: MessageState, mapping = defaultHubspotMapping()): { object: MessageObject, input: UpsertInput } {
  const object = messageObjectFor(message.channel)
  return { object, input: object === 'communications' ? toHubspotCommunication(message, mapping) : toHubspotNote(message, mapping) }
}

export function toHubspotMeeting (appointment: AppointmentState, defaultMinutes = 30, mapping = defaultHubspotMapping()): UpsertInput {
  return {
    idProperty: ID_PROPERTY.appointment,
    id: appointment.appointmentId,
    properties: {
      ...configured(mapping, 'meetings', appointment, defaultMinutes),
      hs_timestamp: toHubspotDatetime(appointment.startsAt),
      [ID_PROPERTY.appointment]: appointment.appointmentId
    }
  }
}

/** The Appointments object (0-421), for portals that use it instead of meetings. */
export function toHubspotAppointment (appointment: AppointmentState, defaultMinutes = 30, mapping = defaultHubspotMapping()): UpsertInput {
  return {
    idProperty: ID_PROPERTY.appointment,
    id: appointment.appointmentId,
    properties: { ...configured(mapping, 'appointments', appointment, defaultMinutes), [ID_PROPERTY.appointment]: appointment.appointmentId }
  }
}
