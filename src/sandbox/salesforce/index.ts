import { createServer, type Server } from 'node:http'
import type { Express } from 'express'
import { createFaultInjector, type FaultInjector, type FaultPlan, type FaultStats } from '../fault-injector.ts'
import { createApiUsage } from './api-limits.ts'
import { createSandboxApp } from './app.ts'
import type { SalesforceFaultRequest } from './control-routes.ts'
import { createIdGenerator } from './ids.ts'
import { createRecordStore, type SfRecord } from './record-store.ts'
import { createRequestStats } from './request-stats.ts'
import { DEFAULT_EXTERNAL_ID_FIELDS, createSchema } from './schema.ts'
import { createTokenRegistry } from './token-registry.ts'

export type { SalesforceFaultRequest } from './control-routes.ts'
export { DEFAULT_EXTERNAL_ID_FIELDS } from './schema.ts'

export interface SalesforceSandboxOptions {
  clientId?: string
  clientSecret?: string
  /** A token that is valid from the start, for the SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN mode. */
  staticAccessToken?: string
  /** `Object.Field__c` External ID fields that exist in the org (default: all three AgentClara fields). */
  externalIdFields?: string[]
  /** False: External ID fields without "Unique", so one value can match several records (300 / DUPLICATE_EXTERNAL_ID). */
  uniqueExternalIds?: boolean
  /** API requests per rolling 24 hours (default 100000). */
  apiLimit?: number
  /** An additional short window, e.g. `{ max: 5, windowMs: 60000 }`, to reach REQUEST_LIMIT_EXCEEDED in tests. */
  shortWindowLimit?: { max: number, windowMs: number }
  /** Added to every API request. */
  latencyMs?: number
}

export interface SandboxState {
  records: Record<string, SfRecord[]>
  requests: { total: number, byStatus: Record<string, number>, byRoute: Record<string, number> }
  tokenGrants: number
  apiUsage: { used: number, limit: number }
  faults: FaultStats
}

export interface SalesforceSandbox {
  app: Express
  /** The client credentials the token endpoint accepts. */
  clientId: string
  clientSecret: string
  /** Starts listening; resolves to the base URL (also the OAuth `instance_url`). */
  listen: (port?: number, host?: string) => Promise<string>
  close: () => Promise<void>
  faults: FaultInjector
  /** Applies a FaultPlan plus `expireTokens` / `rejectTokens`, exactly like `POST /__sandbox/faults`. */
  setFaults: (request: SalesforceFaultRequest) => void
  dump: () => SandboxState
  /** The request counters alone: cheap enough to sample while a benchmark runs. */
  requestStats: () => SandboxState['requests']
  /** Clears records, counters, API usage and faults; issued tokens stay valid and the static one is valid again. */
  reset: () => void
  /** Invalidates every issued token, so clients must re-authorise. */
  expireTokens: () => void
  /** While on, every token is refused with 401 INVALID_SESSION_ID, even a freshly issued one. */
  rejectTokens: (on: boolean) => void
}

const FAULT_KEYS = ['failNext', 'hangNext', 'rateLimitNext', 'latencyMs', 'failRecords'] as const

/** A stateful fake of the Salesforce REST API that the real jsforce talks to over HTTP. */
export function createSalesforceSandbox (options: SalesforceSandboxOptions = {}): SalesforceSandbox {
  const schema = createSchema({
    externalIdFields: options.externalIdFields ?? DEFAULT_EXTERNAL_ID_FIELDS,
    uniqueExternalIds: options.uniqueExternalIds ?? true
  })
  const store = createRecordStore(schema, createIdGenerator())
  const faults = createFaultInjector()
  const tokens = createTokenRegistry({ staticToken: options.staticAccessToken })
  const usage = createApiUsage({ daily: options.apiLimit ?? 100000, shortWindow: options.shortWindowLimit })
  const stats = createRequestStats()
  const clientId = options.clientId ?? 'sandbox-client-id'
  const clientSecret = options.clientSecret ?? 'sandbox-client-secret'
  const baseFaults = (): FaultPlan => (options.latencyMs ? { latencyMs: options.latencyMs } : {})
  faults.set(baseFaults())

  function setFaults (request: SalesforceFaultRequest): void {
    if (request.expireTokens) tokens.expireAll()
    if (request.rejectTokens !== undefined) tokens.rejectAll(request.rejectTokens)
    // A body with only the session switches leaves the current fault plan alone.
    const plan: FaultPlan = {}
    let hasPlan = false
    for (const key of FAULT_KEYS) {
      if (request[key] !== undefined) { Object.assign(plan, { [key]: request[key] }); hasPlan = true }
    }
    if (hasPlan) faults.set({ ...baseFaults(), ...plan })
  }

  const dump = (): SandboxState => ({
    records: Object.fromEntries([...schema.keys()].map((type) => [type, store.all(type)])),
    requests: stats.snapshot(),
    tokenGrants: tokens.grants(),
    apiUsage: usage.usage(),
    faults: faults.stats()
  })

  function reset (): void {
    store.clear()
    stats.reset()
    usage.reset()
    tokens.reset()
    faults.reset()
    faults.set(baseFaults())
  }

  const app = createSandboxApp({
    schema,
    store,
    faults,
    tokens,
    usage,
    stats,
    clientId,
    clientSecret,
    control: { applyFaults: setFaults, state: dump, reset }
  })

  let server: Server | undefined
  return {
    app,
    clientId,
    clientSecret,
    faults,
    setFaults,
    dump,
    requestStats: stats.snapshot,
    reset,
    expireTokens: () => tokens.expireAll(),
    rejectTokens: (on) => tokens.rejectAll(on),
    listen (port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const s = createServer(app)
        server = s
        s.once('error', reject)
        s.listen(port, host, () => {
          const address = s.address()
          if (!address || typeof address === 'string') { reject(new Error('no address')); return }
          const h = address.family === 'IPv6' ? `[${address.address}]` : address.address
          resolve(`http://${h}:${address.port}`)
        })
      })
    },
    close () {
      const s = server
      server = undefined
      faults.close()
      if (!s) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        s.close((err) => { if (err) reject(err); else resolve() })
        // Keep-alive sockets (node's global agent keeps them) would otherwise hold close() open.
        s.closeAllConnections()
      })
    }
  }
}
