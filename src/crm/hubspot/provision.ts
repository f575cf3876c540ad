import { CrmPermanentError, CrmRetryableError, CrmSetupError } from '../errors.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import { PROPERTY_GROUP, type CustomProperty } from './custom-properties.ts'

type PropertyCreate = Parameters<HubspotApis['properties']['createWithHttpInfo']>[1]

/** A property as the properties API describes it (the parts we read). */
export interface PropertyLike {
  name: string
  type: string
  options?: Array<{ value: string }>
  hasUniqueValue?: boolean
  calculated?: boolean
  modificationMetadata?: { readOnlyValue?: boolean }
}

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

/** Credentials or schema problems become CrmSetupError: the connector is disabled with a message an admin can act on. */
export async function asSetupErrors<T> (work: () => Promise<T>): Promise<T> {
  try {
    return await work()
  } catch (err) {
    if ((err instanceof CrmPermanentError || err instanceof CrmRetryableError) && (err.status === 401 || err.status === 403)) {
      throw new CrmSetupError(`HubSpot rejected the access token (${err.status}). Check HUBSPOT_ACCESS_TOKEN and that the private app ` +
        'has the crm.objects.contacts.read/write and crm.schemas.contacts.read/write scopes (and the same for the other objects we write).', { cause: err })
    }
    if (err instanceof CrmPermanentError) throw new CrmSetupError(`HubSpot refused to set up the agentclara_* properties: ${err.message}`, { cause: err })
    throw err
  }
}

/** Every property of each object type (one properties API call per type). */
export async function listProperties (apis: HubspotApis, call: HubspotCall, objectTypes: string[], signal?: AbortSignal): Promise<Map<string, PropertyLike[]>> {
  const lists = new Map<string, PropertyLike[]>()
  for (const objectType of objectTypes) {
    const { data } = await call(`list ${objectType} properties`, () => apis.properties.getAllWithHttpInfo(objectType), signal)
    lists.set(objectType, data.results as PropertyLike[])
  }
  return lists
}

/** Our key properties must be unique for upserts; HubSpot cannot make an existing one unique. */
export function notUnique (wanted: Record<string, CustomProperty[]>, lists: Map<string, PropertyLike[]>): string[] {
  return Object.entries(wanted).flatMap(([objectType, properties]) => properties
    .filter((property) => property.hasUniqueValue && lists.get(objectType)?.some((p) => p.name === property.name && p.hasUniqueValue !== true))
    .map((property) => `HubSpot ${objectType} property ${property.name} exists but does not require unique values, so records cannot be upserted by it. ` +
      'Delete it (HubSpot cannot make an existing property unique) and restart to recreate it.'))
}

/**
 * Creates the custom properties we write (idempotently: existing ones are left alone), in our
 * own property group. Returns what it created and every object type's property list after it.
 */
export async function provisionProperties (
  apis: HubspotApis, call: HubspotCall, wanted: Record<string, CustomProperty[]>, signal?: AbortSignal
): Promise<{ created: Array<{ objectType: string, name: string }>, properties: Map<string, PropertyLike[]> }> {
  return asSetupErrors(async () => {
    const created: Array<{ objectType: string, name: string }> = []
    const properties = await listProperties(apis, call, Object.keys(wanted), signal)
    const problems = notUnique(wanted, properties)
    if (problems.length > 0) throw new CrmSetupError(problems.join('\n'))
    for (const [objectType, list] of Object.entries(wanted)) {
      const existing = properties.get(objectType) ?? []
      const missing = list.filter((property) => !existing.some((p) => p.name === property.name))
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
        existing.push({ name: property.name, type: property.type, hasUniqueValue: property.hasUniqueValue ?? false })
      }
      properties.set(objectType, existing)
    }
    return { created, properties }
  })
}
