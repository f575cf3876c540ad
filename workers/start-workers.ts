import { startLifecycleWorkers } from '../src/lifecycle/lifecycle-workers.ts'
import type { CrmConnector, CrmName } from '../src/crm/connector.ts'
import type { WorkerDeps } from '../src/main.ts'
import { APPLY_QUEUE, type ApplyJob } from '../src/mirror/apply-queue.ts'
import { syncQueue, type SyncJob } from '../src/sync/sync-queue.ts'
import { tracedConnector } from '../src/sync/traced-connector.ts'
import { tracedSyncHandler } from '../src/sync/traced-sync-handler.ts'
import { createApplyHandler } from './apply-worker.ts'
import { createGiveWayToDeliveries } from './give-way-to-deliveries.ts'
import { startCircuitProbe } from './circuit-probe.ts'
import { startReconcileWorker } from './reconcile-worker.ts'
import { createSyncHandler } from './sync-worker.ts'
import { startWaitingSweep } from './waiting-sweep.ts'
import { createCircuit } from '../src/sync/circuit.ts'
import { createQueueStatistics } from '../src/sync/queue-statistics.ts'
import { createFetchPacer } from '../src/sync/fetch-pacer.ts'
import { sharedPacerStore } from '../src/sync/shared-pacer-store.ts'
import { createSharedDemandMeter } from '../src/sync/shared-demand-meter.ts'

// Batches keep CRM calls full. New jobs wake workers by NOTIFY; the 1 s poll picks up
// retries whose backoff has run out (they send no NOTIFY).
const polling = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1, burstWhenBatchFull: true } as const
// A job names up to 25 events (one group commit), so 40 jobs bound a transaction at 1 000.
// Large batches matter beyond the apply worker's own cost: a customer's events applied
// together reach the sync together, so its contact's first CRM write already carries them
// and new contacts come in fuller calls (in the bench, 10 jobs instead of 40 cost the
// first-day phase 3 more HubSpot calls, 3 jobs cost it 15 more).
export const applyOptions = { batchSize: 40, includeMetadata: true, perJobResults: true, ...polling } as const
// A fetch takes 400 jobs, or two full calls if that is more (HubSpot: 100 records a call;
// Salesforce: 1 000, a Composite of five collections), so each kind can fill its calls;
// queued contacts come first (sync-queue.ts). Not one call's worth: some jobs of a fetch make
// no record in its call (Salesforce's contact job for each message is unchanged for it, new
// customers are held while they arrive, messages wait for their contact), so a fetch of
// exactly one call's worth read as full yet part-filled its call, and the rest held for the
// next full fetch cycled the queue (docs/benchmark-findings.md, "Two calls' worth, one slot").
// Two batches per CRM in flight, one waiting on the CRM while the other reads and records —
// but one for a CRM whose fetch is over 1 000 jobs: pg-boss's stately fetch checks every
// candidate against the queue's active jobs, so with the other slot's 2 000 active a fetch of
// 2 000 took 3.5 times one of 1 000, and under load seconds, slowing the other CRM's drain.
// A quiet queue still hands over whatever is there at once; while the rate budget is the
// bottleneck a worker whose fetch was not full waits a little before the next one
// (src/sync/batch-pacing.ts).
const syncOptions = { includeMetadata: true, perJobResults: true, ...polling } as const
const syncBatchSize = (connector: CrmConnector) => Math.max(400, 2 * (connector.capacity?.().recordsPerCall ?? 0))
const syncSlots = (batchSize: number) => batchSize > 1000 ? 1 : 2

/** The apply worker's handler as the service runs it: giving way to the receiver in a burst. */
export function applyHandlerAsRun (deps: Pick<WorkerDeps, 'pool' | 'boss' | 'logger'> & { crms: readonly CrmName[] }) {
  return createApplyHandler({ ...deps, giveWay: createGiveWayToDeliveries({ pool: deps.pool }) })
}

/**
 * The worker layer: one apply worker, and one sync worker per enabled CRM
 * on its own queue, so a CRM that is down or slow never delays the other;
 * plus reconciliation passes (on request and every RECONCILE_INTERVAL_MINUTES).
 */
export async function startWorkers (deps: WorkerDeps): Promise<{ stop: () => Promise<void> }> {
  const crms = deps.connectors.map((connector) => connector.name)
  const ids: Array<[string, string]> = []
  const apply = applyHandlerAsRun({ ...deps, crms, logger: deps.logger.child({ worker: 'apply' }) })
  ids.push([APPLY_QUEUE, await deps.boss.work<ApplyJob, unknown, typeof applyOptions>(APPLY_QUEUE, applyOptions, apply)])
  // Per CRM: the circuit probe and the sweep for records waiting on a landed contact.
  const loops: Array<{ stop: () => Promise<void> }> = []
  for (const connector of deps.connectors) {
    const queue = syncQueue(connector.name)
    const logger = deps.logger.child({ worker: `sync-${connector.name}` })
    const sync = {
      pool: deps.pool,
      boss: deps.boss,
      connector: tracedConnector(connector),
      circuit: createCircuit({ pool: deps.pool, crm: connector.name, settings: deps.circuitSettings }),
      logger,
      metrics: deps.metrics,
      batchSize: syncBatchSize(connector),
      queueStatistics: createQueueStatistics({ pool: deps.pool, queue, logger }),
      // One CRM's turns for every process: N worker processes each spacing its own would spend N times the day's share.
      pacer: createFetchPacer(sharedPacerStore({ pool: deps.pool, crm: connector.name, logger })),
      // Demand is compared with the deployment's budget: counted over every process's fetches.
      meters: {
        demand: createSharedDemandMeter({ pool: deps.pool, crm: connector.name, meter: 'demand', logger }),
        workload: createSharedDemandMeter({ pool: deps.pool, crm: connector.name, meter: 'workload', logger })
      }
    }
    const handler = tracedSyncHandler({ pool: deps.pool, crm: connector.name, queue }, createSyncHandler(sync))
    const options = { ...syncOptions, batchSize: sync.batchSize, localConcurrency: syncSlots(sync.batchSize) }
    ids.push([queue, await deps.boss.work<SyncJob, unknown, typeof options>(queue, options, handler)])
    loops.push(startCircuitProbe(sync), startWaitingSweep(sync))
  }
  const lifecycle = await startLifecycleWorkers({ ...deps, retentionDays: deps.retentionDays ?? 30 })
  const reconcile = await startReconcileWorker(deps)
  return {
    async stop () {
      await reconcile.stop()
      await Promise.all(loops.map((loop) => loop.stop()))
      // Waits for active batches to finish; jobs not started stay queued for the next worker.
      await Promise.all([...ids.map(([queue]) => deps.boss.offWork(queue, { wait: true })), lifecycle.stop()])
    }
  }
}
