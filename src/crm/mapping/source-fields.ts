import type { AppointmentState, ContactState, MessageState } from '../../mirror/states.ts'

/**
 * The AgentClara fields a mapping file may use as `source`, per kind of record, with what
 * kind of value each one is. This vocabulary is fixed: it is what the mirror knows.
 */
export type MappedEntity = 'customer' | 'message' | 'appointment'

export type ValueKind = 'text' | 'list' | 'datetime' | 'date' | 'number' | 'boolean'

/** A value while it flows through a mapping entry; null means "not known". */
export type FlowValue = string | number | boolean | string[] | null

export interface MappingContext {
  /** Length of an appointment without a duration (HubSpot meetings need an end). */
  defaultMeetingMinutes: number
}

interface SourceField<S> { kind: ValueKind, read: (state: S, context: MappingContext) => FlowValue }

/** Start + duration (or the default length when there is none), as an ISO instant. */
function endsAt (appointment: AppointmentState, context: MappingContext): string {
  const minutes = appointment.durationMinutes > 0 ? appointment.durationMinutes : context.defaultMeetingMinutes
  return new Date(Date.parse(appointment.startsAt) + minutes * 60_000).toISOString()
}

const customer: Record<string, SourceField<ContactState>> = {
  customer_id: { kind: 'text', read: (c) => c.customerId },
  name: { kind: 'text', read: (c) => c.name },
  phone: { kind: 'text', read: (c) => c.phone },
  conversation_id: { kind: 'text', read: (c) => c.conversationId },
  conversation_status: { kind: 'text', read: (c) => c.conversationStatus },
  conversation_tags: { kind: 'list', read: (c) => c.conversationTags },
  last_message: { kind: 'text', read: (c) => c.lastMessage },
  last_contact_at: { kind: 'datetime', read: (c) => c.lastContactAt }
}

const message: Record<string, SourceField<MessageState>> = {
  message_id: { kind: 'text', read: (m) => m.messageId },
  conversation_id: { kind: 'text', read: (m) => m.conversationId },
  customer_id: { kind: 'text', read: (m) => m.customerId },
  content: { kind: 'text', read: (m) => m.content },
  channel: { kind: 'text', read: (m) => m.channel },
  sender: { kind: 'text', read: (m) => m.sender },
  sent_at: { kind: 'datetime', read: (m) => m.sentAt }
}

const appointment: Record<string, SourceField<AppointmentState>> = {
  appointment_id: { kind: 'text', read: (a) => a.appointmentId },
  conversation_id: { kind: 'text', read: (a) => a.conversationId },
  customer_id: { kind: 'text', read: (a) => a.customerId },
  starts_at: { kind: 'datetime', read: (a) => a.startsAt },
  ends_at: { kind: 'datetime', read: endsAt },
  duration_minutes: { kind: 'number', read: (a) => a.durationMinutes },
  service: { kind: 'text', read: (a) => a.service },
  booked_at: { kind: 'datetime', read: (a) => a.bookedAt }
}

export interface EntityStates { customer: ContactState, message: MessageState, appointment: AppointmentState }

export const SOURCE_FIELDS: { [E in MappedEntity]: Record<string, SourceField<EntityStates[E]>> } = { customer, message, appointment }

/** Reads one source field of a state (throws for an unknown name: the file was validated). */
export function readSource<E extends MappedEntity> (entity: E, name: string, state: EntityStates[E], context: MappingContext): FlowValue {
  const field = SOURCE_FIELDS[entity][name]
  if (!field) throw new Error(`unknown ${entity} field ${name}`)
  return field.read(state, context)
}
