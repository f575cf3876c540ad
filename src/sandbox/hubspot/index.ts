import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Express } from 'express'
import { createFaultInjector, type FaultInjector, type FaultPlan, type FaultStats } from '../fault-injector.ts'
import { createHubspotApp } from './app.ts'
import { createSandboxAuth } from './auth.ts'
import { OBJECT_TYPES } from './object-types.ts'
import { createSandboxRateLimit, type RateLimitSettings } from './rate-limit.ts'
import { createRequestStats, type RequestStats } from './request-stats.ts'
import { createHubspotStore, type AssociationRecord, type StoredObject } from './store.ts'

export type { HubspotFaultRequest } from './control-routes.ts'
export type { RateLimitSettings } from './rate-limit.ts'

export interface HubspotSandboxOptions {
  /** Token every API request must carry as `Authorization: Bearer <token>`. */
  accessToken?: string
  /** TEN_SECONDLY_ROLLING limit per token; default 100 per 10 s like HubSpot. */
  rateLimit?: RateLimitSettings
  /** Latency added to every API request, in ms. */
  latencyMs?: number
  portalId?: number
}

export interface SandboxState {
  portalId: number
  /** Every record per object type name (contacts, communications, notes, meetings, appointments). */
  objects: Record<string, StoredObject[]>
  /** Both directions of every association, with type names for readability. */
  associations: Array<AssociationRecord & { fromObjectType: string, toObjectType: string }>
  /** Custom properties created through the API, in order. */
  propertiesCreated: Array<{ objectType: string, name: string }>
  requests: RequestStats
  faults: FaultStats
  rateLimit: RateLimitSettings
  tokenExpired: boolean
}

export interface HubspotSandbox {
  app: Express
  /** The token API requests must currently carry. */
  readonly accessToken: string
  /** Starts listening; resolves to the base URL to give the client as `basePath`. */
  listen: (port?: number, host?: string) => Promise<string>
  close: () => Promise<void>
  /** In-process fault injection: `sandbox.faults.set({ failNext: { count: 1, status: 502 } })`. */
  faults: FaultInjector
  dump: () => SandboxState
  /** The request counters alone: cheap enough to sample while a benchmark runs. */
  requestStats: () => RequestStats
  /** Back to a fresh portal: records, custom properties, faults, counters, token, limits. */
  reset: () => void
  setRateLimit: (settings: RateLimitSettings) => void
  /** The current token answers 401 EXPIRED_AUTHENTICATION until `reset()` or `setAccessToken()`. */
  expireToken: () => void
  setAccessToken: (token: string) => void
}

/**
 * A stateful fake of the HubSpot CRM API that the real `@hubspot/api-client` talks to over
 * HTTP. Over HTTP (no auth): `POST /__sandbox/faults` with a FaultPlan (and `expireToken`,
 * `accessToken`, `rateLimit`), `GET /__sandbox/state`, `POST /__sandbox/reset`.
 */
export function createHubspotSandbox (options: HubspotSandboxOptions = {}): HubspotSandbox {
  const portalId = options.portalId ?? 12345678
  const store = createHubspotStore()
  const auth = createSandboxAuth(options.accessToken ?? 'sandbox-hubspot-token')
  const rateLimit = createSandboxRateLimit(options.rateLimit ?? { max: 100, intervalMs: 10_000 })
  const faults = createFaultInjector()
  const stats = createRequestStats()
  const applyDefaultFaults = () => { if (options.latencyMs) faults.set({ latencyMs: options.latencyMs }) }
  applyDefaultFaults()

  function dump (): SandboxState {
    const nameOf = (id: string) => OBJECT_TYPES.find((t) => t.id === id)?.name ?? id
    return {
      portalId,
      objects: Object.fromEntries(OBJECT_TYPES.map((type) => [type.name, structuredClone([...store.objects(type).values()])])),
      associations: store.allAssociations().map((a) => ({ ...a, fromObjectType: nameOf(a.fromObjectTypeId), toObjectType: nameOf(a.toObjectTypeId) })),
      propertiesCreated: structuredClone(store.createdProperties),
      requests: stats.snapshot(),
      faults: faults.stats(),
      rateLimit: rateLimit.settings(),
      tokenExpired: auth.expired()
    }
  }

  function reset (): void {
    store.reset()
    stats.reset()
    faults.reset()
    applyDefaultFaults()
    rateLimit.reset()
    auth.reset()
  }

  const control = {
    setFaults: (plan: FaultPlan) => faults.set(plan),
    expireToken: auth.expire,
    setAccessToken: auth.setToken,
    setRateLimit: rateLimit.set,
    dump,
    reset
  }
  const app = createHubspotApp({ store, auth, rateLimit, faults, stats, control })
  let server: Server | undefined

  return {
    app,
    get accessToken () { return auth.token() },
    faults,
    dump,
    requestStats: stats.snapshot,
    reset,
    setRateLimit: rateLimit.set,
    expireToken: auth.expire,
    setAccessToken: auth.setToken,
    listen (port = 0, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        const listening = createServer(app)
        listening.once('error', reject)
        listening.listen(port, host, () => {
          server = listening
          const { port: actual } = listening.address() as AddressInfo
          resolve(`http://${host}:${actual}`)
        })
      })
    },
    async close () {
      faults.close()
      if (!server) return
      const closing = server
      server = undefined
      await new Promise<void>((resolve, reject) => {
        closing.close((err) => (err ? reject(err) : resolve()))
        closing.closeAllConnections()
      })
    }
  }
}
