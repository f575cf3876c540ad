import type { RecordResult } from '../connector.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import { chunk } from '../../chunk.ts'
import { MAX_BATCH } from './batch-upsert.ts'
import { isPermanentCategory } from './to-crm-error.ts'

type MultiPost = Parameters<HubspotApis['associations']['createWithHttpInfo']>[2]

/** A record we just upserted (`fromId`) that must point at its contact. */
export interface AssociationPair { key: string, fromId: string, contactId: string }

interface BatchError { category?: string, message?: string }

/** Pairs missing from `linked` failed; HubSpot's errors do not reliably name the pair. */
function failuresOf (pairs: AssociationPair[], linked: Set<string>, errors: BatchError[] | undefined): RecordResult[] {
  const first = errors?.[0]
  return pairs.filter((pair) => !linked.has(pair.fromId)).map((pair) => ({
    key: pair.key,
    ok: false,
    error: `association to contact ${pair.contactId} failed: ${first?.category ?? 'ERROR'}: ${first?.message ?? 'no result'}`,
    retryable: !isPermanentCategory(first?.category)
  }))
}

/**
 * Associates records with contacts using a HUBSPOT_DEFINED type (81, 202, 200). Batch
 * upsert inputs cannot carry associations, so this is a follow-up call; re-associating is
 * a no-op in HubSpot. Returns the failures only.
 */
export async function associateWithContacts (
  apis: HubspotApis, call: HubspotCall, fromType: string, associationTypeId: number, pairs: AssociationPair[], signal?: AbortSignal
): Promise<RecordResult[]> {
  const failures: RecordResult[] = []
  for (const batch of chunk(pairs, MAX_BATCH)) {
    // The SDK's model calls the key `_from` and serializes it as JSON `from`.
    const body = {
      inputs: batch.map((pair) => ({
        _from: { id: pair.fromId },
        to: { id: pair.contactId },
        types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }]
      }))
    } as unknown as MultiPost // associationCategory is a TS enum in the SDK; same string on the wire.
    const { data } = await call(`${fromType}→contacts associations`, () => apis.associations.createWithHttpInfo(fromType, 'contacts', body), signal)
    const linked = new Set(data.results.map((result) => String(result.fromObjectId)))
    failures.push(...failuresOf(batch, linked, 'errors' in data ? data.errors : undefined))
  }
  return failures
}

/** Default (unlabelled) association, the way to link 0-421 appointments to contacts. */
export async function associateDefaultWithContacts (
  apis: HubspotApis, call: HubspotCall, fromType: string, pairs: AssociationPair[], signal?: AbortSignal
): Promise<RecordResult[]> {
  const failures: RecordResult[] = []
  for (const batch of chunk(pairs, MAX_BATCH)) {
    const body = { inputs: batch.map((pair) => ({ _from: { id: pair.fromId }, to: { id: pair.contactId } })) }
    const { data } = await call(`${fromType}→contacts default associations`,
      () => apis.associations.createDefaultWithHttpInfo(fromType, 'contacts', body), signal)
    const linked = new Set(data.results.map((result) => String(result._from.id)))
    failures.push(...failuresOf(batch, linked, data.errors))
  }
  return failures
}
