import type { HubspotSandbox } from '../../../src/sandbox/hubspot/index.ts'
import type { SalesforceSandbox } from '../../../src/sandbox/salesforce/index.ts'

export interface CrmTally {
  /** Entities expected in the CRMs: 3 per customer in each of HubSpot and Salesforce. */
  expected: number
  synced: number
  missing: number
  /** Extra records beyond the first for one key (must be 0). */
  duplicated: number
  /** Messages/appointments present but not linked to their customer's contact. */
  misLinked: number
  examples: string[]
}

function countBy<T> (items: T[], key: (item: T) => unknown): Map<string, number> {
  const counts = new Map<string, number>()
  for (const item of items) {
    const value = key(item)
    if (typeof value === 'string') counts.set(value, (counts.get(value) ?? 0) + 1)
  }
  return counts
}

/** What the sandboxes hold for customers `${prefix}cust_0 … N-1`, per entity and CRM. */
export function tallyCrms (hubspot: HubspotSandbox, salesforce: SalesforceSandbox, customers: number, prefix = 'f'): CrmTally {
  const hs = hubspot.dump()
  const sf = salesforce.dump()
  const hsContacts = hs.objects.contacts ?? []
  const hsComms = hs.objects.communications ?? []
  const hsMeetings = hs.objects.meetings ?? []
  const sfContacts = sf.records.Contact ?? []
  const sfTasks = sf.records.Task ?? []
  const sfEvents = sf.records.Event ?? []
  const kinds: Array<[string, Map<string, number>, (i: number) => string]> = [
    ['hubspot contact', countBy(hsContacts, (r) => r.properties.agentclara_customer_id), (i) => `${prefix}cust_${i}`],
    ['hubspot communication', countBy(hsComms, (r) => r.properties.agentclara_message_id), (i) => `${prefix}msg_${i}`],
    ['hubspot meeting', countBy(hsMeetings, (r) => r.properties.agentclara_appointment_id), (i) => `${prefix}apt_${i}`],
    ['salesforce Contact', countBy(sfContacts, (r) => r.AgentClara_Customer_Id__c), (i) => `${prefix}cust_${i}`],
    ['salesforce Task', countBy(sfTasks, (r) => r.AgentClara_Message_Id__c), (i) => `${prefix}msg_${i}`],
    ['salesforce Event', countBy(sfEvents, (r) => r.AgentClara_Appointment_Id__c), (i) => `${prefix}apt_${i}`]
  ]
  const tally: CrmTally = { expected: customers * kinds.length, synced: 0, missing: 0, duplicated: 0, misLinked: 0, examples: [] }
  for (const [kind, counts, key] of kinds) {
    for (let i = 0; i < customers; i++) {
      const n = counts.get(key(i)) ?? 0
      if (n === 0) {
        tally.missing += 1
        if (tally.examples.length < 5) tally.examples.push(`missing ${kind} ${key(i)}`)
      } else {
        tally.synced += 1
        if (n > 1) {
          tally.duplicated += n - 1
          if (tally.examples.length < 5) tally.examples.push(`${n}× ${kind} ${key(i)}`)
        }
      }
    }
  }

  // Links: each Task/Event's WhoId is its customer's Contact; each communication is
  // associated with its customer's HubSpot contact.
  const sfContactId = new Map(sfContacts.map((r) => [String(r.AgentClara_Customer_Id__c), String(r.Id)]))
  const customerOf = (entity: string) => `${prefix}cust_${entity.slice(entity.lastIndexOf('_') + 1)}`
  for (const record of [...sfTasks, ...sfEvents]) {
    const key = String(record.AgentClara_Message_Id__c ?? record.AgentClara_Appointment_Id__c ?? '')
    if (!key.startsWith(prefix)) continue
    if (record.WhoId !== sfContactId.get(customerOf(key))) tally.misLinked += 1
  }
  const hsContactId = new Map(hsContacts.map((r) => [String(r.properties.agentclara_customer_id), r.id]))
  const linked = new Set(hs.associations.filter((a) => a.fromObjectType === 'communications' && a.toObjectType === 'contacts').map((a) => `${a.fromObjectId}>${a.toObjectId}`))
  for (const record of hsComms) {
    const key = String(record.properties.agentclara_message_id ?? '')
    if (!key.startsWith(prefix)) continue
    if (!linked.has(`${record.id}>${hsContactId.get(customerOf(key))}`)) tally.misLinked += 1
  }
  return tally
}

/** Polls `probe` every `intervalMs` until `done` or the deadline (dumps are too big to take every 20 ms). */
export async function pollUntil<T> (probe: () => T | Promise<T>, done: (value: T) => boolean, options: { timeoutMs: number, intervalMs?: number, what: string }): Promise<T> {
  const deadline = Date.now() + options.timeoutMs
  for (;;) {
    const value = await probe()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${options.what} not reached within ${options.timeoutMs} ms; last: ${JSON.stringify(value).slice(0, 1500)}`)
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 500))
  }
}

/** Waits until every expected entity is in both CRMs and linked, then returns the tally. */
export function waitForCrms (hubspot: HubspotSandbox, salesforce: SalesforceSandbox, customers: number, timeoutMs: number, prefix = 'f'): Promise<CrmTally> {
  return pollUntil(() => tallyCrms(hubspot, salesforce, customers, prefix), (t) => t.missing === 0 && t.misLinked === 0, { timeoutMs, intervalMs: 1000, what: 'every entity synced' })
}
