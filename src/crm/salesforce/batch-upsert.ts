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

/** One object's records for `upsertKindsInBatches`: each keyed, its body made on demand (mapping may throw). */
export interface UpsertKind {
  entries: Array<{ key: string, toRecord: () => SalesforceRecord }>
  /** if_empty fields: sees each collection of this object before it is sent. */
  guard?: RecordGuard | undefined
}

/** A collection to send: which of the kinds given it holds, and its records. */
export interface KindCollection { kind: number, records: SalesforceRecord[] }

/**
 * Coalesces, maps, and sends each kind's records (an object) in collections of ≤200 of its
 * own, the collections of all kinds packed in order up to 5 a call — one Composite request,
 * which may mix objects and still counts as one call; calls one after another, each through
 * the limiter. Maps the positional results back to the AgentClara keys, per kind in the order
 * given. A whole-call failure throws; a collection refused on its own fails its records. A
 * kind's `guard` (if_empty fields) sees each of its collections before it is sent.
 */
export async function upsertKindsInBatches (kinds: UpsertKind[], send: (collections: KindCollection[]) => Promise<CollectionAnswer[]>): Promise<RecordResult[][]> {
  const results: RecordResult[][] = kinds.map(() => [])
  const collections: Array<{ kind: number, batch: Array<{ key: string, record: SalesforceRecord }> }> = []
  kinds.forEach(({ entries }, kind) => {
    const ready: Array<{ key: string, record: SalesforceRecord }> = []
    for (const { key, toRecord } of coalesceByKey(entries, (entry) => entry.key)) {
      if (!key) {
        results[kind]!.push({ key, ok: false, error: 'missing AgentClara id', retryable: false })
        continue
      }
      try {
        ready.push({ key, record: toRecord() })
      } catch (err) {
        results[kind]!.push({ key, ok: false, error: `cannot map to Salesforce: ${(err as Error).message}`, retryable: false })
      }
    }
    for (const batch of chunk(ready, MAX_COLLECTION_SIZE)) collections.push({ kind, batch })
  })
  for (const group of chunk(collections, MAX_COLLECTIONS_PER_CALL)) {
    const guarded = []
    for (const { kind, batch } of group) {
      const guard = kinds[kind]?.guard
      guarded.push({ kind, ...(guard ? await guard(batch) : { batch, skipped: undefined }) })
    }
    const sendable = guarded.filter(({ batch }) => batch.length > 0)
    if (sendable.length === 0) continue
    const answers = await send(sendable.map(({ kind, batch }) => ({ kind, records: batch.map((entry) => entry.record) })))
    if (!Array.isArray(answers) || answers.length !== sendable.length) {
      throw new CrmRetryableError(`Salesforce returned ${Array.isArray(answers) ? answers.length : 'no'} answers for ${sendable.length} collections`)
    }
    sendable.forEach(({ kind, batch, skipped }, c) => {
      const answer = answers[c]!
      const out = results[kind]!
      if ('status' in answer) {
        for (const { key } of batch) {
          const failure = recordFailure(key, answer.errors)
          // Retried as a whole call with that status would be (toCrmError).
          out.push({ ...failure, error: `Salesforce refused the collection (${answer.status}): ${failure.error}`, retryable: retryableStatus(answer.status) })
        }
        return
      }
      if (answer.results.length !== batch.length) {
        throw new CrmRetryableError(`Salesforce returned ${answer.results.length} results for ${batch.length} records`)
      }
      batch.forEach(({ key }, i) => {
        const result = answer.results[i]!
        out.push(result.success && result.id
          ? { key, ok: true, crmId: result.id, ...(skipped ? { skipped: skipped.get(key) ?? [] } : {}) }
          : recordFailure(key, result.errors ?? []))
      })
    })
  }
  return results
}
