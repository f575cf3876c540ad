import type { RecordResult } from '../connector.ts'
import { CrmRetryableError } from '../errors.ts'
import { recordFailure, retryableStatus, type SalesforceRecordError } from './errors.ts'
import type { RecordGuard } from './keep-crm-values.ts'
import type { SalesforceRecord } from './mapping.ts'

/** sObject Collections take at most 200 records per request. */
export const MAX_COLLECTION_SIZE = 200
/** A Composite request carries up to 5 sObject Collections subrequests, and counts as one API call. */
export const MAX_COLLECTIONS_PER_CALL = 5
export const MAX_RECORDS_PER_CALL = MAX_COLLECTION_SIZE * MAX_COLLECTIONS_PER_CALL

export interface UpsertResultLike { id?: string | null, success: boolean, errors?: SalesforceRecordError[] }

/** One collection's answer: a result per record, or the collection refused as a whole (its HTTP status and errors). */
export type CollectionAnswer = { results: UpsertResultLike[] } | { status: number, errors: SalesforceRecordError[] }

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
 * Coalesces, maps, and sends in collections of ≤200, up to 5 collections a call (one
 * Composite request; calls one after another, each through the limiter), and maps the
 * positional results back to the AgentClara keys. A whole-call failure throws; a collection
 * refused on its own fails its records. A `guard` (if_empty fields) sees each collection
 * before it is sent.
 */
export async function upsertInBatches<T> (
  items: T[],
  keyOf: (item: T) => string,
  toRecord: (item: T) => SalesforceRecord,
  send: (collections: SalesforceRecord[][]) => Promise<CollectionAnswer[]>,
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
  for (const group of chunk(chunk(ready, MAX_COLLECTION_SIZE), MAX_COLLECTIONS_PER_CALL)) {
    const guarded = []
    for (const collection of group) guarded.push(guard ? await guard(collection) : { batch: collection, skipped: undefined })
    const sendable = guarded.filter(({ batch }) => batch.length > 0)
    if (sendable.length === 0) continue
    const answers = await send(sendable.map(({ batch }) => batch.map((entry) => entry.record)))
    if (!Array.isArray(answers) || answers.length !== sendable.length) {
      throw new CrmRetryableError(`Salesforce returned ${Array.isArray(answers) ? answers.length : 'no'} answers for ${sendable.length} collections`)
    }
    sendable.forEach(({ batch, skipped }, c) => {
      const answer = answers[c]!
      if ('status' in answer) {
        for (const { key } of batch) {
          const failure = recordFailure(key, answer.errors)
          // Retried as a whole call with that status would be (toCrmError).
          results.push({ ...failure, error: `Salesforce refused the collection (${answer.status}): ${failure.error}`, retryable: retryableStatus(answer.status) })
        }
        return
      }
      if (answer.results.length !== batch.length) {
        throw new CrmRetryableError(`Salesforce returned ${answer.results.length} results for ${batch.length} records`)
      }
      batch.forEach(({ key }, i) => {
        const result = answer.results[i]!
        results.push(result.success && result.id
          ? { key, ok: true, crmId: result.id, ...(skipped ? { skipped: skipped.get(key) ?? [] } : {}) }
          : recordFailure(key, result.errors ?? []))
      })
    })
  }
  return results
}
