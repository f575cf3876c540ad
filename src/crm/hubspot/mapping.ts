import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'

/**
 * Pure mapping from AgentClara state to HubSpot batch-upsert inputs. Every write is keyed
 * by an AgentClara id held in a unique custom property, so a repeat write updates in place.
 */
export const ID_PROPERTY = {
  contact: 'agentclara_customer_id',
  message: 'agentclara_message_id',
  appointment: 'agentclara_appointment_id'
} as const

/** One input of `POST /crm/v3/objects/{type}/batch/upsert`. */
export interface UpsertInput {
  idProperty: string
  id: string
  properties: Record<string, string>
}

export type MessageObject = 'communications' | 'notes'

/** HubSpot's communication channel enum values are case-sensitive. */
const CHANNEL_TYPE: Record<string, string> = { sms: 'SMS', whatsapp: 'WHATS_APP' }

/** "John Smith" → John / Smith; one word → last name only (HubSpot shows a last name alone fine). */
export function splitName (name: string | null): { firstname?: string, lastname?: string } {
  const words = (name ?? '').trim().split(/\s+/).filter(Boolean)
  if (words.length === 0) return {}
  if (words.length === 1) return { lastname: words[0] }
  return { firstname: words[0], lastname: words.slice(1).join(' ') }
}

/** HubSpot datetime properties take ISO 8601; normalise whatever instant we were given. */
export function toHubspotDatetime (instant: string): string {
  const time = Date.parse(instant)
  if (Number.isNaN(time)) throw new TypeError(`not an ISO instant: ${instant}`)
  return new Date(time).toISOString()
}

/** Unknown values are left out rather than sent empty, so we never blank a field a person filled in. */
function defined (values: Record<string, string | null | undefined>): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(values)) if (value !== null && value !== undefined) out[key] = value
  return out
}

export function toHubspotContact (contact: ContactState): UpsertInput {
  return {
    idProperty: ID_PROPERTY.contact,
    id: contact.customerId,
    properties: defined({
      ...splitName(contact.name),
      phone: contact.phone,
      agentclara_customer_id: contact.customerId,
      agentclara_conversation_id: contact.conversationId,
      agentclara_conversation_status: contact.conversationStatus,
      agentclara_conversation_tags: contact.conversationTags.join(';'),
      agentclara_last_message: contact.lastMessage,
      agentclara_last_contact_at: contact.lastContactAt === null ? null : toHubspotDatetime(contact.lastContactAt)
    })
  }
}

/** SMS and WhatsApp are HubSpot communications; other channels have no channel type, so notes. */
export function messageObjectFor (channel: string): MessageObject {
  return CHANNEL_TYPE[channel.toLowerCase()] ? 'communications' : 'notes'
}

export function toHubspotCommunication (message: MessageState): UpsertInput {
  const channelType = CHANNEL_TYPE[message.channel.toLowerCase()]
  if (!channelType) throw new TypeError(`channel ${message.channel} is not a HubSpot communication channel`)
  return {
    idProperty: ID_PROPERTY.message,
    id: message.messageId,
    properties: {
      hs_communication_channel_type: channelType,
      hs_communication_logged_from: 'CRM',
      hs_communication_body: message.content,
      hs_timestamp: toHubspotDatetime(message.sentAt),
      agentclara_message_id: message.messageId
    }
  }
}

export function toHubspotNote (message: MessageState): UpsertInput {
  return {
    idProperty: ID_PROPERTY.message,
    id: message.messageId,
    properties: {
      hs_note_body: `[${message.channel}] ${message.sender}: ${message.content}`,
      hs_timestamp: toHubspotDatetime(message.sentAt),
      agentclara_message_id: message.messageId
    }
  }
}

export function toHubspotMessage (message: MessageState): { object: MessageObject, input: UpsertInput } {
  const object = messageObjectFor(message.channel)
  return { object, input: object === 'communications' ? toHubspotCommunication(message) : toHubspotNote(message) }
}

function endOf (appointment: AppointmentState, defaultMinutes: number): string {
  const minutes = appointment.durationMinutes > 0 ? appointment.durationMinutes : defaultMinutes
  return new Date(Date.parse(appointment.startsAt) + minutes * 60_000).toISOString()
}

export function toHubspotMeeting (appointment: AppointmentState, defaultMinutes = 30): UpsertInput {
  const start = toHubspotDatetime(appointment.startsAt)
  return {
    idProperty: ID_PROPERTY.appointment,
    id: appointment.appointmentId,
    properties: {
      hs_meeting_title: appointment.service,
      hs_meeting_start_time: start,
      hs_meeting_end_time: endOf(appointment, defaultMinutes),
      hs_timestamp: start,
      hs_meeting_outcome: 'SCHEDULED',
      agentclara_appointment_id: appointment.appointmentId
    }
  }
}

/** The Appointments object (0-421), for portals that use it instead of meetings. */
export function toHubspotAppointment (appointment: AppointmentState, defaultMinutes = 30): UpsertInput {
  return {
    idProperty: ID_PROPERTY.appointment,
    id: appointment.appointmentId,
    properties: {
      hs_appointment_name: appointment.service,
      hs_appointment_start: toHubspotDatetime(appointment.startsAt),
      hs_appointment_end: endOf(appointment, defaultMinutes),
      agentclara_appointment_id: appointment.appointmentId
    }
  }
}
