import { SALESFORCE_OBJECTS } from './external-id-fields.ts'

export interface DescribedObject { fields: Array<{ name: string, externalId?: boolean }> }

/**
 * Lists the AgentClara External ID fields the org lacks, as `Object.Field__c`. A field that
 * exists without the External ID attribute counts as missing: upserts cannot key on it.
 */
export async function findMissingExternalIdFields (describe: (object: string) => Promise<DescribedObject>): Promise<string[]> {
  const missing: string[] = []
  for (const { object, externalIdField } of Object.values(SALESFORCE_OBJECTS)) {
    const described = await describe(object)
    const field = described.fields.find((f) => f.name.toLowerCase() === externalIdField.toLowerCase())
    if (!field?.externalId) missing.push(`${object}.${externalIdField}`)
  }
  return missing
}

export function missingFieldsMessage (missing: string[]): string {
  return `Salesforce is missing External ID field${missing.length > 1 ? 's' : ''} ${missing.join(', ')}. ` +
    'Create each as a custom Text field (length 255) with the "External ID" and "Unique" attributes ' +
    '(Setup → Object Manager → object → Fields & Relationships → New), then restart the sync.'
}
