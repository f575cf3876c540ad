import { fileURLToPath } from 'node:url'
import { loadMappingFile } from '../mapping/load-mapping-file.ts'
import type { FieldMapping, MappingSpec } from '../mapping/mapping-types.ts'
import { salesforceObjects, type PersonObject } from './external-id-fields.ts'

const objects = salesforceObjects()

/** What the mapping file may configure for Salesforce, and what the sync writes itself. */
export const SALESFORCE_MAPPING_SPEC: MappingSpec = {
  crm: 'Salesforce',
  objects: { customer: ['Contact', 'Lead'], message: ['Task'], appointment: ['Event'] },
  structural: {
    Contact: { [objects.contact.externalIdField]: 'the External ID the upsert is keyed by', Id: 'the record id' },
    Lead: { [objects.contact.externalIdField]: 'the External ID the upsert is keyed by', Id: 'the record id' },
    Task: { [objects.message.externalIdField]: 'the External ID the upsert is keyed by', WhoId: 'the link to the Contact or Lead', Id: 'the record id' },
    Event: { [objects.appointment.externalIdField]: 'the External ID the upsert is keyed by', WhoId: 'the link to the Contact or Lead', Id: 'the record id' }
  },
  caseInsensitive: true
}

export const salesforceObjectsInUse = (personObject: PersonObject): string[] => [personObject, 'Task', 'Event']

/** The shipped defaults: exactly what the sync wrote before the mapping was configurable. */
export const DEFAULT_SALESFORCE_MAPPING_FILE = fileURLToPath(new URL('../../../config/mapping/salesforce.yml', import.meta.url))

/** Reads and checks a Salesforce mapping file (throws MappingFileError). */
export function loadSalesforceMapping (file = DEFAULT_SALESFORCE_MAPPING_FILE, personObject: PersonObject = 'Contact'): FieldMapping {
  return loadMappingFile(file, SALESFORCE_MAPPING_SPEC, salesforceObjectsInUse(personObject))
}

let defaults: FieldMapping | undefined
/** The default mapping, read once (for the pure mapping functions' default argument). */
export function defaultSalesforceMapping (): FieldMapping {
  defaults ??= loadMappingFile(DEFAULT_SALESFORCE_MAPPING_FILE, SALESFORCE_MAPPING_SPEC, ['Contact', 'Lead', 'Task', 'Event'])
  return defaults
}
