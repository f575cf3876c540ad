import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client'

/** The Prometheus metrics the service exposes at /metrics (names from DESIGN.md). */
export function createMetrics (options: {
  defaultMetrics?: boolean
  /** Read at scrape time for `queue_depth`. */
  queueDepths?: () => Promise<Array<{ queue: string, depth: number }>>
  /** Read at scrape time for the rate-budget, circuit and waiting gauges. */
  crmHealth?: () => Promise<Array<{ crm: string, windowUsed: number, windowLimit: number, dayUsed: number, dayLimit: number, circuitOpen: boolean, waiting: number }>>
  /** Read at scrape time for `queue_oldest_job_age_seconds` (null: nothing waiting). */
  queueAges?: () => Promise<Array<{ queue: string, seconds: number | null }>>
} = {}) {
  const registry = new Registry()
  // The four CRM gauges collect together during one scrape: they share the read in flight.
  type Health = Awaited<ReturnType<NonNullable<typeof options.crmHealth>>>[number]
  let health: Promise<Health[]> | undefined
  const readHealth = () => {
    health ??= (options.crmHealth?.() ?? Promise.resolve([])).finally(() => { health = undefined })
    return health
  }
  const crmGauge = (name: string, help: string, fill: (h: Health, set: (labels: Record<string, string>, value: number) => void) => void) => new Gauge({
    name,
    help,
    labelNames: name.startsWith('crm_rate_budget') ? ['crm', 'window'] : ['crm'],
    registers: [registry],
    async collect () {
      if (!options.crmHealth) return
      this.reset()
      for (const h of await readHealth()) fill(h, (labels, value) => this.set(labels, value))
    }
  })
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: registry })
  return {
    registry,
    deliveries: new Counter({
      name: 'webhook_deliveries_total',
      help: 'Webhook deliveries by outcome (accepted, duplicate, ignored, quarantined, unauthorized, too_large, unsupported_media_type, unavailable, bad_request).',
      labelNames: ['outcome'] as const,
      registers: [registry]
    }),
    signatureForms: new Counter({
      name: 'webhook_signature_form_total',
      help: 'Authenticated deliveries by the form their signature covered: raw (the bytes sent) or json-stringify (the vendor Node sample\'s re-serialised body).',
      labelNames: ['form'] as const,
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
      help: 'Entity syncs per CRM by outcome (synced, unchanged, deferred, retrying, waiting, dead).',
      labelNames: ['crm', 'outcome'] as const,
      registers: [registry]
    }),
    crmDrift: new Counter({
      name: 'crm_drift_total',
      help: 'Drift found by reconciliation per CRM by kind (missing, differing, duplicate, unassociated): records whose CRM copy is not the mirror.',
      labelNames: ['crm', 'kind'] as const,
      registers: [registry]
    }),
    budgetUsed: crmGauge('crm_rate_budget_used', 'Requests drawn from each CRM\'s shared rate budget: in its short window, and in the rolling 24 h.',
      (h, set) => { set({ crm: h.crm, window: 'short' }, h.windowUsed); set({ crm: h.crm, window: 'daily' }, h.dayUsed) }),
    budgetLimit: crmGauge('crm_rate_budget_limit', 'What each CRM\'s shared rate budget allows: per short window (with a safety margin), and per 24 h (this app\'s share).',
      (h, set) => { set({ crm: h.crm, window: 'short' }, h.windowLimit); set({ crm: h.crm, window: 'daily' }, h.dayLimit) }),
    circuitOpen: crmGauge('crm_circuit_open', '1 while a CRM is unavailable as a whole (its circuit is open) and records wait instead of spending attempts.',
      (h, set) => set({ crm: h.crm }, h.circuitOpen ? 1 : 0)),
    recordsWaiting: crmGauge('crm_records_waiting', 'Records parked for a CRM: while it is unavailable, or until their contact is in it.',
      (h, set) => set({ crm: h.crm }, h.waiting)),
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
