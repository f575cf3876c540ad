import { chunk } from '../../chunk.ts'
import type { RecordResult } from '../connector.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import type { CrmValueGuard } from './keep-crm-values.ts'
import type { UpsertInput } from './mapping.ts'
import { isPermanentCategory } from './to-crm-error.ts'

export const MAX_BATCH = 100

interface BatchError { category?: string, message?: string, context?: Record<string, string[]> }

/** Last write wins per key: a repeated id inside one HubSpot batch fails the whole batch. */
export function coalesce<T> (items: T[], keyOf: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [keyOf(item), item])).values()]
}

/** Which of our keys a 207 error is about: objectWriteTraceId (we set it to the key) or id. */
function keysOf (error: BatchError): string[] {
  return error.context?.objectWriteTraceId ?? error.context?.id ?? []
}

/**
 * Upserts by a unique idProperty in batches of ≤100. A 207 does not throw in the SDK: its
 * `errors` become per-record failures. Results are matched by the idProperty value HubSpot
 * returns in `properties`, never by position. A `guard` (if_empty fields) sees each batch first.
 */
export async function batchUpsert (
  apis: HubspotApis, call: HubspotCall, objectType: string, inputs: UpsertInput[], signal?: AbortSignal, guard?: CrmValueGuard
): Promise<RecordResult[]> {
  const results: RecordResult[] = []
  for (const coalesced of chunk(coalesce(inputs, (input) => input.id), MAX_BATCH)) {
    const { inputs: batch, skipped } = guard ? await guard(coalesced) : { inputs: coalesced, skipped: undefined }
    const { data } = await call(`${objectType} batch upsert`, () => apis.objects.upsertWithHttpInfo(objectType, {
      inputs: batch.map((input) => ({ ...input, objectWriteTraceId: input.id }))
    }), signal)
    const crmIds = new Map<string, string>()
    for (const record of data.results) {
      const key = record.properties[batch[0]?.idProperty ?? '']
      if (key !== undefined) crmIds.set(key, record.id)
    }
    const failures = new Map<string, BatchError>()
    for (const error of ('errors' in data ? data.errors : undefined) ?? []) {
      for (const key of keysOf(error)) failures.set(key, error)
    }
    for (const input of batch) {
      const crmId = crmIds.get(input.id)
      const error = failures.get(input.id)
      if (crmId !== undefined) results.push({ key: input.id, ok: true, crmId, ...(skipped ? { skipped: skipped.get(input.id) ?? [] } : {}) })
      else if (error) results.push({ key: input.id, ok: false, error: `${error.category ?? 'ERROR'}: ${error.message ?? 'no message'}`, retryable: !isPermanentCategory(error.category) })
      else results.push({ key: input.id, ok: false, error: 'HubSpot returned neither a result nor an error for this record', retryable: true })
    }
  }
  return results
}
