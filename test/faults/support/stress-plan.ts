import type { Random } from '../../../src/simulator/random.ts'
import type { CustomerScript, StressEvent } from './stress-events.ts'

export interface StressDelivery {
  event: StressEvent
  /** Index of the receiver it goes to (0 or 1). */
  receiver: number
  /** A second delivery of the same bytes, to the other receiver. */
  resend: boolean
}

export interface DeliveryPlan {
  /** Sent in this order; the deliveries of one group go out at the same time. */
  groups: StressDelivery[][]
  events: number
  deliveries: number
  resends: number
  /** Events delivered after a newer event of the same customer. */
  outOfOrder: number
  messageBeforeConversation: number
  olderUpdateAfterNewer: number
}

export interface PlanOptions {
  /** Customers whose events are in flight at once: a customer's events land in different apply batches, close in time. */
  activeCustomers: number
  /** Share of deliveries resent to the other receiver. */
  resendShare: number
}

/**
 * Orders every customer's events for delivery, like a busy AgentClara account: customers
 * interleaved, some events out of order (a message before its conversation, an older
 * update after a newer one, a random neighbour swap), and a share resent to the OTHER
 * receiver, either at the same time or a little later. Pure given the random generator.
 */
export function planDeliveries (random: Random, scripts: CustomerScript[], options: PlanOptions): DeliveryPlan {
  const queues = scripts.map((script) => perturb(random, [...script.events]))
  const plan: DeliveryPlan = { groups: [], events: 0, deliveries: 0, resends: 0, outOfOrder: 0, messageBeforeConversation: 0, olderUpdateAfterNewer: 0 }
  for (const queue of queues) count(plan, queue)

  const ordered: StressEvent[] = []
  const active: StressEvent[][] = []
  let next = 0
  while (next < queues.length || active.length > 0) {
    while (active.length < options.activeCustomers && next < queues.length) active.push(queues[next++] ?? [])
    const slot = random.int(active.length)
    const queue = active[slot] ?? []
    const event = queue.shift()
    if (event) ordered.push(event)
    if (queue.length === 0) active.splice(slot, 1)
  }

  const groups: StressDelivery[][] = ordered.map((event) => [{ event, receiver: random.int(2), resend: false }])
  const later: Array<{ at: number, group: StressDelivery[] }> = []
  groups.forEach((group, index) => {
    const original = group[0] as StressDelivery
    if (!random.chance(options.resendShare)) return
    const copy = { event: original.event, receiver: 1 - original.receiver, resend: true }
    if (random.chance(0.5)) group.push(copy) // both receivers race to store it
    else later.push({ at: index + random.between(5, 200), group: [copy] })
  })
  later.sort((a, b) => b.at - a.at) // from the back, so earlier positions stay valid
  for (const { at, group } of later) groups.splice(Math.min(at, groups.length), 0, group)

  plan.groups = groups
  plan.deliveries = groups.reduce((sum, group) => sum + group.length, 0)
  plan.resends = plan.deliveries - plan.events
  return plan
}

/** One customer's delivery order: time order, then a few deliberate inversions. */
function perturb (random: Random, events: StressEvent[]): StressEvent[] {
  const firstMessage = events.findIndex((event) => event.type === 'message.received')
  if (firstMessage > 0 && random.chance(0.1)) events.unshift(...events.splice(firstMessage, 1))
  const updates = events.flatMap((event, index) => event.type === 'conversation.updated' ? [index] : [])
  if (updates.length >= 2 && random.chance(0.5)) {
    const [a, b] = updates.slice(-2) as [number, number]
    ;[events[a], events[b]] = [events[b] as StressEvent, events[a] as StressEvent]
  }
  if (events.length >= 2 && random.chance(0.15)) {
    const a = random.int(events.length - 1)
    ;[events[a], events[a + 1]] = [events[a + 1] as StressEvent, events[a] as StressEvent]
  }
  return events
}

function count (plan: DeliveryPlan, queue: StressEvent[]): void {
  let newest = -Infinity
  let newestUpdate = -Infinity
  let conversationSent = false
  for (const event of queue) {
    plan.events += 1
    if (event.at < newest) plan.outOfOrder += 1
    newest = Math.max(newest, event.at)
    if (event.type === 'conversation.created') conversationSent = true
    if (event.type === 'message.received' && !conversationSent) plan.messageBeforeConversation += 1
    if (event.type === 'conversation.updated') {
      if (event.at < newestUpdate) plan.olderUpdateAfterNewer += 1
      newestUpdate = Math.max(newestUpdate, event.at)
    }
  }
}
