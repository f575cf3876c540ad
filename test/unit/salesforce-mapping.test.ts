import { describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { splitName, toSalesforceContact, toSalesforceEvent, toSalesforceTask } from '../../src/crm/salesforce/index.ts'
import { seedAppointment, seedContact, seedMessage } from '../fixtures/seed-states.ts'

// The seed's sample events, as the mirror hands them to a connector.
const contact = seedContact({ lastMessage: 'Can I reschedule my appointment?', lastContactAt: '2024-03-15T10:35:00Z' })
const message = seedMessage('0038d0000000001AAA')
const appointment = seedAppointment('0038d0000000001AAA')

describe('Salesforce mapping', () => {
  it('when the seed customer is mapped, then it is keyed by the customer id with split name and phone', () => {
    assert.deepEqual(toSalesforceContact(contact), {
      AgentClara_Customer_Id__c: 'cust_xyz789',
      FirstName: 'John',
      LastName: 'Smith',
      Phone: '+15551234567'
    })
  })

  it('when the customer has no name yet, then LastName (required) gets a placeholder naming the customer and FirstName is left alone', () => {
    const record = toSalesforceContact({ ...contact, name: null, phone: null })
    assert.deepEqual(record, { AgentClara_Customer_Id__c: 'cust_xyz789', LastName: 'AgentClara cust_xyz789' })
  })

  it('when the name is one word, then it becomes the LastName and FirstName is cleared', () => {
    assert.deepEqual(toSalesforceContact({ ...contact, name: 'Cher' }).FirstName, null)
    assert.equal(toSalesforceContact({ ...contact, name: 'Cher' }).LastName, 'Cher')
  })

  it('when names have several words or extra spaces, then the first word is FirstName and the rest the LastName', () => {
    assert.deepEqual(splitName('  Mary Ann   van Dyke '), { firstName: 'Mary', lastName: 'Ann van Dyke' })
    assert.deepEqual(splitName('   '), { firstName: null, lastName: null })
  })

  it('when values exceed Salesforce field lengths, then they are clipped instead of failing STRING_TOO_LONG', () => {
    const record = toSalesforceContact({ ...contact, name: `${'a'.repeat(50)} ${'b'.repeat(100)}` })
    assert.equal(String(record.FirstName).length, 40)
    assert.equal(String(record.LastName).length, 80)
  })

  it('when the seed message is mapped, then it is a completed Task on the contact with a date-only ActivityDate and no TaskSubtype', () => {
    const task = toSalesforceTask(message)
    assert.deepEqual(task, {
      AgentClara_Message_Id__c: 'msg_123',
      Subject: 'SMS from customer',
      Description: 'Can I reschedule my appointment?',
      Status: 'Completed',
      ActivityDate: '2024-03-15',
      WhoId: '0038d0000000001AAA'
    })
    assert.equal('TaskSubtype' in task, false)
  })

  it('when a message arrives on another channel, then the Subject names that channel', () => {
    assert.equal(toSalesforceTask({ ...message, channel: 'whatsapp', sender: 'clara' }).Subject, 'WhatsApp from clara')
    assert.equal(toSalesforceTask({ ...message, channel: 'carrier-pigeon' }).Subject, 'Carrier-pigeon from customer')
  })

  it('when the seed appointment is mapped, then it is an Event with the service as Subject, start, duration and contact', () => {
    assert.deepEqual(toSalesforceEvent(appointment), {
      AgentClara_Appointment_Id__c: 'apt_123',
      Subject: 'Haircut',
      StartDateTime: '2024-03-16T14:00:00.000Z',
      DurationInMinutes: 60,
      WhoId: '0038d0000000001AAA'
    })
  })

  it('when the start has an offset, then StartDateTime is the same instant in UTC', () => {
    assert.equal(toSalesforceEvent({ ...appointment, startsAt: '2024-03-16T16:00:00+02:00' }).StartDateTime, '2024-03-16T14:00:00.000Z')
  })

  it('when the start is not a date, then mapping throws (the connector turns it into a per-record failure)', () => {
    assert.throws(() => toSalesforceEvent({ ...appointment, startsAt: 'tomorrow' }), RangeError)
  })
})
