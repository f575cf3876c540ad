import assert from 'node:assert/strict'
import { test } from 'node:test'
import { pino } from 'pino'
import { createPool } from '../../src/db/pool.ts'
import { enqueueSync } from '../../src/sync/enqueue-sync.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { createQueueStatistics } from '../../src/sync/queue-statistics.ts'
import { syncQueue } from '../../src/sync/sync-queue.ts'
import { useQueueDatabase } from '../helpers/queue-database.ts'
import { testLogger } from '../helpers/test-logger.ts'

// A backlog's fetches plan from current statistics: the sync queue's job table is analysed
// when it outgrew what its statistics say, and not again before the interval.
const h = useQueueDatabase((boss) => ensureQueues(boss, ['hubspot']))

/** When the queue's job table was last analysed by hand (not by autovacuum), and what changed since. */
async function tableStats () {
  const { rows: [row] } = await h.pool.query<{ analysed: Date | null, changed: number }>(`
    SELECT s.last_analyze AS analysed, s.n_mod_since_analyze::int AS changed
    FROM pgboss.queue q JOIN pg_stat_user_tables s ON s.schemaname = 'pgboss' AND s.relname = q.table_name
    WHERE q.name = $1`, [syncQueue('hubspot')])
  assert.ok(row, 'the queue has a job table of its own')
  return row
}

/** Queues sync jobs for `count` entities and has the statistics count them now (a backend reports them when idle, at most every second). */
async function enqueue (prefix: string, count: number): Promise<void> {
  const client = await h.pool.connect()
  try {
    await enqueueSync(h.boss, client, ['hubspot'], Array.from({ length: count }, (_, i) => ({ type: 'contact' as const, id: `${prefix}${i}` })))
    await client.query('SELECT pg_stat_force_next_flush()')
  } finally {
    client.release()
  }
}

async function untilChangesCounted (atLeast: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while ((await tableStats()).changed < atLeast) {
    assert.ok(Date.now() < deadline, `fewer than ${atLeast} changes counted within 10 s`)
    await h.pool.query('SELECT pg_sleep(0.02)')
  }
}

test('when a sync queue\'s job table outgrew its statistics, then the next look (at most a second later) has it analysed, at most once per interval', async () => {
  let clock = 0
  const statistics = createQueueStatistics({ pool: h.pool, queue: syncQueue('hubspot'), logger: testLogger(), minIntervalMs: 15_000, checkIntervalMs: 1000, now: () => clock })
  assert.equal(await statistics.refreshIfStale(), false, 'an empty table is left alone')

  await enqueue('c', 1500)
  await untilChangesCounted(1500)
  clock = 500
  assert.equal(await statistics.refreshIfStale(), false, 'looked less than a second ago')
  clock = 1000
  assert.equal(await statistics.refreshIfStale(), true, 'a look that found the table small does not put off the next one by the interval')
  assert.ok((await tableStats()).analysed, 'ANALYZE ran')
  assert.equal((await tableStats()).changed, 0)

  await enqueue('d', 1500)
  await untilChangesCounted(1500)
  clock = 11_000
  assert.equal(await statistics.refreshIfStale(), false, 'within the interval since the last analyse')
  clock = 16_000
  assert.equal(await statistics.refreshIfStale(), false, '1 500 changes on a table analysed at 1 500 rows: not more than its size')
  await enqueue('e', 100)
  await untilChangesCounted(1600)
  clock = 16_500
  assert.equal(await statistics.refreshIfStale(), false, 'looked less than a second ago')
  clock = 17_000
  assert.equal(await statistics.refreshIfStale(), true, 'more changes than rows: analysed again')
})

/** A logger whose lines the test reads. */
function recordingLogger () {
  const lines: Array<{ level: number, msg: string }> = []
  return { lines, logger: pino({ level: 'debug' }, { write: (line: string) => { lines.push(JSON.parse(line)) } }) }
}

test('when the job table cannot be found, then it says so once, stops trying and the worker goes on', async () => {
  const { lines, logger } = recordingLogger()
  const statistics = createQueueStatistics({ pool: h.pool, queue: 'no-such-queue', logger, minIntervalMs: 0, checkIntervalMs: 0 })
  assert.equal(await statistics.refreshIfStale(), false)
  assert.equal(await statistics.refreshIfStale(), false)
  assert.deepEqual(lines.map((line) => line.msg), ['cannot refresh the sync queue\'s statistics; leaving it to autovacuum'])
})

test('when the database cannot be reached, then it tries again at the next interval instead of giving up', async () => {
  const { lines, logger } = recordingLogger()
  const unreachable = createPool({ connectionString: 'postgres://nobody:none@127.0.0.1:1/none', logger: testLogger() })
  try {
    const statistics = createQueueStatistics({ pool: unreachable, queue: syncQueue('hubspot'), logger, minIntervalMs: 0, checkIntervalMs: 0 })
    assert.equal(await statistics.refreshIfStale(), false)
    assert.equal(await statistics.refreshIfStale(), false)
    assert.deepEqual(lines.map((line) => line.msg), ['sync queue statistics not refreshed; trying again later', 'sync queue statistics not refreshed; trying again later'])
  } finally {
    await unreachable.end()
  }
})
