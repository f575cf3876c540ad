import type pg from 'pg'
import { toHubspotContact, toHubspotMeeting, toHubspotMessage, type UpsertInput } from '../../src/crm/hubspot/mapping.ts'
import { loadAppointments, loadContacts, loadMessages } from '../../src/mirror/load-state.ts'
import type { HubspotSandbox } from '../../src/sandbox/hubspot/index.ts'

/**
 * Where HubSpot differs from the mirror, field by field, for the fields we write: a CRM
 * record is right only when it equals what the mirror holds now, not when it merely exists.
 * Returns one line per difference (empty when everything matches); phones are masked.
 */
export async function hubspotDriftFromMirror (pool: pg.Pool, hubspot: HubspotSandbox, customerIds: string[]): Promise<string[]> {
  const objects = hubspot.dump().objects
  const problems: string[] = []
  const compare = (type: string, input: UpsertInput) => {
    const found = (objects[type] ?? []).filter((record) => record.properties[input.idProperty] === input.id)
    if (found.length !== 1) { problems.push(`${type} ${input.id}: ${found.length} records`); return }
    for (const [property, value] of Object.entries(input.properties)) {
      const actual = found[0]?.properties[property]
      if (actual !== value) problems.push(`${type} ${input.id} ${property}: expected ${mask(property, value)}, got ${mask(property, actual)}`)
    }
  }
  const contacts = await loadContacts(pool, customerIds)
  for (const contact of contacts.values()) compare('contacts', toHubspotContact(contact))
  const { rows } = await pool.query<{ kind: string, id: string }>(`
    SELECT 'message' AS kind, m.id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.customer_id = ANY($1)
    UNION ALL SELECT 'appointment', a.id FROM appointments a WHERE a.customer_id = ANY($1)`, [customerIds])
  const ids = (kind: string) => rows.filter((row) => row.kind === kind).map((row) => row.id)
  for (const message of (await loadMessages(pool, ids('message'))).values()) {
    const { object, input } = toHubspotMessage(message)
    compare(object, input)
  }
  for (const appointment of (await loadAppointments(pool, ids('appointment'))).values()) compare('meetings', toHubspotMeeting(appointment))
  return problems
}

function mask (property: string, value: string | undefined): string {
  if (value === undefined) return '(missing)'
  return property === 'phone' ? `${value.slice(0, 3)}…${value.slice(-2)}` : JSON.stringify(value.slice(0, 40))
}
