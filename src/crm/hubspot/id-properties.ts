/**
 * Every HubSpot write is keyed by an AgentClara id held in a unique custom property (the
 * upsert's idProperty), so a repeat write updates in place. Structural: not in the mapping file.
 */
export const ID_PROPERTY = {
  contact: 'agentclara_customer_id',
  message: 'agentclara_message_id',
  appointment: 'agentclara_appointment_id'
} as const
