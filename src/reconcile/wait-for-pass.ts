import type { PgBoss } from 'pg-boss'
import { RECONCILE_QUEUE } from './reconcile-queue.ts'
import type { ReconcileReport } from './report.ts'

export class NoWorkerError extends Error {
  constructor (seconds: number) {
    super(`no worker took the reconciliation job within ${seconds} s: reconciliation runs in the workers, ` +
      'so start the service (npm start, or npm run start:worker) against this database and try again')
    this.name = 'NoWorkerError'
  }
}

/**
 * Waits for a queued pass: until a worker takes it (at most `pickUpSeconds`, else the job is
 * cancelled and NoWorkerError thrown), then until it ends. Resolves to the worker's report.
 */
export async function waitForPass (boss: PgBoss, jobId: string, options: { pickUpSeconds: number, signal?: AbortSignal }): Promise<ReconcileReport> {
  const deadline = Date.now() + options.pickUpSeconds * 1000
  for (;;) {
    options.signal?.throwIfAborted()
    const job = await boss.getJobById<unknown>(RECONCILE_QUEUE, jobId)
    if (!job) throw new Error(`reconciliation job ${jobId} disappeared`)
    if (job.state === 'completed') return job.output as ReconcileReport
    if (job.state === 'failed' || job.state === 'cancelled') {
      const message = (job.output as { message?: string } | null)?.message ?? job.state
      throw new Error(`the reconciliation job ${job.state === 'failed' ? 'failed' : 'was cancelled'}: ${message}`)
    }
    if (job.state === 'created' && Date.now() > deadline) {
      await boss.cancel(RECONCILE_QUEUE, jobId)
      throw new NoWorkerError(options.pickUpSeconds)
    }
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}
