import { chunk } from '../../chunk.ts'
import type { RecordResult } from '../connector.ts'
import { CrmRetryableError } from '../errors.ts'
import { recordFailure, retryableStatus, type SalesforceRecordError } from './errors.ts'
import type { RecordGuard } from './keep-crm-values.ts'
import type { SalesforceRecord } from './mapping.ts'

/** sObject Collections take at most 200 records per request. */
export const MAX_COLLECTION_SIZE = 200
/** A Composite request carries up to 5 sObject Collections subrequests, and counts as one API call. */
export const MAX_COLLECTIONS_PER_CALL = 5

export interface UpsertResultLike { id?: string | null, success: boolean, errors?: SalesforceRecordError[] }

/** One collection's answer: a result per record, or the collection refused as a whole (its HTTP status and errors). */
export type CollectionAnswer = { results: UpsertResultLike[] } | { status: number, errors: SalesforceRecordError[] }

/** One subrequest of a Composite request: an sObject Collections upsert by External ID. */
export interface OutgoingCollection { referenceId: string, object: string, externalIdField: string, records: SalesforceRecord[] }

/**
 * A record to write. `linkTo`: the key of a record written by this same `writeCollections`
 * (a Task's Contact) whose Salesforce id goes in `part.linkField`: the id itself once it is
 * known, or `@{reference[i].id}` when that record goes earlier in the same Composite request.
 */
export interface Entry { key: string, record: SalesforceRecord, linkTo?: string }

/** The records of one object; `linkField` takes the id of each entry's `linkTo`. */
export interface Part { object: string, externalIdField: string, entries: Entry[], guard?: RecordGuard, linkField?: string }

/**
 * Writes every part's entries in collections of ≤200 records of one object, five collections
 * a Composite request (one API call), calls one after another in part order — so a record
 * another links to goes in the same call as it, or an earlier one. An entry whose linked
 * record failed is not sent (it fails, retryable, naming why). A collection Salesforce did
 * not execute because a record it referenced failed in the same call is sent once more, in a
 * later call, with the ids of the records that did land. A `guard` (if_empty fields) sees
 * each collection before it is sent. A whole-call failure throws.
 */
export async function writeCollections (parts: Part[], send: (collections: OutgoingCollection[]) => Promise<CollectionAnswer[]>): Promise<RecordResult[]> {
  const results = new Map<string, RecordResult>()
  const queue = parts.flatMap((part) => chunk(part.entries, MAX_COLLECTION_SIZE).map((entries) => ({ part, entries })))
  for (let call = 0; queue.length > 0; call++) {
    const group = queue.splice(0, MAX_COLLECTIONS_PER_CALL)
    // Where each record of this call goes: `referenceId[index]`, for the records linking to it.
    const placed = new Map<string, string>()
    const built = []
    for (const [c, { part, entries }] of group.entries()) {
      const referenceId = `${part.object}_${call}_${c}`
      const ready: Entry[] = []
      const referenced = new Set<string>()
      for (const entry of entries) {
        const link = linkFor(entry, placed)
        if (link === undefined) { ready.push(entry); continue }
        if ('failed' in link) { results.set(entry.key, link.failed); continue }
        if (!part.linkField) throw new Error(`${part.object}: an entry links to ${entry.linkTo} but the part names no linkField`)
        if (link.referenced) referenced.add(entry.linkTo as string)
        ready.push({ ...entry, record: { ...entry.record, [part.linkField]: link.value } })
      }
      const guarded = part.guard ? await part.guard(ready) : { batch: ready, skipped: undefined }
      guarded.batch.forEach(({ key }, i) => placed.set(key, `${referenceId}[${i}]`))
      built.push({ referenceId, part, entries, batch: guarded.batch, skipped: guarded.skipped, referenced })
    }
    const sendable = built.filter(({ batch }) => batch.length > 0)
    if (sendable.length === 0) continue
    const answers = await send(sendable.map(({ referenceId, part, batch }) => ({ referenceId, object: part.object, externalIdField: part.externalIdField, records: batch.map((entry) => entry.record) })))
    if (!Array.isArray(answers) || answers.length !== sendable.length) {
      throw new CrmRetryableError(`Salesforce returned ${Array.isArray(answers) ? answers.length : 'no'} answers for ${sendable.length} collections`)
    }
    // In request order: the records others link to are settled before those linking to them.
    sendable.forEach(({ part, entries, batch, skipped, referenced }, c) => {
      const answer = answers[c]!
      if ('status' in answer) {
        if ([...referenced].some((key) => !results.get(key)?.ok)) {
          // Not executed because a record it referenced failed: the others go again, linked by id.
          const unsettled = entries.filter((entry) => !results.has(entry.key))
          const again = unsettled.filter((entry) => !entry.linkTo || !referenced.has(entry.linkTo) || results.get(entry.linkTo)?.ok)
          for (const entry of unsettled) if (!again.includes(entry)) results.set(entry.key, dependentFailure(entry.key, results.get(entry.linkTo as string)))
          if (again.length > 0) queue.push({ part, entries: again })
          return
        }
        for (const { key } of batch) {
          const failure = recordFailure(key, answer.errors)
          // Retried as a whole call with that status would be (toCrmError).
          results.set(key, { ...failure, error: `Salesforce refused the collection (${answer.status}): ${failure.error}`, retryable: retryableStatus(answer.status) })
        }
        return
      }
      if (answer.results.length !== batch.length) {
        throw new CrmRetryableError(`Salesforce returned ${answer.results.length} results for ${batch.length} records`)
      }
      batch.forEach(({ key }, i) => {
        const result = answer.results[i]!
        results.set(key, result.success && result.id
          ? { key, ok: true, crmId: result.id, ...(skipped ? { skipped: skipped.get(key) ?? [] } : {}) }
          : recordFailure(key, result.errors ?? []))
      })
    })
  }
  return [...results.values()]

  /** The value of an entry's link field, or why it cannot go; undefined when it links to nothing. */
  function linkFor (entry: Entry, placed: Map<string, string>): { value: string, referenced: boolean } | { failed: RecordResult } | undefined {
    if (entry.linkTo === undefined) return undefined
    const linked = results.get(entry.linkTo)
    if (linked?.ok) return { value: linked.crmId, referenced: false }
    if (linked) return { failed: dependentFailure(entry.key, linked) }
    const place = placed.get(entry.linkTo)
    if (place) return { value: `@{${place}.id}`, referenced: true }
    return { failed: { key: entry.key, ok: false, error: `${entry.linkTo} is not written with it`, retryable: true } }
  }
}

function dependentFailure (key: string, linked: RecordResult | undefined): RecordResult {
  const why = linked && !linked.ok ? `: ${linked.error}` : ''
  return { key, ok: false, error: `not written: ${linked?.key ?? 'the record it links to'} failed${why}`, retryable: true }
}
