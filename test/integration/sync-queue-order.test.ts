import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type { PgBoss } from 'pg-boss'
import { createBoss } from '../../src/db/boss.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createLogger } from '../../src/logger.ts'
import type { EntityRef } from '../../src/mirror/entity-ref.ts'
import { deferSync, enqueueSync } from '../../src/sync/enqueue-sync.ts'
import { ensureQueues } from '../../src/sync/ensure-queues.ts'
import { syncQueue } from '../../src/sync/sync-queue.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'

// Grouping by kind (issue 12): a fetch takes every queued contact before any message or
// appointment, so contact calls are full and a message's contact goes no later than it; a
// contact put off comes last, as filler.
let database: TestDatabase
let boss: PgBoss

before(async () => {
  database = await createTestDatabase()
  await runMigrations(database.url)
  boss = createBoss({ connectionString: database.url, logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) })
  await boss.start()
  await ensureQueues(boss, ['hubspot'])
})

after(async () => {
  await boss.stop({ graceful: false })
  await database.drop()
})

const fetchRefs = async (batchSize: number): Promise<EntityRef[]> =>
  (await boss.fetch<EntityRef>(syncQueue('hubspot'), { batchSize })).map((job) => ({ type: job.data.type, id: job.data.id }))

test('when messages and appointments were queued before their contacts, then a fetch still hands over the contacts first; a contact put off comes after them all', async () => {
  // Put off first, so by age alone it would come first of all.
  await deferSync(boss, 'hubspot', [{ type: 'contact', id: 'c2' }], 0)
  await enqueueSync(boss, undefined, ['hubspot'], [{ type: 'message', id: 'm1' }, { type: 'appointment', id: 'a1' }, { type: 'message', id: 'm2' }])
  await enqueueSync(boss, undefined, ['hubspot'], [{ type: 'contact', id: 'c1' }])
  assert.deepEqual(await fetchRefs(1), [{ type: 'contact', id: 'c1' }])
  // Then the others (one insert shares one created_on, so their order among themselves is pg-boss's).
  assert.deepEqual(new Set((await fetchRefs(3)).map((ref) => ref.id)), new Set(['m1', 'a1', 'm2']))
  assert.deepEqual(await fetchRefs(10), [{ type: 'contact', id: 'c2' }])
})

test('when contacts are deferred at different moments of one period, then they come back together, on the first boundary at least half a period away; one read on that boundary and put off again comes back on the next', async () => {
  const boundary = Math.ceil(Date.now() / 5000) * 5000 + 60_000
  await deferSync(boss, 'hubspot', [{ type: 'contact', id: 'early' }], 5, boundary - 7400)
  await deferSync(boss, 'hubspot', [{ type: 'contact', id: 'late' }], 5, boundary - 2600)
  // Read when it came back, and put off again: the next boundary, not the one after it, so
  // it stays in step with every contact put off since.
  await deferSync(boss, 'hubspot', [{ type: 'contact', id: 'again' }], 5, boundary - 5000 + 80)
  const { rows } = await boss.getDb().executeSql(
    "SELECT singleton_key, start_after FROM pgboss.job WHERE name = $1 AND singleton_key IN ('contact:early', 'contact:late', 'contact:again')", [syncQueue('hubspot')])
  const startAfter = new Map((rows as Array<{ singleton_key: string, start_after: Date }>).map((row) => [row.singleton_key, row.start_after.getTime()]))
  assert.deepEqual(Object.fromEntries(startAfter), { 'contact:early': boundary, 'contact:late': boundary, 'contact:again': boundary })
})
