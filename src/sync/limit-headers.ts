/** What a CRM's rate-limit headers say, in one shape for both CRMs. */
export interface LimitHeaders {
  windowLimit?: number
  windowMs?: number
  windowRemaining?: number
  dailyLimit?: number
  dailyRemaining?: number
}

const number = (value: string | string[] | undefined): number | undefined => {
  const n = Number(Array.isArray(value) ? value[0] : value)
  return value === undefined || !Number.isFinite(n) ? undefined : n
}

/**
 * HubSpot: `X-HubSpot-RateLimit-Max`, `-Remaining`, `-Interval-Milliseconds`, `-Daily`,
 * `-Daily-Remaining` (https://developers.hubspot.com/docs/api/usage-details).
 * Salesforce: `Sforce-Limit-Info: api-usage=used/max` — the org's rolling 24 h usage
 * (https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/headers_api_usage.htm).
 */
export function readLimitHeaders (headers: Record<string, string | string[] | undefined>): LimitHeaders | undefined {
  const h = (name: string) => headers[name] ?? headers[name.toLowerCase()]
  const usage = /api-usage=(\d+)\/(\d+)/.exec(String(h('sforce-limit-info') ?? ''))
  if (usage) {
    const used = Number(usage[1])
    const max = Number(usage[2])
    return { dailyLimit: max, dailyRemaining: Math.max(0, max - used) }
  }
  const seen: LimitHeaders = {
    windowLimit: number(h('x-hubspot-ratelimit-max')),
    windowMs: number(h('x-hubspot-ratelimit-interval-milliseconds')),
    windowRemaining: number(h('x-hubspot-ratelimit-remaining')),
    dailyLimit: number(h('x-hubspot-ratelimit-daily')),
    dailyRemaining: number(h('x-hubspot-ratelimit-daily-remaining'))
  }
  return Object.values(seen).some((value) => value !== undefined) ? seen : undefined
}
