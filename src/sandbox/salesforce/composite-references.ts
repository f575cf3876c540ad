import { SfRequestError } from './sf-errors.ts'

/**
 * `@{referenceId.path}` in a Composite subrequest's body, as the REST API Developer Guide
 * describes it ("Composite Subrequest", referenceId: "Use this syntax to include a reference:
 * @{referenceId.FieldName}. … The . operator references a field on a JSON object in the
 * response … The [] operator indexes a JSON collection in the response … You can use each
 * operator recursively"): an sObject Collections answer is an array, so `@{contacts0[3].id}`
 * is the id of the fourth record the `contacts0` subrequest wrote.
 *
 * A reference resolves against subrequests executed before this one. One that cannot resolve
 * (an unknown or later referenceId, a failed subrequest, a path with no value — a record that
 * failed has no `id`) means the subrequest depends on something that failed: "the remaining
 * subrequests that don't depend on the failed subrequest are executed. Dependent subrequests
 * aren't executed" (Composite Request Body, allOrNone). The guide does not document the answer
 * such a subrequest gets; ours is a 400 PROCESSING_HALTED naming the reference.
 */
const REFERENCE = /@\{([A-Za-z0-9_]+)((?:\.[A-Za-z0-9_]+|\[\d+\])*)\}/g

/** What earlier subrequests answered, by referenceId (only those that succeeded). */
export type ReferenceScope = ReadonlyMap<string, unknown>

function lookUp (scope: ReferenceScope, referenceId: string, path: string): unknown {
  if (!scope.has(referenceId)) return undefined
  let value: unknown = scope.get(referenceId)
  for (const [, field, index] of path.matchAll(/\.([A-Za-z0-9_]+)|\[(\d+)\]/g)) {
    if (value === null || typeof value !== 'object') return undefined
    value = field !== undefined ? (value as Record<string, unknown>)[field] : (value as unknown[])[Number(index)]
  }
  return value
}

function resolveString (text: string, scope: ReferenceScope): string {
  return text.replace(REFERENCE, (whole, referenceId: string, path: string) => {
    const value = lookUp(scope, referenceId, path)
    if (value === undefined || value === null || typeof value === 'object') {
      throw new SfRequestError(400, 'PROCESSING_HALTED', `Invalid reference specified. No value for ${whole.slice(2, -1)} found in ${referenceId}.`)
    }
    return String(value)
  })
}

/** The body with every reference replaced by its value; throws SfRequestError when one does not resolve. */
export function resolveReferences (body: unknown, scope: ReferenceScope): unknown {
  if (typeof body === 'string') return body.includes('@{') ? resolveString(body, scope) : body
  if (Array.isArray(body)) return body.map((item) => resolveReferences(item, scope))
  if (body !== null && typeof body === 'object') {
    return Object.fromEntries(Object.entries(body).map(([key, value]) => [key, resolveReferences(value, scope)]))
  }
  return body
}
