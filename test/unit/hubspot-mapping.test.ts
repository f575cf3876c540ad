import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  splitName, toHubspotAppointment, toHubspotCommunication, toHubspotContact, toHubspotMeeting, toHubspotMessage, toHubspotNote
} from '../../src/crm/hubspot/index.ts'
import { seedAppointmentState, seedContact, seedMessageState } from '../fixtures/seed-states.ts'

// The seed's sample payloads (conversation.created/updated, message.received, appointment.booked).
const contact = seedContact({
  conversationStatus: 'closed',
  conversationTags: ['resolved', 'satisfied'],
  lastMessage: 'Can I reschedule my appointment?',
  lastContactAt: '2024-03-15T10:35:00Z'
})
const message = seedMessageState()
const appointment = seedAppointmentState()

test('when the name has two words, then they become first and last name', () => {
  assert.deepEqual(splitName('John Smith'), { firstname: 'John', lastname: 'Smith' })
})

test('when the name has one word, then it is the last name only', () => {
  assert.deepEqual(splitName('Cher'), { lastname: 'Cher' })
})

test('when the name has more words or stray spaces, then the rest is the last name', () => {
  assert.deepEqual(splitName('  Mary  Ann Smith '), { firstname: 'Mary', lastname: 'Ann Smith' })
})

test('when the name is unknown, then no name properties are sent', () => {
  assert.deepEqual(splitName(null), {})
  assert.deepEqual(splitName('   '), {})
})

test('when the seed customer is mapped, then it upserts by agentclara_customer_id with every contact property', () => {
  assert.deepEqual(toHubspotContact(contact), {
    idProperty: 'agentclara_customer_id',
    id: 'cust_xyz789',
    properties: {
      firstname: 'John',
      lastname: 'Smith',
      phone: '+15551234567',
      agentclara_customer_id: 'cust_xyz789',
      agentclara_conversation_id: 'conv_abc123',
      agentclara_conversation_status: 'closed',
      agentclara_conversation_tags: 'resolved;satisfied',
      agentclara_last_message: 'Can I reschedule my appointment?',
      agentclara_last_contact_at: '2024-03-15T10:35:00.000Z'
    }
  })
})

test('when contact fields are unknown, then they are left out rather than blanked', () => {
  const input = toHubspotContact({ ...contact, name: null, phone: null, conversationStatus: null, lastMessage: null, lastContactAt: null })
  assert.equal('firstname' in input.properties, false)
  assert.equal('phone' in input.properties, false)
  assert.equal('agentclara_last_contact_at' in input.properties, false)
  assert.equal(input.properties.agentclara_customer_id, 'cust_xyz789')
})

test('when the seed sms message is mapped, then it is a CRM-logged SMS communication at the event time', () => {
  assert.deepEqual(toHubspotCommunication(message), {
    idProperty: 'agentclara_message_id',
    id: 'msg_123',
    properties: {
      hs_communication_channel_type: 'SMS',
      hs_communication_logged_from: 'CRM',
      hs_communication_body: 'Can I reschedule my appointment?',
      hs_timestamp: '2024-03-15T10:32:00.000Z',
      agentclara_message_id: 'msg_123'
    }
  })
})

test('when a message comes by WhatsApp, then the channel type is the exact enum WHATS_APP', () => {
  const mapped = toHubspotMessage({ ...message, channel: 'whatsapp' })
  assert.equal(mapped.object, 'communications')
  assert.equal(mapped.input.properties.hs_communication_channel_type, 'WHATS_APP')
})

test('when a message comes by another channel, then it is a note prefixed with channel and sender', () => {
  const mapped = toHubspotMessage({ ...message, channel: 'webchat', sender: 'clara' })
  assert.equal(mapped.object, 'notes')
  assert.deepEqual(mapped.input, toHubspotNote({ ...message, channel: 'webchat', sender: 'clara' }))
  assert.equal(mapped.input.properties.hs_note_body, '[webchat] clara: Can I reschedule my appointment?')
  assert.equal(mapped.input.properties.hs_timestamp, '2024-03-15T10:32:00.000Z')
})

test('when the seed appointment is mapped to a meeting, then it starts at 14:00Z and ends after its duration', () => {
  assert.deepEqual(toHubspotMeeting(appointment), {
    idProperty: 'agentclara_appointment_id',
    id: 'apt_123',
    properties: {
      hs_meeting_title: 'Haircut',
      hs_meeting_start_time: '2024-03-16T14:00:00.000Z',
      hs_meeting_end_time: '2024-03-16T15:00:00.000Z',
      hs_timestamp: '2024-03-16T14:00:00.000Z',
      hs_meeting_outcome: 'SCHEDULED',
      agentclara_appointment_id: 'apt_123'
    }
  })
})

test('when an appointment has no duration, then the default meeting length is used', () => {
  const input = toHubspotMeeting({ ...appointment, durationMinutes: 0 }, 45)
  assert.equal(input.properties.hs_meeting_end_time, '2024-03-16T14:45:00.000Z')
})

test('when the seed appointment is mapped to the Appointments object, then it uses hs_appointment_* properties', () => {
  assert.deepEqual(toHubspotAppointment(appointment).properties, {
    hs_appointment_name: 'Haircut',
    hs_appointment_start: '2024-03-16T14:00:00.000Z',
    hs_appointment_end: '2024-03-16T15:00:00.000Z',
    agentclara_appointment_id: 'apt_123'
  })
})
