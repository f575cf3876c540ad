import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { CrmConnector } from '../../src/crm/connector.ts'
import { createHubspotConnector } from '../../src/crm/hubspot/index.ts'
import { createSalesforceConnector } from '../../src/crm/salesforce/index.ts'
import type { AppointmentState, ContactState, MessageState } from '../../src/mirror/states.ts'
import { writtenHash } from '../../src/sync/sync-records.ts'
import { editedDefault } from '../helpers/mapping-files.ts'

// What each connector says it would write (connector.ts `writtenForm`), with the shipped
// mappings: the sync's "unchanged" compares its hash. Nothing here talks to a CRM.
const limiter = { acquire: async () => {}, pause: () => {} }
const salesforce = (personObject: 'Contact' | 'Lead' = 'Contact', mappingFile?: string) => createSalesforceConnector({ loginUrl: 'http://127.0.0.1:9', clientId: 'id', clientSecret: 'secret', timeoutMs: 1000, limiter, personObject, ...(mappingFile ? { mappingFile } : {}) })
const hubspot = (appointmentObject: 'meetings' | 'appointments' = 'meetings', mappingFile?: string) => createHubspotConnector({ accessToken: 'token', baseUrl: 'http://127.0.0.1:9', timeoutMs: 1000, limiter, appointmentObject, ...(mappingFile ? { mappingFile } : {}) })

const contact: ContactState = { customerId: 'cust_1', name: 'John Smith', phone: '+15551234567', conversationId: 'conv_1', conversationStatus: 'open', conversationTags: [], lastMessage: 'hello', lastContactAt: '2024-07-01T10:00:00.000Z' }
const message: MessageState & { contactCrmId: string } = {
  messageId: 'msg_1', conversationId: 'conv_1', customerId: 'cust_1', sender: 'customer', content: 'hello', channel: 'sms', sentAt: '2024-07-01T10:00:00.000Z', contactCrmId: 'C1'
}
const appointment: AppointmentState & { contactCrmId: string } = {
  appointmentId: 'appt_1', conversationId: 'conv_1', customerId: 'cust_1', startsAt: '2024-07-02T09:00:00.000Z', durationMinutes: 30, service: 'Haircut', bookedAt: '2024-07-01T10:00:00.000Z', contactCrmId: 'C1'
}
// A later message: the contact's last message and last contact time move on, nothing else.
const afterAMessage: ContactState = { ...contact, lastMessage: 'one more thing', lastContactAt: '2024-07-01T10:05:00.000Z', conversationStatus: 'closed' }

const same = (connector: CrmConnector, ...[type, a, b]: ['contact', ContactState, ContactState] | ['message', typeof message, typeof message] | ['appointment', typeof appointment, typeof appointment]) =>
  writtenHash(connector, type, a) === writtenHash(connector, type, b)

describe('written forms', () => {
  it('when only fields Salesforce\'s Contact mapping does not write change, then its form is the same; HubSpot, which writes them, sees a change', () => {
    assert.ok(same(salesforce(), 'contact', contact, afterAMessage))
    assert.ok(!same(hubspot(), 'contact', contact, afterAMessage))
  })

  it('when a field both mappings write changes, then both forms change', () => {
    for (const connector of [salesforce(), hubspot()]) {
      assert.ok(!same(connector, 'contact', contact, { ...contact, phone: '+15557654321' }), connector.name)
      assert.ok(!same(connector, 'contact', contact, { ...contact, name: 'Johnny Smith' }), connector.name)
    }
  })

  it('when a message or appointment is linked to another contact record, then its form changes', () => {
    for (const connector of [salesforce(), hubspot()]) {
      assert.ok(!same(connector, 'message', message, { ...message, contactCrmId: 'C2' }), connector.name)
      assert.ok(!same(connector, 'appointment', appointment, { ...appointment, contactCrmId: 'C2' }), connector.name)
    }
  })

  it('when the record goes to another object (a Lead, an appointment object, a note), then the form says so', () => {
    assert.notDeepEqual(salesforce('Lead').writtenForm?.('contact', contact), salesforce('Contact').writtenForm?.('contact', contact))
    assert.notDeepEqual(hubspot('appointments').writtenForm?.('appointment', appointment), hubspot('meetings').writtenForm?.('appointment', appointment))
    // The same content by email is a note, not a communication.
    assert.equal((hubspot().writtenForm?.('message', { ...message, channel: 'email' }) as { object: string }).object, 'notes')
  })

  it('when a mapping file changes what is written, then the form follows it: HubSpot without the activity fields ignores a message, Salesforce with the last message in Description does not', () => {
    const quietHubspot = editedDefault('hubspot', [
      ['{ source: conversation_status, target: agentclara_conversation_status, policy: always }', '{ source: conversation_status, target: agentclara_conversation_status, policy: never }'],
      ['{ source: conversation_tags, transform: { join: ";" }, target: agentclara_conversation_tags, policy: always }', '{ source: conversation_tags, transform: { join: ";" }, target: agentclara_conversation_tags, policy: never }'],
      ['{ source: last_message, target: agentclara_last_message, policy: always }', '{ source: last_message, target: agentclara_last_message, policy: never }'],
      ['{ source: last_contact_at, transform: iso_datetime, target: agentclara_last_contact_at, policy: always }', '{ source: last_contact_at, transform: iso_datetime, target: agentclara_last_contact_at, policy: never }']
    ])
    assert.ok(same(hubspot('meetings', quietHubspot.path), 'contact', contact, afterAMessage))
    const describedSalesforce = editedDefault('salesforce', [
      ['    - { source: phone, transform: { truncate: 40 }, target: Phone, policy: always, empty: skip }\n', '    - { source: phone, transform: { truncate: 40 }, target: Phone, policy: always, empty: skip }\n    - { source: last_message, target: Description, policy: always }\n']
    ])
    assert.ok(!same(salesforce('Contact', describedSalesforce.path), 'contact', contact, afterAMessage))
  })

  it('when the mapping refuses the state, then there is no form and the state itself is hashed, so the write goes and reports it', () => {
    const broken = { ...message, sentAt: 'not an instant' }
    assert.equal(hubspot().writtenForm?.('message', broken), undefined)
    assert.ok(!same(hubspot(), 'message', broken, { ...broken, content: 'other' }))
  })
})
