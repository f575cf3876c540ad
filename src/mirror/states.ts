/**
 * The mirror's entities in the shape every CRM connector writes: the current state read
 * from the mirror (see load-state.ts), never an event replayed.
 */

export type EntityType = 'contact' | 'message' | 'appointment'

/** The customer as AgentClara knows it, with what we know of their latest conversation. */
export interface ContactState {
  customerId: string
  /** Full name as AgentClara sends it ("John Smith"); null when not known yet. */
  name: string | null
  /** E.164 phone number, e.g. +15551234567. */
  phone: string | null
  conversationId: string | null
  conversationStatus: string | null
  conversationTags: string[]
  /** Content of the latest message in any of the customer's conversations. */
  lastMessage: string | null
  /** ISO instant of the latest event that involved the customer. */
  lastContactAt: string | null
}

export interface MessageState {
  messageId: string
  conversationId: string
  customerId: string
  /** Who wrote it: "customer", "agent", "clara", … as AgentClara sends it. */
  sender: string
  content: string
  /** "sms", "whatsapp", "email", "webchat", "voice", … */
  channel: string
  /** ISO instant the message was received (the event timestamp). */
  sentAt: string
}

export interface AppointmentState {
  appointmentId: string
  conversationId: string | null
  customerId: string
  /** ISO instant the appointment starts. */
  startsAt: string
  durationMinutes: number
  service: string
  /** ISO instant it was booked (the event timestamp). */
  bookedAt: string
}
