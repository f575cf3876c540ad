import express, { type Request, type Response } from 'express'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createBoss } from '../src/db/boss.ts'
import { ensureQueues } from '../src/sync/ensure-queues.ts'
import { crmRegistry } from '../src/crm/registry.ts'
import type pg from 'pg'
import { bossDb, createPool, withTransaction } from '../src/db/pool.ts'
import { prepared } from '../src/db/prepared.ts'
import { createLogger } from '../src/logger.ts'
import { createMetrics } from '../src/metrics.ts'
import { APPLY_QUEUE } from '../src/mirror/apply-queue.ts'
import { createApp } from '../src/http/create-app.ts'
import { createInbox } from '../src/receiver/inbox.ts'
import { parseJson, toInboxRow, type InboxRow } from '../src/receiver/inbox-row.ts'
import { jsonStringifyForm } from '../src/receiver/json-stringify-form.ts'
import { verifySignature } from '../src/receiver/signature.ts'
import { MAX_BODY_BYTES, WEBHOOK_PATH } from '../src/receiver/webhook-route.ts'
import { startIngestWorkers } from './ingest-workers.ts'

/**
 * One ingestion variant in its own process, so its RSS and event loop are its own:
 * `node bench/ingest-server.ts <variant> <databaseUrl> <secret> <poolSize>`.
 * Prints `{"url": …}` on stdout once listening. `ours+apply` and `ours+sync` run the
 * workers in the same process, sharing its pool, as `npm start` does (ingest-workers.ts);
 * the other variants run no workers.
 */
type Variant = 'ceiling' | 'naive' | 'naive+prepared' | 'ours' | 'ours+apply' | 'ours+sync'

const [variant, databaseUrl, secret, poolSizeArg] = process.argv.slice(2) as [Variant, string, string, string]
const poolSize = Number(poolSizeArg ?? 10)
const logger = createLogger({ level: 'silent' })

const INSERT_ONE = `
  INSERT INTO webhook_events (dedupe_key, status, event_type, event_timestamp, payload, raw_body, signature_form, error)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
  ON CONFLICT (dedupe_key) DO NOTHING
  RETURNING id, status`
const INSERT_ONE_PREPARED = prepared(INSERT_ONE)

/** pg-boss in the caller's transaction the way its docs show it: each statement sent as text. */
const plainDb = (client: pg.PoolClient) => ({ executeSql: (text: string, values?: unknown[]) => client.query(text, values) })

/** The validation every variant shares, exactly as the real route does it. */
function validate (req: Request, res: Response): InboxRow | undefined {
  if (!req.is(['application/json', '+json'])) {
    res.status(415).json({ error: 'Content-Type must be application/json' })
    return undefined
  }
  const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
  const check = verifySignature({
    header: req.get('x-agentclara-signature'),
    rawBody: body,
    secrets: [secret],
    jsonStringified: () => jsonStringifyForm(body)
  })
  if (!check.ok) {
    res.status(401).json({ error: 'Invalid signature' })
    return undefined
  }
  return toInboxRow(check.signedBytes, parseJson(check.signedBytes), check.form)
}

async function buildApp (): Promise<express.Express> {
  if (variant === 'ceiling') {
    const app = express()
    app.disable('x-powered-by')
    app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_BODY_BYTES }), (req, res) => {
      const row = validate(req, res)
      if (row) res.status(200).json({ success: true, outcome: row.status })
    })
    return app
  }

  const pool = createPool({ connectionString: databaseUrl, max: poolSize, logger })
  const boss = createBoss({ connectionString: databaseUrl, logger })
  await boss.start()
  await ensureQueues(boss, crmRegistry.map((crm) => crm.name))

  if (variant.startsWith('ours')) {
    const metrics = createMetrics({ defaultMetrics: false })
    if (variant === 'ours+apply') await startIngestWorkers('apply', { pool, boss, logger, metrics })
    if (variant === 'ours+sync') await startIngestWorkers('sync', { pool, boss, logger, metrics })
    const inbox = createInbox({ pool, boss })
    return createApp({ pool, webhook: { inbox, secrets: [secret] }, logger, metrics })
  }

  // Naive durable: one transaction per request (row + its apply job), then 200 — with
  // pg-boss's defaults, as a straightforward implementation would have it. Our queues wake
  // workers by NOTIFY (ensureQueues turns it on), and a transaction that NOTIFYs takes a
  // database-wide lock from pre-commit until its commit is flushed: one NOTIFY per request
  // serialises every commit behind the previous one's fsync (no group commit in PostgreSQL),
  // which held this baseline at ~560 req/s. Ours NOTIFYs once per group-committed batch.
  await boss.updateQueue(APPLY_QUEUE, { notify: false })
  // naive+prepared: the same with its statements prepared as ours are (src/db/prepared.ts),
  // to show what that alone is worth.
  const prepare = variant === 'naive+prepared'
  const app = express()
  app.disable('x-powered-by')
  app.post(WEBHOOK_PATH, express.raw({ type: () => true, limit: MAX_BODY_BYTES }), async (req, res) => {
    const row = validate(req, res)
    if (!row) return
    try {
      const outcome = await withTransaction(pool, async (client) => {
        const values = [row.dedupeKey, row.status, row.eventType, row.eventTimestamp, row.payload, row.rawBody, row.signatureForm, row.error]
        const { rows } = await client.query<{ id: string, status: string }>(prepare ? INSERT_ONE_PREPARED(values) : { text: INSERT_ONE, values })
        const stored = rows[0]
        if (!stored) return 'duplicate'
        if (stored.status === 'received') await boss.send(APPLY_QUEUE, { eventId: stored.id }, { db: prepare ? bossDb(client) : plainDb(client) })
        return stored.status
      })
      res.status(200).json({ success: true, outcome })
    } catch {
      res.set('Retry-After', '5').status(503).json({ error: 'Storage temporarily unavailable; retry later' })
    }
  })
  return app
}

const app = await buildApp()
const server = createServer(app)
server.keepAliveTimeout = 60_000
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo
  process.stdout.write(JSON.stringify({ url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`, pid: process.pid }) + '\n')
})
// The bench ends us with SIGTERM; nothing needs draining.
process.on('SIGTERM', () => process.exit(0))
