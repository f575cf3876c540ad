import type { RecordResult } from '../connector.ts'
import { CrmRetryableError } from '../errors.ts'
import { recordFailure, type SalesforceRecordError } from './errors.ts'
import type { RecordGuard } from './keep-crm-values.ts'
import type { SalesforceRecord } from './mapping.ts'

/** sObject Collections take at most 200 records per request. */
export const MAX_COLLECTION_SIZE = 200

export interface UpsertResultLike { id?: string | null, success: boolean, errors?: SalesforceRecordError[] }

/**
 * A repeated External ID within one collection fails every matching record, so keep one
 * entry per key: the last one (the newest state), in the order keys first appeared.
 */
export function coalesceByKey<T> (items: T[], keyOf: (item: T) => string): T[] {
  const latest = new Map<string, T>()
  for (const item of items) latest.set(keyOf(item), item)
  return [...latest.values()]
}

export function chunk<T> (items: T[], size: number): T[][] {
  const chunks: T[][] = []
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size))
  return chunks
}

/**
 * Coalesces, maps, sends in collections of ≤200 (one after another, each through the limiter)
 * and maps the positional results back to the AgentClara keys. A whole-call failure throws.
 * A `guard` (if_empty fields) sees each collection before it is sent.
 */
export async function upsertInBatches<T> (
  items: T[],
  keyOf: (item: T) => string,
  toRecord: (item: T) => SalesforceRecord,
  send: (records: SalesforceRecord[]) => Promise<UpsertResultLike[]>,
  guard?: RecordGuard
): Promise<RecordResult[]> {
  const results: RecordResult[] = []
  const ready: Array<{ key: string, record: SalesforceRecord }> = []
  for (const item of coalesceByKey(items, keyOf)) {
    const key = keyOf(item)
    if (!key) {
      results.push({ key, ok: false, error: 'missing AgentClara id', retryable: false })
      continue
    }
    try {
      ready.push({ key, record: toRecord(item) })
    } catch (err) {
      results.push({ key, ok: false, error: `cannot map to Salesforce: ${(err as Error).message}`, retryable: false })
    }
  }
  for (const collection of chunk(ready, MAX_COLLECTION_SIZE)) {
    const { batch, skipped } = guard ? await guard(collection) : { batch: collection, skipped: undefined }
    const answers = await send(batch.map((entry) => entry.record))
    if (!Array.isArray(answers) || answers.length !== batch.length) {
      throw new CrmRetryableError(`Salesforce returned ${Array.isArray(answers) ? answers.length : 'no'} results for ${batch.length} records`)
    }
    batch.forEach(({ key }, i) => {
      const answer = answers[i]!
      results.push(answer.success && answer.id
        ? { key, ok: true, crmId: answer.id, ...(skipped ? { skipped: skipped.get(key) ?? [] } : {}) }
        : recordFailure(key, answer.errors ?? []))
    })
  }
  return results
}
