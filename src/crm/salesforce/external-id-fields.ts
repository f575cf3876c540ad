import type { EntityType } from '../../mirror/states.ts'

/** Where each AgentClara entity lives in Salesforce and the External ID field that keys it. */
export const SALESFORCE_OBJECTS = {
  contact: { object: 'Contact', externalIdField: 'AgentClara_Customer_Id__c' },
  message: { object: 'Task', externalIdField: 'AgentClara_Message_Id__c' },
  appointment: { object: 'Event', externalIdField: 'AgentClara_Appointment_Id__c' }
} as const satisfies Record<EntityType, { object: string, externalIdField: string }>
