import express from 'express'
import type { AdminContext } from '../admin-context.ts'
import { setFlash, type Flash } from '../flash.ts'
import { bulkReplayForm, eventId, recordParams, safeReturnPath } from '../params.ts'
import { DEAD_EVENT_STATUSES } from '../queries/dead-letters.ts'
import { replayEvents, type EventReplayResult } from '../queries/replay-events.ts'
import { replayRecords } from '../queries/replay-records.ts'

/** How many rows one "replay all" click replays; click again for the next batch. */
export const BULK_CAP = 1000

/** POST /admin/replay/…: put dead letters back to work, then back to where the click came from. */
export function replayRoutes (ctx: AdminContext): express.Router {
  const router = express.Router()
  const { pool, boss, logger } = ctx.deps

  const done = (req: express.Request, res: express.Response, flash: Flash) => {
    setFlash(res, ctx.keys.flash, flash, ctx.secure)
    res.redirect(303, safeReturnPath((req.body as Record<string, unknown>).return_to, '/admin/dead-letters'))
  }

  router.post('/replay/event/:id', async (req, res) => {
    const id = eventId.safeParse(req.params.id)
    if (!id.success) return done(req, res, { kind: 'error', text: 'No such delivery.' })
    const result = await replayEvents(pool, boss, { ids: [id.data] })
    logger.info({ eventIds: [id.data], ...counts(result) }, 'admin: replayed event')
    done(req, res, describeEvents(result, `delivery ${id.data}`))
  })

  router.post('/replay/record/:crm/:type/:id', async (req, res) => {
    const key = recordParams.safeParse(req.params)
    if (!key.success) return done(req, res, { kind: 'error', text: 'No such CRM record.' })
    const replayed = await replayRecords(pool, boss, ctx.crmNames, { key: key.data })
    logger.info({ crm: key.data.crm, type: key.data.type, id: key.data.id, replayed: replayed.length }, 'admin: replayed CRM record')
    done(req, res, replayed.length > 0
      ? { kind: 'ok', text: `Queued ${key.data.type} ${key.data.id} for a new sync to ${key.data.crm}.` }
      : { kind: 'error', text: `Nothing replayed: no ${key.data.type} ${key.data.id} record for ${key.data.crm}, or that CRM's sync is off.` })
  })

  router.post('/replay/bulk', async (req, res) => {
    const form = bulkReplayForm.safeParse(req.body)
    if (!form.success) return done(req, res, { kind: 'error', text: 'Nothing replayed: the filter was not understood.' })
    const { kind, status, type, crm, entity } = form.data
    if (kind === 'events') {
      const result = await replayEvents(pool, boss, {
        filter: { statuses: status ? [status] : DEAD_EVENT_STATUSES, eventType: type }, cap: BULK_CAP
      })
      logger.info({ filter: { status, type }, ...counts(result) }, 'admin: bulk replay of events')
      return done(req, res, describeEvents(result, 'matching deliveries'))
    }
    const replayed = await replayRecords(pool, boss, ctx.crmNames, { filter: { crm, entityType: entity }, cap: BULK_CAP })
    logger.info({ filter: { crm, entity }, replayed: replayed.length }, 'admin: bulk replay of CRM records')
    done(req, res, { kind: 'ok', text: `Queued ${replayed.length} dead CRM record(s) for a new sync${replayed.length === BULK_CAP ? ` (the first ${BULK_CAP}; replay again for more)` : ''}.` })
  })

  return router
}

function counts (result: EventReplayResult) {
  return { requeued: result.requeued.length, stillQuarantined: result.stillQuarantined.length, ignored: result.ignored.length, emptied: result.emptied.length }
}

function describeEvents (result: EventReplayResult, what: string): Flash {
  if (result.emptied.length > 0 && result.requeued.length + result.stillQuarantined.length + result.ignored.length === 0) {
    return { kind: 'error', text: `Nothing replayed: ${what} was emptied by the retention policy or an erasure; its payload and raw body are gone (the row stays so that duplicates are still recognised).` }
  }
  const total = result.requeued.length + result.stillQuarantined.length + result.ignored.length
  if (total === 0) return { kind: 'error', text: `Nothing replayed: no ${what} found (or another replay is running).` }
  const parts = [`Replayed ${what} (${total}): ${result.requeued.length} queued to apply`]
  if (result.stillQuarantined.length > 0) parts.push(`${result.stillQuarantined.length} still not valid (kept quarantined with the new error)`)
  if (result.ignored.length > 0) parts.push(`${result.ignored.length} of an unknown event type (ignored)`)
  if (total === BULK_CAP) parts.push(`the first ${BULK_CAP}; replay again for more`)
  return { kind: result.requeued.length > 0 ? 'ok' : 'error', text: `${parts.join('; ')}.` }
}
