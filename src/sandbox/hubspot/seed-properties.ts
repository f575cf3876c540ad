/**
 * The standard properties a fresh HubSpot portal has for the objects we use (a subset:
 * enough to reject what real HubSpot rejects). Custom `agentclara_*` properties are not
 * here: the connector must create them, as it must in a real portal.
 */
export interface PropertyOption { label: string, value: string, displayOrder: number, hidden: boolean }

/**
 * Who may change a property, as the properties API reports it on every property
 * (https://developers.hubspot.com/docs/api-reference/latest/crm/properties/get-properties):
 * readOnlyValue true means only HubSpot sets its values.
 */
export interface ModificationMetadata { archivable: boolean, readOnlyDefinition: boolean, readOnlyValue: boolean, readOnlyOptions: boolean }

export interface PropertyDefinition {
  name: string
  label: string
  type: 'string' | 'number' | 'date' | 'datetime' | 'enumeration' | 'bool'
  fieldType: string
  groupName: string
  description: string
  options: PropertyOption[]
  hasUniqueValue: boolean
  hubspotDefined: boolean
  hidden: boolean
  formField: boolean
  calculated: boolean
  externalOptions: boolean
  displayOrder: number
  archived: boolean
  modificationMetadata: ModificationMetadata
  createdAt: string
  updatedAt: string
}

export interface PropertyGroup { name: string, label: string, displayOrder: number, archived: boolean }

type Seed = [name: string, type: PropertyDefinition['type'], options?: string[], unique?: boolean]

const enumOf = (...values: string[]) => values

const SEEDS: Record<string, { group: string, properties: Seed[] }> = {
  '0-1': {
    group: 'contactinformation',
    properties: [
      ['firstname', 'string'], ['lastname', 'string'], ['phone', 'string'], ['mobilephone', 'string'],
      ['email', 'string', undefined, true], ['company', 'string'], ['lifecyclestage', 'enumeration',
        enumOf('subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other')],
      ['hs_lead_status', 'enumeration', enumOf('NEW', 'OPEN', 'IN_PROGRESS', 'OPEN_DEAL', 'UNQUALIFIED', 'ATTEMPTED_TO_CONTACT', 'CONNECTED', 'BAD_TIMING')],
      ['hubspotscore', 'number'],
      ['hs_object_id', 'number', undefined, true], ['createdate', 'datetime'], ['lastmodifieddate', 'datetime']
    ]
  },
  '0-18': {
    group: 'communicationinformation',
    properties: [
      ['hs_communication_channel_type', 'enumeration', enumOf('SMS', 'WHATS_APP', 'LINKEDIN_MESSAGE', 'PHYSICAL_MAIL', 'CUSTOM_CHANNEL_CONVERSATION')],
      ['hs_communication_logged_from', 'enumeration', enumOf('CRM')],
      ['hs_communication_body', 'string'], ['hs_timestamp', 'datetime'],
      ['hs_object_id', 'number', undefined, true], ['hs_createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime']
    ]
  },
  '0-46': {
    group: 'noteinformation',
    properties: [
      ['hs_note_body', 'string'], ['hs_timestamp', 'datetime'], ['hubspot_owner_id', 'string'],
      ['hs_object_id', 'number', undefined, true], ['hs_createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime']
    ]
  },
  '0-47': {
    group: 'meetinginformation',
    properties: [
      ['hs_meeting_title', 'string'], ['hs_meeting_body', 'string'], ['hs_internal_meeting_notes', 'string'],
      ['hs_meeting_start_time', 'datetime'], ['hs_meeting_end_time', 'datetime'], ['hs_timestamp', 'datetime'],
      ['hs_meeting_location', 'string'],
      ['hs_meeting_outcome', 'enumeration', enumOf('SCHEDULED', 'COMPLETED', 'RESCHEDULED', 'NO_SHOW', 'CANCELED')],
      ['hs_object_id', 'number', undefined, true], ['hs_createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime']
    ]
  },
  '0-421': {
    group: 'appointmentinformation',
    properties: [
      ['hs_appointment_name', 'string'], ['hs_appointment_start', 'datetime'], ['hs_appointment_end', 'datetime'],
      ['hs_appointment_status', 'enumeration', enumOf('SCHEDULED', 'COMPLETED', 'CANCELED', 'NO_SHOW')],
      ['hs_timestamp', 'datetime'],
      ['hs_object_id', 'number', undefined, true], ['hs_createdate', 'datetime'], ['hs_lastmodifieddate', 'datetime']
    ]
  }
}

const FIELD_TYPE: Record<PropertyDefinition['type'], string> = {
  string: 'text', number: 'number', date: 'date', datetime: 'date', enumeration: 'select', bool: 'booleancheckbox'
}

/**
 * Properties only HubSpot sets (modificationMetadata.readOnlyValue). A write to one fails the
 * request with READ_ONLY_VALUE '"hs_object_id" is a calculated property; its value cannot be
 * set.' (seen in integrations' logs, e.g. mautic/mautic#8785; HubSpot/ui-extensions-examples#77
 * for hubspotscore).
 */
export const READ_ONLY_PROPERTIES = new Set(['hs_object_id', 'createdate', 'lastmodifieddate', 'hs_createdate', 'hs_lastmodifieddate', 'hubspotscore'])

export const modificationMetadata = (readOnly: boolean, hubspotDefined: boolean): ModificationMetadata =>
  ({ archivable: !hubspotDefined, readOnlyDefinition: hubspotDefined, readOnlyValue: readOnly, readOnlyOptions: readOnly })

export function seedProperties (objectTypeId: string, now: string): { groups: PropertyGroup[], properties: PropertyDefinition[] } {
  const seed = SEEDS[objectTypeId]
  if (!seed) return { groups: [], properties: [] }
  return {
    groups: [{ name: seed.group, label: seed.group, displayOrder: -1, archived: false }],
    properties: seed.properties.map(([name, type, options, unique], index) => ({
      name,
      label: name,
      type,
      fieldType: FIELD_TYPE[type],
      groupName: seed.group,
      description: '',
      options: (options ?? []).map((value, order) => ({ label: value, value, displayOrder: order, hidden: false })),
      hasUniqueValue: unique ?? false,
      hubspotDefined: true,
      hidden: false,
      formField: false,
      calculated: false,
      externalOptions: false,
      displayOrder: index,
      archived: false,
      modificationMetadata: modificationMetadata(READ_ONLY_PROPERTIES.has(name), true),
      createdAt: now,
      updatedAt: now
    }))
  }
}
