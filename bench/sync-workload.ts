/** The sync benchmark's workload: webhook bodies, and the fewest CRM calls the APIs allow for it. */

export const HUBSPOT_BATCH = 100
export const SALESFORCE_COLLECTION = 200
export const MESSAGES_PER_CUSTOMER = 4

export interface MinimumCalls {
  hubspot: number
  hubspotWithoutInlineAssociations: number
  salesforce: number
  how: string[]
}

/**
 * The fewest calls the APIs allow for `contacts` customers with `messages` SMS messages: each
 * record written once (the final state of a contact is all the CRM needs), 100 per HubSpot
 * batch call, the communication's contact association inline on its create (batch upsert
 * cannot carry one: without inline associations every 100 messages cost one more call);
 * Salesforce sObject Collections take 200 records per call (Contacts, then Tasks by WhoId).
 */
export function minimumCalls (contacts: number, messages: number): MinimumCalls {
  const up = (n: number, per: number) => Math.ceil(n / per)
  const hubspot = up(contacts, HUBSPOT_BATCH) + up(messages, HUBSPOT_BATCH)
  const salesforce = up(contacts, SALESFORCE_COLLECTION) + up(messages, SALESFORCE_COLLECTION)
  return {
    hubspot,
    hubspotWithoutInlineAssociations: hubspot + up(messages, HUBSPOT_BATCH),
    salesforce,
    how: [
      `HubSpot: ⌈${contacts} contacts / ${HUBSPOT_BATCH}⌉ batch upserts + ⌈${messages} communications / ${HUBSPOT_BATCH}⌉ batch creates with the contact association inline = ${hubspot}` +
        ` (${hubspot + up(messages, HUBSPOT_BATCH)} without inline associations: + ⌈${messages} / ${HUBSPOT_BATCH}⌉ association batches)`,
      `Salesforce: ⌈${contacts} Contacts / ${SALESFORCE_COLLECTION}⌉ + ⌈${messages} Tasks / ${SALESFORCE_COLLECTION}⌉ sObject Collections upserts = ${salesforce}`
    ]
  }
}

/**
 * One `conversation.created` per customer, then each customer's messages round by round
 * (every message also changes its customer's contact: last message, last contact).
 * `tag` keeps the phases' customers apart (`cust_<tag><n>`, `msg_<tag><n>_<m>`).
 */
export function customerBursts (tag: string, customers: number): string[] {
  const bodies: string[] = []
  const base = Date.UTC(2025, 0, 1)
  for (let c = 0; c < customers; c++) {
    bodies.push(JSON.stringify({ event: 'conversation.created', timestamp: new Date(base + c * 1000).toISOString(), data: { conversation_id: `conv_${tag}${c}`, customer_id: `cust_${tag}${c}`, customer_name: `Customer ${c}`, channel: 'sms', status: 'open' } }))
  }
  for (let m = 0; m < MESSAGES_PER_CUSTOMER; m++) {
    for (let c = 0; c < customers; c++) {
      bodies.push(JSON.stringify({ event: 'message.received', timestamp: new Date(base + c * 1000 + (m + 1) * 10).toISOString(), data: { conversation_id: `conv_${tag}${c}`, message_id: `msg_${tag}${c}_${m}`, sender: 'customer', content: `Message ${m} from customer ${c}`, channel: 'sms' } }))
    }
  }
  return bodies
}
