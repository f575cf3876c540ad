import assert from 'node:assert/strict'
import { seedEventBody, seedEventTypes } from '../../src/events/seed-events.ts'
import type { SyncHarness } from './sync-harness.ts'
import { OPEN_PIPELINE_JOBS } from './sync-settled.ts'
import { until } from './until.ts'

/** The seed's ids, or copies of them with a suffix so several customers can share a database. */
export function seedIds (suffix = '') {
  return { customer: `cust_xyz789${suffix}`, conversation: `conv_abc123${suffix}`, message: `msg_123${suffix}`, appointment: `apt_123${suffix}` }
}

/** The seed's five events for that customer, as AgentClara sends them. */
export function seedBodies (suffix = ''): string[] {
  const ids = seedIds(suffix)
  return seedEventTypes.map((type) => seedEventBody(type)
    .replaceAll('cust_xyz789', ids.customer).replaceAll('conv_abc123', ids.conversation)
    .replaceAll('"msg_123"', `"${ids.message}"`).replaceAll('"apt_123"', `"${ids.appointment}"`))
}

/** Delivers the seed customer's events and waits until contact, message and appointment are synced to both CRMs. */
export async function syncSeedCustomer (h: SyncHarness, suffix = '') {
  for (const body of seedBodies(suffix)) assert.equal((await h.deliver(body)).status, 200)
  const ids = seedIds(suffix)
  await until(async () => (await h.pool.query<{ n: number }>(`
    SELECT count(*)::int AS n FROM crm_records WHERE status = 'synced' AND crm_id IS NOT NULL
      AND ((entity_type = 'contact' AND entity_id = $1) OR (entity_type = 'message' AND entity_id = $2) OR (entity_type = 'appointment' AND entity_id = $3))`,
  [ids.customer, ids.message, ids.appointment])).rows[0]?.n, (n) => n === 6, { what: 'the seed customer synced to both CRMs' })
  // The contact's last write (closed conversation) must have landed too before we compare,
  // and no sync may still be running: one finishing later records its write again.
  await until(async () => (await h.pool.query<{ n: number }>(`
    SELECT (SELECT count(*) FROM webhook_events WHERE status IN ('received', 'waiting'))
         + ${OPEN_PIPELINE_JOBS} AS n`)).rows[0]?.n,
  (n) => Number(n) === 0, { what: 'the seed customer\'s deliveries applied and its syncs finished' })
  return ids
}

/** What of the customer is still anywhere: CRM sandboxes, mirror, inbox payloads, crm_records, entity versions. */
export async function remnants (h: SyncHarness, ids: ReturnType<typeof seedIds>) {
  const hubspot = Object.values(h.hubspot.dump().objects).flat()
    .filter((r) => [ids.customer, ids.message, ids.appointment].includes(r.properties.agentclara_customer_id ?? r.properties.agentclara_message_id ?? r.properties.agentclara_appointment_id ?? ''))
  const salesforce = Object.values(h.salesforce.dump().records).flat()
    .filter((r) => [ids.customer, ids.message, ids.appointment].includes(String(r.AgentClara_Customer_Id__c ?? r.AgentClara_Message_Id__c ?? r.AgentClara_Appointment_Id__c ?? '')))
  const { rows } = await h.pool.query<{ mirror: number, inbox: number, records: number, versions: number }>(`
    SELECT (SELECT count(*) FROM customers WHERE id = $1) + (SELECT count(*) FROM conversations WHERE id = $2)
         + (SELECT count(*) FROM messages WHERE id = $3) + (SELECT count(*) FROM appointments WHERE id = $4) AS mirror,
      (SELECT count(*) FROM webhook_events WHERE (payload IS NOT NULL OR raw_body IS NOT NULL)
         AND (position(convert_to($1, 'UTF8') IN coalesce(raw_body, convert_to(payload::text, 'UTF8'))) > 0
           OR position(convert_to($2, 'UTF8') IN coalesce(raw_body, convert_to(payload::text, 'UTF8'))) > 0)) AS inbox,
      (SELECT count(*) FROM crm_records WHERE entity_id IN ($1, $3, $4)) AS records,
      (SELECT count(*) FROM entity_versions WHERE entity_id IN ($1, $3, $4))
        + (SELECT count(*) FROM crm_field_ownership WHERE entity_id IN ($1, $3, $4)) AS versions`,
  [ids.customer, ids.conversation, ids.message, ids.appointment])
  return { hubspot: hubspot.length, salesforce: salesforce.length, mirror: Number(rows[0]?.mirror), inbox: Number(rows[0]?.inbox), records: Number(rows[0]?.records), versions: Number(rows[0]?.versions) }
}
