import type { Job } from 'pg-boss'
import type { WorkerDeps } from '../src/main.ts'
import { reconcileCrm } from '../src/reconcile/reconcile-crm.ts'
import { ensureReconcileQueue, RECONCILE_QUEUE, requestReconcile, type ReconcileJob } from '../src/reconcile/reconcile-queue.ts'
import type { ReconcileReport } from '../src/reconcile/report.ts'
import { finishRun, startRun } from '../src/reconcile/run-store.ts'

/**
 * Runs one reconciliation pass per job with this worker's connector for the job's CRM (its
 * rate limiter too), records it in `reconcile_runs` (the dashboard's summary) and returns the
 * report as the job's output (what `npm run reconcile` prints).
 */
export function createReconcileHandler (deps: WorkerDeps & { stopping: AbortSignal }) {
  return async function reconcileJobs ([job]: Array<Job<ReconcileJob>>): Promise<ReconcileReport | undefined> {
    if (!job) return undefined
    const { crm, dryRun, trigger } = job.data
    const connector = deps.connectors.find((candidate) => candidate.name === crm)
    if (!connector) throw new Error(`${crm} is not enabled in this worker (not configured, or disabled at start-up: see its log)`)
    const runId = await startRun(deps.pool, { crm, trigger, dryRun })
    const report = await reconcileCrm({ ...deps, connector, logger: deps.logger.child({ worker: 'reconcile', crm, run: runId }) },
      { dryRun, signal: AbortSignal.any([job.signal, deps.stopping]) })
    await finishRun(deps.pool, runId, report)
    return report
  }
}

/**
 * The periodic sweep: every worker asks each minute for a pass per CRM, and pg-boss keeps one
 * per RECONCILE_INTERVAL_MINUTES slot for the whole deployment (see requestReconcile).
 */
function startSweep (deps: WorkerDeps): () => void {
  const minutes = deps.reconcileIntervalMinutes ?? 0
  if (minutes <= 0) return () => {}
  const tick = () => {
    for (const { name: crm } of deps.connectors) {
      requestReconcile(deps.boss, { crm, dryRun: false, trigger: 'schedule' }, { everySeconds: minutes * 60 })
        .then((id) => { if (id) deps.logger.info({ crm, job: id }, 'reconciliation pass queued') })
        .catch((error: unknown) => deps.logger.warn({ err: error, crm }, 'could not queue a reconciliation pass'))
    }
  }
  tick()
  const timer = setInterval(tick, 60_000)
  timer.unref()
  return () => clearInterval(timer)
}

/** Consumes the reconcile queue (one pass per CRM at a time) and starts the sweep. */
export async function startReconcileWorker (deps: WorkerDeps): Promise<{ stop: () => Promise<void> }> {
  const stopping = new AbortController()
  await ensureReconcileQueue(deps.boss)
  // Each CRM has its own rate limiter, so their passes may run side by side.
  const options = { batchSize: 1, pollingIntervalSeconds: 5, localConcurrency: Math.max(1, deps.connectors.length) }
  await deps.boss.work<ReconcileJob, unknown, typeof options>(RECONCILE_QUEUE, options, createReconcileHandler({ ...deps, stopping: stopping.signal }))
  const stopSweep = startSweep(deps)
  return {
    async stop () {
      stopSweep()
      // A running pass stops before its next CRM call and is recorded as aborted.
      stopping.abort()
      await deps.boss.offWork(RECONCILE_QUEUE, { wait: true })
    }
  }
}
