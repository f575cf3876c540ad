import express, { type Request, type Response } from 'express'
import { randomUUID } from 'node:crypto'
import type { Logger } from 'pino'
import type { Metrics } from '../metrics.ts'
import type { Inbox } from './inbox.ts'
import { parseJson, toInboxRow } from './inbox-row.ts'
import { jsonStringifyForm } from './json-stringify-form.ts'
import { verifySignature } from './signature.ts'

export const WEBHOOK_PATH = '/webhooks/agentclara'
export const MAX_BODY_BYTES = 256 * 1024
const RETRY_AFTER_SECONDS = 5

export interface WebhookDeps {
  inbox: Inbox
  secrets: readonly string[]
  logger: Logger
  metrics: Metrics
}

/**
 * POST /webhooks/agentclara: size → content type → signature → classify → durable store
 * → 200. The answer is sent only after the delivery's row is committed.
 */
export function webhookRouter (deps: WebhookDeps): express.Router {
  const router = express.Router()
  // Raw bytes, not parsed JSON: the signature covers the exact bytes that were sent.
  const rawBody = express.raw({ type: () => true, limit: MAX_BODY_BYTES })

  router.post(WEBHOOK_PATH, rawBody, async (req: Request, res: Response) => {
    const started = process.hrtime.bigint()
    const log = deps.logger.child({ delivery: randomUUID() })
    const answer = (status: number, outcome: string, body: object) => {
      deps.metrics.deliveries.inc({ outcome })
      deps.metrics.ackSeconds.observe({ status: String(status) }, Number(process.hrtime.bigint() - started) / 1e9)
      res.status(status).json(body)
    }

    if (!req.is(['application/json', '+json'])) {
      log.info({ contentType: req.get('content-type') ?? null }, 'rejected: not JSON')
      answer(415, 'unsupported_media_type', { error: 'Content-Type must be application/json' })
      return
    }

    const body: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0)
    // HMAC of the raw bytes first: nothing is parsed for a forged request unless the
    // stringify form has to be tried, and that cannot throw (see json-stringify-form.ts).
    const check = verifySignature({
      header: req.get('x-agentclara-signature'),
      rawBody: body,
      secrets: deps.secrets,
      jsonStringified: () => jsonStringifyForm(body)
    })
    if (!check.ok) {
      log.warn({ reason: check.reason, bytes: body.length }, 'rejected: signature')
      const message = check.reason === 'missing' ? 'Missing X-AgentClara-Signature header' : 'Invalid signature'
      answer(401, 'unauthorized', { error: message })
      return
    }

    deps.metrics.signatureForms.inc({ form: check.form })
    // Only what the signature covers is stored and processed: for the stringify form that
    // is the re-serialised string, so every spacing or escaping of one signed event is
    // the same row, and nothing the signature did not vouch for reaches the mirror.
    const row = toInboxRow(check.signedBytes, parseJson(check.signedBytes), check.form)
    try {
      const stored = await deps.inbox.store(row)
      const outcome = stored.duplicate ? 'duplicate' : stored.status === 'received' ? 'accepted' : stored.status
      log.info({ event: row.eventType, outcome, eventId: stored.duplicate ? undefined : stored.eventId, form: check.form, error: row.error ?? undefined }, 'delivery stored')
      answer(200, outcome, { success: true, outcome })
    } catch (error) {
      log.error({ err: error }, 'storage unavailable; asking the sender to retry')
      res.set('Retry-After', String(RETRY_AFTER_SECONDS))
      answer(503, 'unavailable', { error: 'Storage temporarily unavailable; retry later' })
    }
  })

  return router
}
