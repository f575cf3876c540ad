import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import { chunk } from '../../chunk.ts'
import { coalesce, MAX_BATCH } from './batch-upsert.ts'
import type { UpsertInput } from './mapping.ts'

/** Associations v4 batch read takes at most 1000 ids per request (since February 2025). */
export const MAX_ASSOCIATION_READ = 1000

export interface FoundObject { id: string, properties: Record<string, string | null> }

/**
 * Reads records by the unique id property our upserts key on (`POST /crm/v3/objects/{type}/
 * batch/read` with `idProperty`), ≤100 per call, asking only for the properties those upserts
 * write. Found records by id-property value; ids HubSpot reports as not found (the errors of
 * a 207) are absent from the map.
 */
export async function readByIdProperty (
  apis: HubspotApis, call: HubspotCall, objectType: string, inputs: UpsertInput[], signal?: AbortSignal
): Promise<Map<string, FoundObject>> {
  const found = new Map<string, FoundObject>()
  for (const batch of chunk(coalesce(inputs, (input) => input.id), MAX_BATCH)) {
    const idProperty = batch[0]?.idProperty ?? 'hs_object_id'
    const properties = [...new Set(batch.flatMap((input) => Object.keys(input.properties)))]
    const body = { idProperty, inputs: batch.map((input) => ({ id: input.id })), properties, propertiesWithHistory: [] }
    const { data } = await call(`${objectType} batch read`, () => apis.objects.readWithHttpInfo(objectType, body), signal)
    for (const record of data.results) {
      const key = record.properties[idProperty]
      if (key) found.set(key, { id: record.id, properties: record.properties })
    }
  }
  return found
}

/**
 * The contacts each record is associated with (`POST /crm/v4/associations/{type}/contacts/
 * batch/read`), ≤1000 ids per call. A record without associations is absent from the map
 * (HubSpot lists it among the errors, NO_ASSOCIATIONS_FOUND).
 */
export async function readAssociatedContacts (
  apis: HubspotApis, call: HubspotCall, fromType: string, ids: string[], signal?: AbortSignal
): Promise<Map<string, Set<string>>> {
  const contacts = new Map<string, Set<string>>()
  for (const batch of chunk([...new Set(ids)], MAX_ASSOCIATION_READ)) {
    const body = { inputs: batch.map((id) => ({ id })) }
    const { data } = await call(`${fromType}→contacts association read`,
      () => apis.associations.getPageWithHttpInfo(fromType, 'contacts', body), signal)
    for (const result of data.results) {
      contacts.set(String(result._from.id), new Set(result.to.map((target) => String(target.toObjectId))))
    }
  }
  return contacts
}
