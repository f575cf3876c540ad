import type { Connection } from 'jsforce'
import type { SalesforceRecordError } from './errors.ts'
import type { CollectionAnswer, OutgoingCollection, UpsertResultLike } from './write-collections.ts'

interface CompositeResponse {
  compositeResponse?: Array<{ body?: unknown, httpStatusCode?: number, referenceId?: string }>
}

/**
 * Upserts up to 5 collections of ≤200 records by External ID in ONE Composite request, which
 * "counts as a single call toward your API limits" (REST API Developer Guide, "Send Multiple
 * Requests Using Composite"; up to 25 subrequests, at most 5 of them sObject Collections).
 * Each subrequest is the sObject Collections upsert jsforce's `sobject().upsert` sends on its
 * own (`PATCH …/composite/sobjects/{object}/{externalIdField}`, every record typed in
 * `attributes`), so a collection behaves as it did alone; collections of different objects
 * may share a request, a later one naming a record of an earlier one as `@{referenceId[i].id}`.
 * `allOrNone: false` throughout, so one refused collection leaves the others written. The
 * External ID values travel in the body, never in a URL path.
 */
export async function upsertCollections (conn: Connection, collections: OutgoingCollection[]): Promise<CollectionAnswer[]> {
  const compositeRequest = collections.map(({ referenceId, object, externalIdField, records }) => ({
    method: 'PATCH',
    url: `/services/data/v${conn.version}/composite/sobjects/${object}/${externalIdField}`,
    referenceId,
    body: { allOrNone: false, records: records.map((record) => ({ attributes: { type: object }, ...record })) }
  }))
  const response = await conn.request<CompositeResponse>({
    method: 'POST',
    url: '/composite',
    body: JSON.stringify({ allOrNone: false, compositeRequest }),
    headers: { 'content-type': 'application/json' }
  })
  const answers = response.compositeResponse ?? []
  return collections.map(({ referenceId }): CollectionAnswer => {
    const answer = answers.find((a) => a.referenceId === referenceId)
    const status = answer?.httpStatusCode ?? 0
    if (answer && status >= 200 && status < 300 && Array.isArray(answer.body)) return { results: answer.body as UpsertResultLike[] }
    const errors = Array.isArray(answer?.body) ? answer.body as SalesforceRecordError[] : [{ errorCode: 'UNKNOWN_EXCEPTION', message: answer ? 'no result body' : 'no answer for this collection' }]
    return { status: status || 500, errors }
  })
}
