import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The Prometheus metrics the service exposes at /metrics (names from DESIGN.md). */
export function createMetrics (options: {
  defaultMetrics?: boolean
  /** Read at scrape time for `queue_depth`. */
  queueDepths?: () => Promise<Array<{ queue: string, depth: number }>>
  /** Read at scrape time for `queue_oldest_job_age_seconds` (null: nothing waiting). */
  queueAges?: () => Promise<Array<{ queue: string, seconds: number | null }>>
} = {}) {
  const registry = new Registry()
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  return {
    registry,
    deliveries: new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries by outcome (accepted, duplicate, ignored, quarantined, unauthorized, too_large, unsupported_media_type, unavailable, bad_request).',
      labelNames: ['outcome'] as const,
      registers: [registry]
    }),
    ackSeconds: new Histogram({
      name: 'webhook_ack_seconds',
      help: 'Time from a delivery arriving to its answer being sent.',
      labelNames: ['status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry]
    }),
    crmRequests: new Counter({
      name: 'crm_requests_total',
      help: 'HTTP requests to each CRM by status code (or timeout/error).',
      labelNames: ['crm', 'status'] as const,
      registers: [registry]
    }),
    crmSync: new Counter({
      name: 'crm_sync_total',
      help: 'Entity syncs per CRM by outcome (synced, unchanged, retrying, dead).',
      labelNames: ['crm', 'outcome'] as const,
      registers: [registry]
    }),
    queueDepth: new Gauge({
      name: 'queue_depth',
      help: 'Jobs waiting (created or retry) per queue.',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect () {
        if (!options.queueDepths) return
        this.reset()
        for (const { queue, depth } of await options.queueDepths()) this.set({ queue }, depth)
      }
    }),
    oldestJobAge: new Gauge({
      name: 'queue_oldest_job_age_seconds',
      help: 'Age of the oldest job waiting (created or retry) per queue; 0 when none waits.',
      labelNames: ['queue'] as const,
      registers: [registry],
      async collect () {
        if (!options.queueAges) return
        this.reset()
        for (const { queue, seconds } of await options.queueAges()) this.set({ queue }, seconds ?? 0)
      }
    })
  }
}

export type Metrics = ReturnType<typeof createMetrics>
