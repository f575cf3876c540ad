import type { EventType } from '../events/schemas.ts'
import { createRandom, type Random } from './random.ts'
import * as sample from './sample-data.ts'
import type { SimEvent } from './sim-event.ts'

export interface GenerateOptions {
  /** Number of customers (one conversation each). Default: count / 7, or 10. */
  customers?: number
  /** Total events. More messages per conversation fill it up; fewer cut the timeline short. */
  count?: number
  /** Prefix that makes ids unique across runs (URL-safe). Default 'sim'. */
  runId?: string
  randomSeed?: string | number
  /** Time of the first event. Default a fixed instant, so output is a pure function of the options. */
  startTime?: Date | string | number
}

/** A generated event, with the ids it is about (handy for tests and checks). */
export interface GeneratedEvent extends SimEvent {
  timestamp: string
  customerId: string
  conversationId: string
}

type Step = 'created' | 'message' | 'updated' | 'booked' | 'closed'
interface Planned { customer: number, step: Step, at: number }

const DEFAULT_START = Date.parse('2024-03-15T09:00:00Z')
const AVERAGE_EVENTS_PER_CUSTOMER = 7

/**
 * Customers and their conversations as AgentClara would report them: conversation.created, a few
 * message.received (mixed channels), maybe conversation.updated, appointment.booked, conversation.closed.
 * Conversations overlap in time; timestamps strictly increase across the whole list, so a prefix
 * of it never mentions a conversation before its conversation.created. Pure: same options, same bytes.
 */
export function generateEvents (options: GenerateOptions = {}): GeneratedEvent[] {
  const random = createRandom(`${options.randomSeed ?? 0}:generate`)
  const runId = options.runId ?? 'sim'
  if (!/^[A-Za-z0-9-]+$/.test(runId)) throw new Error(`runId must be letters, digits and '-' (it goes into ids and URLs): ${runId}`)
  const count = options.count
  const customers = options.customers ?? (count === undefined ? 10 : Math.max(1, Math.round(count / AVERAGE_EVENTS_PER_CUSTOMER)))
  if (!Number.isInteger(customers) || customers < 1) throw new Error('customers must be a positive integer')
  if (count !== undefined && (!Number.isInteger(count) || count < 1)) throw new Error('count must be a positive integer')

  const hasUpdate = Array.from({ length: customers }, () => random.chance(0.5))
  const messages = messageCounts(random, customers, count, hasUpdate)
  const start = Math.floor(new Date(options.startTime ?? DEFAULT_START).getTime() / 1000) * 1000
  if (Number.isNaN(start)) throw new Error(`invalid startTime: ${String(options.startTime)}`)

  const planned: Planned[] = []
  // Conversations start spread out, so several are open at once (as in a real inbox).
  const spreadSeconds = customers * 20
  for (let customer = 0; customer < customers; customer++) {
    let at = start + random.int(spreadSeconds) * 1000 // whole seconds, like the vendor's timestamps
    const push = (step: Step) => { planned.push({ customer, step, at }); at += random.between(5, 180) * 1000 }
    const total = messages[customer] as number
    const bookAfter = Math.ceil(total / 2)
    push('created')
    for (let m = 0; m < total; m++) {
      push('message')
      if (m === bookAfter - 1) {
        if (hasUpdate[customer]) push('updated')
        push('booked')
      }
    }
    push('closed')
  }
  planned.sort((a, b) => a.at - b.at) // stable: a customer's steps keep their order
  for (let i = 1; i < planned.length; i++) {
    const previous = (planned[i - 1] as Planned).at
    const current = planned[i] as Planned
    if (current.at <= previous) current.at = previous + 1000
  }
  const kept = count === undefined ? planned : planned.slice(0, count)

  const messageSeq = new Map<number, number>()
  const conversationChannel = Array.from({ length: customers }, () => random.pick(sample.channels))
  const names = Array.from({ length: customers }, () => `${random.pick(sample.firstNames)} ${random.pick(sample.lastNames)}`)
  return kept.map(({ customer, step, at }) => {
    const n = customer + 1
    const ids = { conversation_id: `conv_${runId}_${n}`, customer_id: `cust_${runId}_${n}` }
    const timestamp = isoSeconds(at)
    const type = eventType[step]
    let data: Record<string, unknown>
    switch (step) {
      case 'created':
        data = { ...ids, customer_name: names[customer], channel: conversationChannel[customer], status: 'open' }
        break
      case 'message': {
        const seq = (messageSeq.get(customer) ?? 0) + 1
        messageSeq.set(customer, seq)
        const fromCustomer = seq === 1 || random.chance(0.6)
        data = {
          conversation_id: ids.conversation_id,
          message_id: `msg_${runId}_${n}_${seq}`,
          sender: fromCustomer ? 'customer' : 'clara',
          content: random.pick(fromCustomer ? sample.customerMessages : sample.claraMessages),
          // Mostly the conversation's channel, sometimes another one (customers switch).
          channel: random.chance(0.6) ? conversationChannel[customer] : random.pick(sample.channels)
        }
        break
      }
      case 'updated':
        data = { conversation_id: ids.conversation_id, status: random.pick(sample.updateStatuses), tags: random.pick(sample.tagSets) }
        break
      case 'booked':
        data = {
          ...ids,
          customer_name: names[customer],
          customer_phone: `+1555${String(n % 10_000_000).padStart(7, '0')}`,
          appointment_id: `apt_${runId}_${n}`,
          appointment_time: isoSeconds(Math.ceil(at / 3_600_000) * 3_600_000 + random.between(1, 7) * 86_400_000),
          service: random.pick(sample.services)
        }
        break
      case 'closed':
        data = { ...ids, closed_at: timestamp, reason: random.pick(sample.closeReasons) }
        break
    }
    // Pretty-printed like the vendor's page: the receiver must verify raw bytes, not re-serialised JSON.
    const body = JSON.stringify({ event: type, timestamp, data }, null, 2)
    return { type, body, timestamp, customerId: ids.customer_id, conversationId: ids.conversation_id }
  })
}

const eventType: Record<Step, EventType> = {
  created: 'conversation.created',
  message: 'message.received',
  updated: 'conversation.updated',
  booked: 'appointment.booked',
  closed: 'conversation.closed'
}

/** Messages per conversation: a few each, or as many as it takes to reach `count` events. */
function messageCounts (random: Random, customers: number, count: number | undefined, hasUpdate: boolean[]): number[] {
  if (count === undefined) return Array.from({ length: customers }, () => random.between(2, 4))
  const fixed = hasUpdate.reduce((sum, update) => sum + (update ? 4 : 3), 0)
  const counts = new Array<number>(customers).fill(1)
  // Too few events for everyone to finish: each gets one message and the timeline is cut later.
  for (let extra = count - fixed - customers; extra > 0; extra--) counts[random.int(customers)]!++
  return counts
}

function isoSeconds (ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}
