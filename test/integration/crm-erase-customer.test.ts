import assert from 'node:assert/strict'
import { after, before, beforeEach, test } from 'node:test'
import type { CrmConnector, ErasureTarget } from '../../src/crm/connector.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import { createHubspotSandbox } from '../../src/sandbox/hubspot/index.ts'
import { createSalesforceSandbox } from '../../src/sandbox/salesforce/index.ts'
import { seedAppointment, seedContact, seedMessage } from '../fixtures/seed-states.ts'

// Each connector's eraseCustomer: the real client libraries over HTTP to the sandboxes.
const hubspot = createHubspotSandbox()
const salesforce = createSalesforceSandbox()
const connectors: CrmConnector[] = []
const deps = { timeoutMs: 5000, limiter: { acquire: async () => {}, pause: () => {} } }

before(async () => {
  const [hubspotUrl, salesforceUrl] = await Promise.all([hubspot.listen(), salesforce.listen()])
  connectors.push(
    createHubspotConnector({ accessToken: hubspot.accessToken, baseUrl: hubspotUrl, ...deps }),
    createSalesforceConnector({ loginUrl: salesforceUrl, clientId: salesforce.clientId, clientSecret: salesforce.clientSecret, ...deps })
  )
})
after(() => Promise.all([hubspot.close(), salesforce.close()]))
beforeEach(() => { hubspot.reset(); salesforce.reset() })

/** The seed customer with one message and one appointment in the CRM; returns the CRM ids. */
async function seeded (crm: CrmConnector) {
  await crm.prepare()
  const [contact] = await crm.upsertContacts([seedContact(), seedContact({ customerId: 'cust_other', name: 'Ada Lovelace' })])
  assert.ok(contact?.ok)
  const [message] = await crm.upsertMessages([seedMessage(contact.crmId)])
  const [appointment] = await crm.upsertAppointments([seedAppointment(contact.crmId)])
  assert.ok(message?.ok && appointment?.ok)
  return { contact: contact.crmId, message: message.crmId, appointment: appointment.crmId }
}

const target = (ids: { contact?: string, message?: string, appointment?: string } = {}): ErasureTarget => ({
  customerId: 'cust_xyz789',
  contactCrmIds: ids.contact ? [ids.contact] : [],
  messages: [{ messageId: 'msg_123', channel: 'sms', crmId: ids.message ?? null }],
  appointments: [{ appointmentId: 'apt_123', crmId: ids.appointment ?? null }]
})

const remaining = () => ({
  hubspot: Object.values(hubspot.dump().objects).flat().map((r) => r.properties.agentclara_customer_id ?? r.id),
  salesforce: Object.values(salesforce.dump().records).flat().map((r) => r.AgentClara_Customer_Id__c ?? r.Id)
})

for (const index of [0, 1]) {
  test(`when ${index === 0 ? 'HubSpot' : 'Salesforce'} erases the seed customer, then its contact, message and appointment are gone and it reports their ids`, async () => {
    const crm = connectors[index]!
    const ids = await seeded(crm)
    const result = await crm.eraseCustomer(target(ids))
    assert.deepEqual(result, { contact: [ids.contact], message: [ids.message], appointment: [ids.appointment] })
    // Only the other customer is left.
    assert.deepEqual(remaining()[crm.name as 'hubspot' | 'salesforce'], ['cust_other'])
  })

  test(`when ${index === 0 ? 'HubSpot' : 'Salesforce'} erases without recorded ids, then it finds the records by our ids; again, then it reports nothing`, async () => {
    const crm = connectors[index]!
    const ids = await seeded(crm)
    assert.deepEqual(await crm.eraseCustomer(target()), { contact: [ids.contact], message: [ids.message], appointment: [ids.appointment] })
    assert.deepEqual(await crm.eraseCustomer(target(ids)), { contact: [], message: [], appointment: [] })
  })
}
