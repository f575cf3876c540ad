import express, { type Router } from 'express'
import type { FaultPlan } from '../fault-injector.ts'

/** Body of `POST /__sandbox/faults`: a FaultPlan plus the Salesforce-specific session switches. */
export type SalesforceFaultRequest = FaultPlan & {
  /** Invalidate every issued token now (clients must re-authorise). */
  expireTokens?: boolean
  /** Refuse every token, even fresh ones, until switched off or reset. */
  rejectTokens?: boolean
}

export interface ControlHandlers {
  applyFaults: (request: SalesforceFaultRequest) => void
  state: () => unknown
  reset: () => void
}

/** Unauthenticated control surface for out-of-process tests and demos. */
export function createControlRoutes (handlers: ControlHandlers): Router {
  const router = express.Router()
  router.use('/__sandbox', express.json())
  router.post('/__sandbox/faults', (req, res) => {
    handlers.applyFaults((req.body ?? {}) as SalesforceFaultRequest)
    res.json({ ok: true })
  })
  router.get('/__sandbox/state', (_req, res) => { res.json(handlers.state()) })
  router.post('/__sandbox/reset', (_req, res) => {
    handlers.reset()
    res.json({ ok: true })
  })
  return router
}
