import { fileURLToPath } from 'node:url'
import { loadMappingFile } from '../mapping/load-mapping-file.ts'
import type { FieldMapping, MappingSpec } from '../mapping/mapping-types.ts'
import { ID_PROPERTY } from './id-properties.ts'

export type AppointmentObject = 'meetings' | 'appointments'

/** What the mapping file may configure for HubSpot, and what the sync writes itself. */
export const HUBSPOT_MAPPING_SPEC: MappingSpec = {
  crm: 'HubSpot',
  objects: { customer: ['contacts'], message: ['communications', 'notes'], appointment: ['meetings', 'appointments'] },
  structural: {
    contacts: { [ID_PROPERTY.contact]: 'the upsert key, idProperty' },
    communications: {
      [ID_PROPERTY.message]: 'the upsert key, idProperty',
      hs_timestamp: 'the message time, required on engagements',
      hs_communication_logged_from: 'always CRM, required on communications'
    },
    notes: { [ID_PROPERTY.message]: 'the upsert key, idProperty', hs_timestamp: 'the message time, required on engagements' },
    meetings: { [ID_PROPERTY.appointment]: 'the upsert key, idProperty', hs_timestamp: 'the start, required on engagements' },
    appointments: { [ID_PROPERTY.appointment]: 'the upsert key, idProperty' }
  },
  caseInsensitive: false
}

/** The object type in HubSpot's API paths for each section of the file. */
export const API_OBJECT_TYPE: Record<string, string> = {
  contacts: 'contacts', communications: 'communications', notes: 'notes', meetings: 'meetings', appointments: '0-421'
}

export const hubspotObjectsInUse = (appointmentObject: AppointmentObject): string[] => ['contacts', 'communications', 'notes', appointmentObject]

/** The shipped defaults: exactly what the sync wrote before the mapping was configurable. */
export const DEFAULT_HUBSPOT_MAPPING_FILE = fileURLToPath(new URL('../../../config/mapping/hubspot.yml', import.meta.url))

/** Reads and checks a HubSpot mapping file (throws MappingFileError). */
export function loadHubspotMapping (file = DEFAULT_HUBSPOT_MAPPING_FILE, appointmentObject: AppointmentObject = 'meetings'): FieldMapping {
  return loadMappingFile(file, HUBSPOT_MAPPING_SPEC, hubspotObjectsInUse(appointmentObject))
}

let defaults: FieldMapping | undefined
/** The default mapping, read once (for the pure mapping functions' default argument). */
export function defaultHubspotMapping (): FieldMapping {
  defaults ??= loadMappingFile(DEFAULT_HUBSPOT_MAPPING_FILE, HUBSPOT_MAPPING_SPEC, [...HUBSPOT_MAPPING_SPEC.objects.customer,
    ...HUBSPOT_MAPPING_SPEC.objects.message, ...HUBSPOT_MAPPING_SPEC.objects.appointment])
  return defaults
}
