import { ID_PROPERTY } from './id-properties.ts'

/** The property group our custom properties live in (created when missing). */
export const PROPERTY_GROUP = { name: 'agentclara', label: 'AgentClara' }

export interface CustomProperty {
  name: string
  label: string
  type: 'string' | 'datetime'
  fieldType: 'text' | 'textarea' | 'date'
  /** Upsert by idProperty needs a property HubSpot enforces as unique. */
  hasUniqueValue?: boolean
}

const idProperty = (name: string, label: string): CustomProperty =>
  ({ name, label, type: 'string', fieldType: 'text', hasUniqueValue: true })

const messageId = idProperty(ID_PROPERTY.message, 'AgentClara message ID')
const appointmentId = idProperty(ID_PROPERTY.appointment, 'AgentClara appointment ID')

/** Custom properties per HubSpot object type (path name or objectTypeId). */
export function customProperties (appointmentObject: 'meetings' | 'appointments'): Record<string, CustomProperty[]> {
  return {
    contacts: [
      idProperty(ID_PROPERTY.contact, 'AgentClara customer ID'),
      { name: 'agentclara_conversation_id', label: 'AgentClara conversation ID', type: 'string', fieldType: 'text' },
      { name: 'agentclara_conversation_status', label: 'AgentClara conversation status', type: 'string', fieldType: 'text' },
      { name: 'agentclara_conversation_tags', label: 'AgentClara conversation tags', type: 'string', fieldType: 'text' },
      { name: 'agentclara_last_message', label: 'AgentClara last message', type: 'string', fieldType: 'textarea' },
      { name: 'agentclara_last_contact_at', label: 'AgentClara last contact', type: 'datetime', fieldType: 'date' }
    ],
    communications: [messageId],
    notes: [messageId],
    [appointmentObject === 'appointments' ? '0-421' : 'meetings']: [appointmentId]
  }
}
