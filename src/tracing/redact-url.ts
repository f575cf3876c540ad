/**
 * Query strings can carry what spans must not: a dashboard search for a customer's name,
 * a SOQL query. Parameter names are kept (they say what was asked), values are not.
 */
export function redactQuery (query: string): string {
  const params = new URLSearchParams(query.startsWith('?') ? query.slice(1) : query)
  return [...params.keys()].map((name) => `${encodeURIComponent(name)}=REDACTED`).join('&')
}

/** A request path (`/x?a=1`) with its query values redacted. */
export function redactPath (path: string): string {
  const at = path.indexOf('?')
  return at === -1 ? path : `${path.slice(0, at)}?${redactQuery(path.slice(at + 1))}`
}
