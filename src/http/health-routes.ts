import express from 'express'
import type pg from 'pg'
import { migrationsApplied } from '../db/migrate.ts'

/** /healthz: the process is up. /readyz: PostgreSQL answers and every migration is applied. */
export function healthRouter (deps: { pool: pg.Pool }): express.Router {
  const router = express.Router()
  router.get('/healthz', (_req, res) => { res.json({ status: 'ok' }) })
  router.get('/readyz', async (_req, res) => {
    try {
      if (!await migrationsApplied(deps.pool)) {
        res.status(503).json({ status: 'not ready', reason: 'migrations pending' })
        return
      }
      res.json({ status: 'ready' })
    } catch {
      res.status(503).json({ status: 'not ready', reason: 'database unreachable' })
    }
  })
  return router
}
