import type { RecordResult } from '../connector.ts'
import { CrmPermanentError } from '../errors.ts'
import { chunk } from '../../chunk.ts'
import { MAX_BATCH } from './batch-upsert.ts'
import type { HubspotCall } from './call.ts'
import type { HubspotApis } from './client.ts'
import type { UpsertInput } from './mapping.ts'
import { isPermanentCategory } from './to-crm-error.ts'

type CreateBody = Parameters<HubspotApis['objects']['createWithHttpInfo']>[1]

/** A record we believe is new (no CRM id recorded), with the contact it belongs to. */
export interface NewLinked { input: UpsertInput, contactId: string }

interface BatchError { category?: string, message?: string, context?: Record<string, string[]> }

/**
 * Creates records we believe are new WITH their association to the contact inline — one call
 * per 100 instead of an upsert plus an association batch. Batch upsert inputs cannot carry
 * associations; batch create inputs can (`associations: [{ to, types }]`, see the sandbox's
 * batch-routes.ts for the reference). The id property is unique, so a record that exists
 * after all (an earlier attempt whose answer was lost, another process) makes HubSpot refuse
 * the create — the whole batch as a 409 CONFLICT, or that record in a 207 — and nothing is
 * duplicated: such inputs come back in `fallback`, for the upsert + association path.
 */
export async function batchCreateLinked (
  apis: HubspotApis, call: HubspotCall, objectType: string, associationTypeId: number, items: NewLinked[], signal?: AbortSignal
): Promise<{ results: RecordResult[], fallback: NewLinked[] }> {
  const results: RecordResult[] = []
  const fallback: NewLinked[] = []
  for (const batch of chunk(items, MAX_BATCH)) {
    const body = {
      inputs: batch.map(({ input, contactId }) => ({
        properties: { ...input.properties, [input.idProperty]: input.id },
        objectWriteTraceId: input.id,
        associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId }] }]
      }))
    } as unknown as CreateBody // associationCategory is a TS enum in the SDK; same string on the wire.
    let data
    try {
      ({ data } = await call(`${objectType} batch create`, () => apis.objects.createWithHttpInfo(objectType, body), signal))
    } catch (error) {
      // 409 (a record exists after all) or any 4xx on the create: the upsert path writes the
      // same state and reports per record. Rate limits, 5xx and timeouts go up to the job.
      if (error instanceof CrmPermanentError) { fallback.push(...batch); continue }
      throw error
    }
    const idProperty = batch[0]?.input.idProperty ?? ''
    const crmIds = new Map<string, string>()
    for (const record of data.results) {
      const key = record.properties[idProperty]
      if (typeof key === 'string') crmIds.set(key, record.id)
    }
    const failures = new Map<string, BatchError>()
    for (const error of ('errors' in data ? data.errors : undefined) ?? []) {
      for (const key of (error as BatchError).context?.objectWriteTraceId ?? []) failures.set(key, error as BatchError)
    }
    for (const item of batch) {
      const key = item.input.id
      const crmId = crmIds.get(key)
      const error = failures.get(key)
      if (crmId !== undefined) results.push({ key, ok: true, crmId })
      else if (error && (/CONFLICT|ALREADY_EXISTS/.test(error.category ?? '') || /already exists/i.test(error.message ?? ''))) fallback.push(item)
      else if (error) results.push({ key, ok: false, error: `${error.category ?? 'ERROR'}: ${error.message ?? 'no message'}`, retryable: !isPermanentCategory(error.category) })
      else results.push({ key, ok: false, error: 'HubSpot returned neither a result nor an error for this record', retryable: true })
    }
  }
  return { results, fallback }
}
