import { CrmPermanentError, CrmRetryableError, CrmSetupError } from '../errors.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import { customProperties, PROPERTY_GROUP } from './custom-properties.ts'

type PropertyCreate = Parameters<HubspotApis['properties']['createWithHttpInfo']>[1]

/** 409 "already exists" means another instance got there first: the goal is met. */
async function unlessExists (write: () => Promise<unknown>): Promise<boolean> {
  try {
    await write()
    return true
  } catch (err) {
    if (err instanceof CrmPermanentError && err.status === 409) return false
    throw err
  }
}

/**
 * Creates the custom properties we write (idempotently: existing ones are left alone), in
 * our own property group. Returns what it created. Credentials or schema problems become
 * CrmSetupError so the connector is disabled with a message a CRM admin can act on.
 */
export async function provisionProperties (
  apis: HubspotApis, call: HubspotCall, appointmentObject: 'meetings' | 'appointments', signal?: AbortSignal
): Promise<Array<{ objectType: string, name: string }>> {
  const created: Array<{ objectType: string, name: string }> = []
  try {
    for (const [objectType, wanted] of Object.entries(customProperties(appointmentObject))) {
      const { data } = await call(`list ${objectType} properties`, () => apis.properties.getAllWithHttpInfo(objectType), signal)
      const existing = new Map(data.results.map((property) => [property.name, property]))
      for (const property of wanted) {
        if (property.hasUniqueValue && existing.has(property.name) && existing.get(property.name)?.hasUniqueValue !== true) {
          throw new CrmSetupError(`HubSpot ${objectType} property ${property.name} exists but does not require unique values, ` +
            'so records cannot be upserted by it. Delete it (HubSpot cannot make an existing property unique) and restart to recreate it.')
        }
      }
      const missing = wanted.filter((property) => !existing.has(property.name))
      if (missing.length === 0) continue
      await unlessExists(() => call(`create ${objectType} property group`,
        () => apis.groups.createWithHttpInfo(objectType, { ...PROPERTY_GROUP, displayOrder: -1 }), signal))
      for (const property of missing) {
        const body = {
          name: property.name,
          label: property.label,
          type: property.type,
          fieldType: property.fieldType,
          groupName: PROPERTY_GROUP.name,
          description: 'Written by agentclara-crm-sync',
          hasUniqueValue: property.hasUniqueValue ?? false,
          formField: false
        } as unknown as PropertyCreate // The SDK types these as TS enums; the JSON is the same string.
        if (await unlessExists(() => call(`create ${objectType}.${property.name}`, () => apis.properties.createWithHttpInfo(objectType, body), signal))) {
          created.push({ objectType, name: property.name })
        }
      }
    }
  } catch (err) {
    if ((err instanceof CrmPermanentError || err instanceof CrmRetryableError) && (err.status === 401 || err.status === 403)) {
      throw new CrmSetupError(`HubSpot rejected the access token (${err.status}). Check HUBSPOT_ACCESS_TOKEN and that the private app ` +
        'has the crm.objects.contacts.read/write and crm.schemas.contacts.read/write scopes (and the same for the other objects we write).', { cause: err })
    }
    if (err instanceof CrmPermanentError) {
      throw new CrmSetupError(`HubSpot refused to set up the agentclara_* properties: ${err.message}`, { cause: err })
    }
    throw err
  }
  return created
}
