import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { SpanKind } from '@opentelemetry/api'
import type { JobWithMetadata } from 'pg-boss'
import type { ReceiverHarness } from '../helpers/receiver-harness.ts'
import { startTestTracing } from '../helpers/tracing.ts'

// Tracing first, then the application's modules (as workers/main.ts does).
const { exporter, shutdown } = await startTestTracing()
const { startReceiverHarness } = await import('../helpers/receiver-harness.ts')
const { withTransaction } = await import('../../src/db/pool.ts')
const { enqueueSync } = await import('../../src/sync/enqueue-sync.ts')
const { tracedSyncHandler } = await import('../../src/sync/traced-sync-handler.ts')
const { inSpan } = await import('../../src/tracing/tracer.ts')
type SyncJob = import('../../src/sync/sync-queue.ts').SyncJob

let h: ReceiverHarness
before(async () => { h = await startReceiverHarness() })
after(async () => { await h.close(); await shutdown() })

const contact = { type: 'contact' as const, id: 'cust_links' }

/** Enqueues the contact's HubSpot sync inside a span standing in for one delivery's apply. */
async function applyDelivery (name: string): Promise<string> {
  return inSpan(name, {}, async (span) => {
    await withTransaction(h.pool, (client) => enqueueSync(h.boss, client, ['hubspot'], [contact]))
    return span.spanContext().spanId
  })
}

test('when three deliveries change one entity before its sync runs, then the one sync job continues the first trace and links the other two', async () => {
  const first = await applyDelivery('delivery 1')
  const second = await applyDelivery('delivery 2')
  const third = await applyDelivery('delivery 3')

  const jobs = await h.boss.fetch<SyncJob>('sync-hubspot', { batchSize: 10, includeMetadata: true }) as Array<JobWithMetadata<SyncJob>>
  assert.equal(jobs.length, 1, 'the later enqueues were coalesced into the waiting job')
  assert.equal(jobs[0]?.data.traceLinks?.length, 2)

  const handler = tracedSyncHandler({ pool: h.pool, crm: 'hubspot', queue: 'sync-hubspot' }, async (batch) => batch.map((job) => ({ id: job.id, status: 'completed' as const })))
  await handler(jobs)

  const sync = exporter.getFinishedSpans().find((span) => span.name === 'process sync-hubspot')
  assert.equal(sync?.kind, SpanKind.CONSUMER)
  assert.equal(sync?.parentSpanContext?.spanId, first, 'it continues the first delivery\'s trace')
  assert.deepEqual(sync?.links.map((link) => link.context.spanId).sort(), [second, third].sort())
})

test('when tracing is on, then a sync job\'s data carries only the W3C trace context, never baggage', async () => {
  await applyDelivery('delivery 4')
  const { rows } = await h.pool.query<{ data: SyncJob }>("SELECT data FROM pgboss.job WHERE name = 'sync-hubspot' AND state = 'created'")
  assert.deepEqual(Object.keys(rows[0]?.data.trace ?? {}), ['traceparent'])
  assert.match(rows[0]?.data.trace?.traceparent ?? '', /^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
})
