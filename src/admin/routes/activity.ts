import express from 'express'
import { APPLY_QUEUE } from '../../mirror/apply-queue.ts'
import { syncQueue } from '../../sync/sync-queue.ts'
import type { AdminContext } from '../admin-context.ts'
import { lineChart } from '../charts/line-chart.ts'
import { lastHourMinutes, perMinute } from '../charts/minutes.ts'
import { deliveriesPerMinute, queueDepthPerMinute, syncLagPerMinute } from '../queries/activity.ts'

const count = (value: number) => Number.isInteger(value) ? String(value) : value.toFixed(1)
function seconds (value: number): string {
  if (value === 0) return '0'
  if (value < 1) return `${Math.round(value * 1000)} ms`
  if (value < 60) return `${value < 10 ? value.toFixed(1) : Math.round(value)} s`
  return value < 3600 ? `${(value / 60).toFixed(1)} min` : `${(value / 3600).toFixed(1)} h`
}

/** GET /admin/activity: the last hour as three server-made SVG charts. */
export function activityRoutes (ctx: AdminContext): express.Router {
  const queues = [APPLY_QUEUE, ...ctx.crmNames.map(syncQueue)]
  const router = express.Router()
  router.get('/activity', async (req, res) => {
    const now = Date.now()
    const minutes = lastHourMinutes(now)
    const [deliveries, lag, depth] = await Promise.all([
      deliveriesPerMinute(ctx.deps.pool), syncLagPerMinute(ctx.deps.pool), queueDepthPerMinute(ctx.deps.pool, queues)
    ])
    const window = { from: minutes[0] ?? now, to: now }
    const charts = [
      lineChart({ ...window, title: 'Deliveries per minute, by status', format: count, minStep: 1, series: perMinute(minutes, deliveries) }),
      lineChart({
        ...window,
        title: 'Sync lag: mirror change → CRM write (median per minute)',
        format: seconds,
        series: perMinute(minutes, lag, { names: ctx.crmNames, fill: 'gap' })
      }),
      lineChart({ ...window, title: 'Jobs waiting per queue', format: count, minStep: 1, series: perMinute(minutes, depth, { names: queues, fill: 'carry' }) })
    ]
    const worstLag = Math.max(0, ...lag.map((row) => row.worst))
    ctx.render(req, res, 'activity', { title: 'Activity', charts, worstLag: lag.length > 0 ? seconds(worstLag) : null })
  })
  return router
}
