import express, { type Router } from 'express'
import type { ApiContext } from './api-context.ts'
import { resolveReferences } from './composite-references.ts'
import { upsertCollection } from './composite-routes.ts'
import { SfRequestError, sfErrorBody } from './sf-errors.ts'

// "You can have up to 25 subrequests in a single call. Up to 5 of these subrequests can be
// sObject Collections or query operations" (REST API Developer Guide, Composite).
const MAX_SUBREQUESTS = 25
const MAX_COLLECTIONS = 5
const COLLECTION_UPSERT = /^\/services\/data\/v\d+\.0\/composite\/sobjects\/([A-Za-z0-9_]+)\/([A-Za-z0-9_]+)$/

interface Subrequest { method?: unknown, url?: unknown, referenceId?: unknown, body?: unknown }
interface SubResponse { body: unknown, httpHeaders: Record<string, string>, httpStatusCode: number, referenceId: string }

/**
 * Composite (`POST /composite`), as the REST API Developer Guide describes it ("Send Multiple
 * Requests Using Composite",
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/resources_composite_composite_post.htm):
 * a series of subrequests executed in order in ONE call — "The entire series of requests
 * counts as a single call toward your API limits", so the usage middleware counts it once —
 * answered as `{ compositeResponse: [{ body, httpHeaders, httpStatusCode, referenceId }] }` in
 * request order, a failed subrequest carrying the error array a request of its own would get.
 * With `allOrNone` false (the default) a failed subrequest leaves the others committed.
 *
 * Modelled: the subrequest the Salesforce connector sends, an sObject Collections upsert by
 * External ID (`PATCH …/composite/sobjects/{type}/{externalIdField}`), `@{reference}` values
 * in its body (composite-references.ts), and the limits above. Anything else — other
 * subrequests, `allOrNone: true` — is refused with a 400 that says so, so no test can pass
 * on behaviour the sandbox does not model.
 * Salesforce does not document the error codes of a request over its limits; these are ours.
 */
export function createCompositeRequestRoutes (ctx: ApiContext): Router {
  const router = express.Router({ mergeParams: true })
  router.post('/composite', (req, res) => {
    const body = (req.body ?? {}) as { allOrNone?: unknown, compositeRequest?: unknown }
    if (!Array.isArray(body.compositeRequest) || body.compositeRequest.length === 0) {
      throw new SfRequestError(400, 'JSON_PARSER_ERROR', 'compositeRequest: required non-empty array is missing')
    }
    if (body.allOrNone === true) throw new SfRequestError(400, 'INVALID_INPUT', 'allOrNone: true is not modelled by the sandbox')
    const subrequests = body.compositeRequest as Subrequest[]
    if (subrequests.length > MAX_SUBREQUESTS) {
      throw new SfRequestError(400, 'INVALID_INPUT', `a composite request takes at most ${MAX_SUBREQUESTS} subrequests, got ${subrequests.length}`)
    }
    const routes = subrequests.map((sub) => typeof sub.url === 'string' && sub.method === 'PATCH' ? COLLECTION_UPSERT.exec(sub.url) : null)
    const unmodelled = subrequests.findIndex((_sub, i) => !routes[i])
    if (unmodelled >= 0) {
      throw new SfRequestError(400, 'INVALID_INPUT', `subrequest ${unmodelled}: only PATCH /services/data/vXX.0/composite/sobjects/{type}/{externalIdField} is modelled by the sandbox`)
    }
    if (subrequests.length > MAX_COLLECTIONS) {
      throw new SfRequestError(400, 'INVALID_INPUT', `a composite request takes at most ${MAX_COLLECTIONS} sObject Collections or query subrequests, got ${subrequests.length}`)
    }
    const references = subrequests.map((sub) => sub.referenceId)
    if (references.some((ref) => typeof ref !== 'string' || !/^[A-Za-z0-9_]+$/.test(ref)) || new Set(references).size !== references.length) {
      throw new SfRequestError(400, 'INVALID_INPUT', 'every subrequest needs its own referenceId (letters, digits, underscores)')
    }
    // What each subrequest answered, for the references of those after it.
    const answered = new Map<string, unknown>()
    const compositeResponse = subrequests.map((sub, i): SubResponse => {
      const [, type, extField] = routes[i] as RegExpExecArray
      const referenceId = String(sub.referenceId)
      try {
        const body = upsertCollection(ctx, type, String(extField), resolveReferences(sub.body, answered))
        answered.set(referenceId, body)
        return { body, httpHeaders: {}, httpStatusCode: 200, referenceId }
      } catch (err) {
        if (!(err instanceof SfRequestError)) throw err
        return { body: sfErrorBody(err.errorCode, err.message, err.fields), httpHeaders: {}, httpStatusCode: err.status, referenceId }
      }
    })
    res.json({ compositeResponse })
  })
  return router
}
