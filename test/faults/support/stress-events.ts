import type { EventType } from '../../../src/events/schemas.ts'
import { DEFAULT_APPOINTMENT_MINUTES } from '../../../src/mirror/apply-event.ts'
import type { AppointmentState, ContactState, MessageState } from '../../../src/mirror/states.ts'
import type { Random } from '../../../src/simulator/random.ts'
import * as sample from '../../../src/simulator/sample-data.ts'

/** One signed-to-be event of a customer's timeline. */
export interface StressEvent {
  /** `type:entity`, unique per event (updates get a sequence number). */
  id: string
  customer: number
  type: EventType
  /** Event time in ms; a customer's events have distinct times. */
  at: number
  body: string
}

/** A customer's events in time order, and the mirror state they must converge on. */
export interface CustomerScript {
  events: StressEvent[]
  truth: { contact: ContactState, messages: MessageState[], appointment: AppointmentState }
}

const BASE = Date.parse('2025-03-01T08:00:00Z')

const iso = (ms: number) => new Date(ms).toISOString()
// AgentClara sends whole-second instants without milliseconds ("2024-03-15T14:00:00Z").
const vendorTime = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, 'Z')

/**
 * Per customer: conversation.created, 1–3 message.received, 0–3 conversation.updated and one
 * appointment.booked (which carries the phone, and for a quarter of them a corrected name),
 * in a random order after the created event. Pure given the random generator.
 */
export function customerScripts (random: Random, customers: number): CustomerScript[] {
  return Array.from({ length: customers }, (_, i) => customerScript(random, i))
}

function customerScript (random: Random, i: number): CustomerScript {
  const customerId = `scust_${i}`
  const conversationId = `sconv_${i}`
  const first = random.pick(sample.firstNames)
  const createdName = `${first} ${random.pick(sample.lastNames)}`
  // A booking sometimes corrects the name: a second field that only the later event carries.
  const bookedName = random.chance(0.25) ? `${first} ${random.pick(sample.lastNames)}-${i}` : createdName
  const phone = `+1555${String(random.int(10_000_000)).padStart(7, '0')}`
  const channel = random.pick(sample.channels)
  const messageCount = random.between(1, 3)
  const updateCount = random.between(0, 3)
  const steps: Array<'message' | 'update' | 'booked'> = random.shuffle([
    ...Array<'message'>(messageCount).fill('message'), ...Array<'update'>(updateCount).fill('update'), 'booked'
  ])

  let at = BASE + i * 30_000
  const events: StressEvent[] = []
  const push = (type: EventType, entity: string, data: Record<string, unknown>) => {
    events.push({ id: `${type}:${entity}`, customer: i, type, at, body: JSON.stringify({ event: type, timestamp: vendorTime(at), data }) })
    at += random.between(5, 120) * 1000
  }

  const contact: ContactState = {
    customerId, name: createdName, phone: null, conversationId, conversationStatus: 'open', conversationTags: [], lastMessage: null, lastContactAt: null
  }
  const messages: MessageState[] = []
  let appointment: AppointmentState | undefined

  push('conversation.created', conversationId, { conversation_id: conversationId, customer_id: customerId, customer_name: createdName, channel, status: 'open' })
  let updates = 0
  for (const step of steps) {
    const timestamp = iso(at)
    if (step === 'message') {
      const messageId = `smsg_${i}_${messages.length + 1}`
      const fromCustomer = messages.length === 0 || random.chance(0.6)
      const message: MessageState = {
        messageId,
        conversationId,
        customerId,
        sender: fromCustomer ? 'customer' : 'clara',
        // Unique content, so a stale "last message" on the contact is recognisable.
        content: `${random.pick(fromCustomer ? sample.customerMessages : sample.claraMessages)} (${messageId})`,
        channel: random.chance(0.6) ? channel : random.pick(sample.channels),
        sentAt: timestamp
      }
      messages.push(message)
      contact.lastMessage = message.content
      push('message.received', messageId, { conversation_id: conversationId, message_id: messageId, sender: message.sender, content: message.content, channel: message.channel })
    } else if (step === 'update') {
      updates += 1
      const status = random.pick(sample.updateStatuses)
      const tags = random.pick(sample.tagSets)
      contact.conversationStatus = status
      contact.conversationTags = tags
      push('conversation.updated', `${conversationId}#${updates}`, { conversation_id: conversationId, status, tags })
    } else {
      const appointmentId = `sapt_${i}`
      // Half the bookings say how long they last; the others get the mirror's default.
      const duration = random.chance(0.5) ? random.between(1, 8) * 15 : undefined
      const startsAt = iso(Math.ceil(at / 3_600_000) * 3_600_000 + random.between(1, 14) * 86_400_000)
      const service = random.pick(sample.services)
      appointment = { appointmentId, conversationId, customerId, startsAt, durationMinutes: duration ?? DEFAULT_APPOINTMENT_MINUTES, service, bookedAt: timestamp }
      contact.name = bookedName
      contact.phone = phone
      push('appointment.booked', appointmentId, {
        conversation_id: conversationId,
        customer_id: customerId,
        customer_name: bookedName,
        customer_phone: phone,
        appointment_id: appointmentId,
        appointment_time: vendorTime(Date.parse(startsAt)),
        service,
        ...(duration === undefined ? {} : { duration_minutes: duration })
      })
    }
  }
  contact.lastContactAt = iso(events.at(-1)?.at ?? BASE)
  if (!appointment) throw new Error('every script books an appointment')
  return { events, truth: { contact, messages, appointment } }
}
