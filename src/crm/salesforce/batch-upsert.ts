import type { RecordResult } from '../connector.ts'
import type { RecordGuard } from './keep-crm-values.ts'
import type { SalesforceRecord } from './mapping.ts'
import { MAX_COLLECTION_SIZE, MAX_COLLECTIONS_PER_CALL, writeCollections, type CollectionAnswer, type Entry, type OutgoingCollection } from './write-collections.ts'

export { MAX_COLLECTION_SIZE, MAX_COLLECTIONS_PER_CALL, type CollectionAnswer, type UpsertResultLike } from './write-collections.ts'
export const MAX_RECORDS_PER_CALL = MAX_COLLECTION_SIZE * MAX_COLLECTIONS_PER_CALL

/**
 * A repeated External ID within one collection fails every matching record, so keep one
 * entry per key: the last one (the newest state), in the order keys first appeared.
 */
export function coalesceByKey<T> (items: T[], keyOf: (item: T) => string): T[] {
  const latest = new Map<string, T>()
  for (const item of items) latest.set(keyOf(item), item)
  return [...latest.values()]
}

/**
 * Coalesces and maps items to records: the entries to send, and a failure for each item
 * that cannot go (no key, or a value Salesforce cannot take).
 */
export function prepareEntries<T> (items: T[], keyOf: (item: T) => string, toRecord: (item: T) => SalesforceRecord, linkTo?: (item: T) => string | undefined): { entries: Entry[], failures: RecordResult[] } {
  const entries: Entry[] = []
  const failures: RecordResult[] = []
  for (const item of coalesceByKey(items, keyOf)) {
    const key = keyOf(item)
    if (!key) {
      failures.push({ key, ok: false, error: 'missing AgentClara id', retryable: false })
      continue
    }
    try {
      const link = linkTo?.(item)
      entries.push({ key, record: toRecord(item), ...(link ? { linkTo: link } : {}) })
    } catch (err) {
      failures.push({ key, ok: false, error: `cannot map to Salesforce: ${(err as Error).message}`, retryable: false })
    }
  }
  return { entries, failures }
}

/**
 * Coalesces, maps, and sends one object's records (`target`: the object, the External ID
 * field it is upserted by, and a `guard` for if_empty fields that sees each collection before
 * it is sent) in collections of ≤200, up to 5 collections a call (one Composite request;
 * calls one after another, each through the limiter), and maps the positional results back to
 * the AgentClara keys. A whole-call failure throws; a collection refused on its own fails its
 * records.
 */
export async function upsertInBatches<T> (
  items: T[],
  keyOf: (item: T) => string,
  toRecord: (item: T) => SalesforceRecord,
  target: { object: string, externalIdField: string, guard?: RecordGuard | undefined },
  send: (collections: OutgoingCollection[]) => Promise<CollectionAnswer[]>
): Promise<RecordResult[]> {
  const { entries, failures } = prepareEntries(items, keyOf, toRecord)
  const written = await writeCollections([{ ...target, entries }], send)
  return [...failures, ...written]
}
