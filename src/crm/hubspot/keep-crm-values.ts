import { ifEmptyTargets, type ObjectMapping } from '../mapping/mapping-types.ts'
import { keepCrmValues } from '../mapping/write-policy.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import type { UpsertInput } from './mapping.ts'

/** Takes one batch (≤100) before it is upserted; returns what to send and the fields kept per key. */
export type CrmValueGuard = (batch: UpsertInput[]) => Promise<{ inputs: UpsertInput[], skipped: Map<string, string[]> }>

/**
 * `if_empty` for one object type: ONE batch read by idProperty (≤100 ids, only the if_empty
 * properties) per upsert batch, then every if_empty property whose HubSpot value is not empty
 * is left out of the upsert. Ids HubSpot does not have come back as errors in a 207: those
 * records are new, and get everything. Undefined when the section has no if_empty field, so
 * a mapping without if_empty costs no read at all.
 */
export function crmValueGuard (
  apis: HubspotApis, call: HubspotCall, objectType: string, section: ObjectMapping | undefined, signal?: AbortSignal
): CrmValueGuard | undefined {
  const ifEmpty = section ? ifEmptyTargets(section) : []
  if (ifEmpty.length === 0) return undefined
  return async (batch) => {
    const idProperty = batch[0]?.idProperty
    if (!idProperty) return { inputs: batch, skipped: new Map() }
    const body = { idProperty, inputs: batch.map((input) => ({ id: input.id })), properties: [idProperty, ...ifEmpty], propertiesWithHistory: [] }
    const { data } = await call(`${objectType} batch read`, () => apis.objects.readWithHttpInfo(objectType, body), signal)
    const current = new Map(data.results.map((record) => [record.properties[idProperty], record.properties]))
    const skipped = new Map<string, string[]>()
    const inputs = batch.map((input) => {
      const record = current.get(input.id)
      const kept = keepCrmValues(input.properties, ifEmpty, record && ((target) => record[target]))
      skipped.set(input.id, kept.skipped)
      return { ...input, properties: kept.values as Record<string, string> }
    })
    return { inputs, skipped }
  }
}
