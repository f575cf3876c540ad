import { z } from 'zod'

/**
 * AgentClara's five event types, from the vendor's webhook page. Unknown extra fields are
 * tolerated (vendors add fields); what we rely on is required.
 */
const id = z.string().trim().min(1).max(255)
const instant = z.iso.datetime({ offset: true })
const text = z.string().max(100_000)

export const conversationCreated = z.object({
  conversation_id: id,
  customer_id: id,
  customer_name: text.nullish(),
  channel: z.string().max(64).nullish(),
  status: z.string().max(64).nullish()
})

export const conversationUpdated = z.object({
  conversation_id: id,
  status: z.string().max(64).nullish(),
  tags: z.array(z.string().max(255)).max(100).nullish()
})

export const messageReceived = z.object({
  conversation_id: id,
  message_id: id,
  sender: z.string().max(64),
  content: text,
  channel: z.string().max(64)
})

export const appointmentBooked = z.object({
  conversation_id: id.nullish(),
  customer_id: id,
  customer_name: text.nullish(),
  customer_phone: z.string().max(64).nullish(),
  appointment_id: id,
  appointment_time: instant,
  service: z.string().max(1000),
  duration_minutes: z.number().int().positive().max(24 * 60).nullish()
})

export const conversationClosed = z.object({
  conversation_id: id,
  customer_id: id,
  closed_at: instant.nullish(),
  reason: text.nullish()
})

export const eventSchemas = {
  'conversation.created': conversationCreated,
  'conversation.updated': conversationUpdated,
  'message.received': messageReceived,
  'appointment.booked': appointmentBooked,
  'conversation.closed': conversationClosed
} as const

export type EventType = keyof typeof eventSchemas
export const eventTypes = Object.keys(eventSchemas) as EventType[]

export type AgentClaraEvent = {
  [K in EventType]: { event: K, timestamp: string, data: z.infer<(typeof eventSchemas)[K]> }
}[EventType]

const envelope = z.object({ event: z.string().min(1).max(255), timestamp: instant, data: z.record(z.string(), z.unknown()) })

export type ParsedBody =
  | { kind: 'event', event: AgentClaraEvent }
  /** A well-formed envelope with an event type we do not know (yet): kept, not applied. */
  | { kind: 'unknown-type', eventType: string, timestamp: string }
  | { kind: 'invalid', error: string }

export function isEventType (value: string): value is EventType {
  return Object.hasOwn(eventSchemas, value)
}

/** Validates a parsed JSON body against the envelope and its event's schema. */
export function parseEvent (body: unknown): ParsedBody {
  const outer = envelope.safeParse(body)
  if (!outer.success) return { kind: 'invalid', error: describe(outer.error) }
  const { event, timestamp, data } = outer.data
  if (!isEventType(event)) return { kind: 'unknown-type', eventType: event, timestamp }
  const inner = eventSchemas[event].safeParse(data)
  if (!inner.success) return { kind: 'invalid', error: describe(inner.error, 'data') }
  return { kind: 'event', event: { event, timestamp, data: inner.data } as AgentClaraEvent }
}

function describe (error: z.ZodError, prefix?: string): string {
  return error.issues
    .map((issue) => `${[prefix, ...issue.path].filter((part) => part !== undefined).join('.') || '(body)'}: ${issue.message}`)
    .join('; ')
}
