import type { EntityType } from '../../mirror/states.ts'

/**
 * Link to a record in HubSpot's UI. Contacts and 0-421 appointments have record pages;
 * communications, notes and meetings are engagements shown on the contact's timeline,
 * and a message id alone does not say which of the two objects it is: no link for those.
 */
export function hubspotRecordUrl (
  portalId: string | number | undefined, appointmentObject: 'meetings' | 'appointments', entity: EntityType, crmId: string
): string | undefined {
  if (portalId === undefined || portalId === '') return undefined
  const objectTypeId = entity === 'contact' ? '0-1' : entity === 'appointment' && appointmentObject === 'appointments' ? '0-421' : undefined
  if (!objectTypeId) return undefined
  return `https://app.hubspot.com/contacts/${encodeURIComponent(String(portalId))}/record/${objectTypeId}/${encodeURIComponent(crmId)}`
}
