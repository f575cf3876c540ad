import type { EntityType } from '../../mirror/states.ts'

/** Customers become Contacts (default) or Leads (SALESFORCE_PERSON_OBJECT=Lead). */
export type PersonObject = 'Contact' | 'Lead'

export interface SalesforceObject { object: string, externalIdField: string }

/**
 * Where each AgentClara entity lives in Salesforce and the External ID field that keys it.
 * The customer's External ID field has the same name on Contact and Lead.
 */
export function salesforceObjects (personObject: PersonObject = 'Contact'): Record<EntityType, SalesforceObject> {
  return {
    contact: { object: personObject, externalIdField: 'AgentClara_Customer_Id__c' },
    message: { object: 'Task', externalIdField: 'AgentClara_Message_Id__c' },
    appointment: { object: 'Event', externalIdField: 'AgentClara_Appointment_Id__c' }
  }
}

/** The objects with customers as Contacts (the default). */
export const SALESFORCE_OBJECTS = salesforceObjects('Contact')
