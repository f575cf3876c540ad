/** The sync benchmark's workloads: webhook bodies, and the fewest CRM calls the APIs allow for them. */

export const HUBSPOT_BATCH = 100
export const SALESFORCE_COLLECTION = 200
/** One Composite request: up to 5 sObject Collections subrequests of 200 records, one API call. */
export const SALESFORCE_COMPOSITE = 5 * SALESFORCE_COLLECTION

/** `customers` new customers, each one conversation, `messages` SMS messages and maybe one appointment. */
export interface Workload {
  customers: number
  messages: number
  appointment: boolean
}

export interface MinimumCalls {
  hubspot: number
  hubspotWithoutInlineAssociations: number
  salesforce: number
  how: string[]
}

/** Every event of the workload: one conversation, the messages, the appointment. */
export function eventCount (w: Workload): number {
  return w.customers * (1 + w.messages + (w.appointment ? 1 : 0))
}

/** The CRM records it makes: a contact per customer, a message record per message, a meeting per appointment. */
export function recordCount (w: Workload): number {
  return eventCount(w) - w.customers
}

/**
 * The fewest calls the APIs allow: each record written once (a contact's final state is all
 * the CRM needs), 100 per HubSpot batch call, each communication's and meeting's contact
 * association inline on its create (batch upsert cannot carry one: without inline associations
 * every 100 of them cost one more call); Salesforce takes 1 000 records a call, five sObject
 * Collections of 200 in one Composite request, whatever their objects (Tasks and Events can
 * reference Contacts created earlier in the same request).
 */
export function minimumCalls (w: Workload): MinimumCalls {
  const up = (n: number, per: number) => Math.ceil(n / per)
  const contacts = w.customers
  const messages = w.customers * w.messages
  const meetings = w.appointment ? w.customers : 0
  const linked = up(messages, HUBSPOT_BATCH) + up(meetings, HUBSPOT_BATCH)
  const hubspot = up(contacts, HUBSPOT_BATCH) + linked
  const salesforce = up(contacts + messages + meetings, SALESFORCE_COMPOSITE)
  const meetingsPart = meetings > 0 ? ` + ⌈${meetings} meetings / ${HUBSPOT_BATCH}⌉` : ''
  return {
    hubspot,
    hubspotWithoutInlineAssociations: hubspot + linked,
    salesforce,
    how: [
      `HubSpot: ⌈${contacts} contacts / ${HUBSPOT_BATCH}⌉ batch upserts + ⌈${messages} communications / ${HUBSPOT_BATCH}⌉${meetingsPart} batch creates with the contact association inline = ${hubspot}` +
        ` (${hubspot + linked} without inline associations: one association batch per create)`,
      `Salesforce: ⌈(${contacts} Contacts + ${messages} Tasks${meetings > 0 ? ` + ${meetings} Events` : ''}) / ${SALESFORCE_COMPOSITE}⌉ Composite requests of five 200-record sObject Collections upserts = ${salesforce}` +
        ` (${up(contacts, SALESFORCE_COLLECTION) + up(messages, SALESFORCE_COLLECTION) + up(meetings, SALESFORCE_COLLECTION)} in plain collections, one a call; ours mix the objects in one Composite request, each Task and Event naming a Contact written earlier in it as @{reference[i].id})`
    ]
  }
}

/**
 * One `conversation.created` per customer, then each customer's messages round by round
 * (every message also changes its customer's contact: last message, last contact), then
 * their appointments. `tag` keeps phases apart (`cust_<tag><n>`, `msg_<tag><n>_<m>`, `appt_<tag><n>`).
 */
export function customerBursts (tag: string, w: Workload): string[] {
  const bodies: string[] = []
  const base = Date.UTC(2025, 0, 1)
  for (let c = 0; c < w.customers; c++) {
    bodies.push(JSON.stringify({ event: 'conversation.created', timestamp: new Date(base + c * 1000).toISOString(), data: { conversation_id: `conv_${tag}${c}`, customer_id: `cust_${tag}${c}`, customer_name: `Customer ${c}`, channel: 'sms', status: 'open' } }))
  }
  for (let m = 0; m < w.messages; m++) {
    for (let c = 0; c < w.customers; c++) {
      bodies.push(JSON.stringify({ event: 'message.received', timestamp: new Date(base + c * 1000 + (m + 1) * 10).toISOString(), data: { conversation_id: `conv_${tag}${c}`, message_id: `msg_${tag}${c}_${m}`, sender: 'customer', content: `Message ${m} from customer ${c}`, channel: 'sms' } }))
    }
  }
  if (w.appointment) {
    for (let c = 0; c < w.customers; c++) {
      bodies.push(JSON.stringify({ event: 'appointment.booked', timestamp: new Date(base + c * 1000 + 500).toISOString(), data: { conversation_id: `conv_${tag}${c}`, customer_id: `cust_${tag}${c}`, appointment_id: `appt_${tag}${c}`, appointment_time: '2025-02-01T15:00:00Z', service: 'Consultation', duration_minutes: 30 } }))
    }
  }
  return bodies
}
