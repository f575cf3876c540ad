import { request, type Agent } from 'node:http'
import { sign } from '../../../src/receiver/signature.ts'

export interface FaultEvent {
  /** `type:entity id`, e.g. `message.received:msg_3`: what webhook_events must hold once acknowledged. */
  id: string
  customer: string
  body: string
}

/**
 * Per customer: conversation.created, message.received and appointment.booked, in that
 * order (a message needs its conversation), with distinct timestamps.
 */
export function customerEvents (customers: number, prefix = 'f'): FaultEvent[][] {
  const base = Date.parse('2025-01-01T00:00:00Z')
  return Array.from({ length: customers }, (_, i) => {
    const customer = `${prefix}cust_${i}`
    const conversation = `${prefix}conv_${i}`
    const at = (minute: number) => new Date(base + i * 60_000 + minute * 1000).toISOString()
    const event = (type: string, entity: string, timestamp: string, data: Record<string, unknown>) =>
      ({ id: `${type}:${entity}`, customer, body: JSON.stringify({ event: type, timestamp, data }) })
    return [
      event('conversation.created', conversation, at(0), { conversation_id: conversation, customer_id: customer, customer_name: `Test Person${i}`, channel: 'sms', status: 'open' }),
      event('message.received', `${prefix}msg_${i}`, at(1), { conversation_id: conversation, message_id: `${prefix}msg_${i}`, sender: 'customer', content: `hello ${i}`, channel: 'sms' }),
      event('appointment.booked', `${prefix}apt_${i}`, at(2), { conversation_id: conversation, customer_id: customer, customer_name: `Test Person${i}`, customer_phone: '+15550000000', appointment_id: `${prefix}apt_${i}`, appointment_time: '2025-02-01T10:00:00Z', service: 'Haircut', duration_minutes: 30 })
    ]
  })
}

export type Outcome = { status: number } | { error: string }

/** One signed POST to the webhook route; the connection error's code instead of a status. */
export function deliver (baseUrl: string, body: string, secret: string, agent: Agent | false = false): Promise<Outcome> {
  return new Promise((resolve) => {
    const url = new URL('/webhooks/agentclara', baseUrl)
    const req = request(url, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'x-agentclara-signature': sign(body, secret), 'content-length': Buffer.byteLength(body) },
      timeout: 30_000
    }, (res) => {
      res.resume()
      res.on('end', () => resolve({ status: res.statusCode ?? 0 }))
      res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    })
    req.on('timeout', () => req.destroy(Object.assign(new Error('client timeout'), { code: 'CLIENT_TIMEOUT' })))
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }))
    req.end(body)
  })
}

export interface LoadStats {
  events: number
  attempts: number
  acknowledged: Set<string>
  byOutcome: Map<string, number>
  /** Each attempt's outcome with when it was sent and answered. */
  log: Array<{ id: string, sentAt: number, doneAt: number, outcome: string }>
}

/**
 * Sends every customer's events like AgentClara does, but more stubbornly: each delivery
 * is retried (after `retryMs`) until it is answered 200, the way the vendor's retries
 * would. `target()` is read per attempt, so a restarted receiver on a new port is used.
 */
export async function runLoad (options: {
  events: FaultEvent[][]
  target: () => string
  secret: string
  concurrency: number
  retryMs?: number
  deadlineMs?: number
  onAck?: (stats: LoadStats) => void
}): Promise<LoadStats> {
  const stats: LoadStats = { events: options.events.flat().length, attempts: 0, acknowledged: new Set(), byOutcome: new Map(), log: [] }
  const deadline = Date.now() + (options.deadlineMs ?? 240_000)
  let next = 0
  const lane = async () => {
    for (;;) {
      const customer = options.events[next++]
      if (!customer) return
      for (const event of customer) {
        for (;;) {
          if (Date.now() > deadline) throw new Error(`load deadline passed; ${stats.acknowledged.size}/${stats.events} acknowledged`)
          const sentAt = Date.now()
          const result = await deliver(options.target(), event.body, options.secret)
          const outcome = 'status' in result ? String(result.status) : result.error
          stats.attempts += 1
          stats.byOutcome.set(outcome, (stats.byOutcome.get(outcome) ?? 0) + 1)
          stats.log.push({ id: event.id, sentAt, doneAt: Date.now(), outcome })
          if (outcome === '200') {
            stats.acknowledged.add(event.id)
            options.onAck?.(stats)
            break
          }
          await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 100))
        }
      }
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, lane))
  return stats
}

/** Resolves once `share` of the events have been acknowledged: the moment a fault test strikes. */
export function whenAcknowledged (share: number): { reached: Promise<void>, onAck: (stats: LoadStats) => void } {
  let strike!: () => void
  const reached = new Promise<void>((resolve) => { strike = resolve })
  return { reached, onAck: (stats) => { if (stats.acknowledged.size >= stats.events * share) strike() } }
}
