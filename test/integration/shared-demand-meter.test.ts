import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createSharedDemandMeter } from '../../src/sync/shared-demand-meter.ts'
import { useMigratedDatabase } from '../helpers/migrated-database.ts'

// Two meters on one CRM stand for two worker processes: the fetches are PostgreSQL's.
const db = useMigratedDatabase()

test('when two processes each fetch part of a burst, then each reads the demand of both: what arrived since the oldest fetch of either', async () => {
  const [a, b] = [createSharedDemandMeter({ pool: db.pool, crm: 'd1', meter: 'demand' }), createSharedDemandMeter({ pool: db.pool, crm: 'd1', meter: 'demand' })]
  const started = Date.now()
  await a.record(300)
  await b.record(300)
  // On its own, A would read its one fetch over the whole window: 300 / 5 s = 60 a second.
  for (const [name, meter] of [['A', a], ['B', b]] as const) {
    const rate = await meter.perSecond()
    const elapsedSeconds = (Date.now() - started) / 1000
    assert.ok(rate >= 300 / elapsedSeconds * 0.99, `${name}: B's 300 jobs count, over the time since A's fetch (${rate.toFixed(0)} a second)`)
  }
  assert.equal(await createSharedDemandMeter({ pool: db.pool, crm: 'd1', meter: 'workload' }).perSecond(), 0, 'another meter: its own fetches')
  assert.equal(await createSharedDemandMeter({ pool: db.pool, crm: 'd2', meter: 'demand' }).perSecond(), 0, 'another CRM: its own fetches')
})

test('when a fetch takes jobs queued before the fetch before it, then every process counts them from when they were queued', async () => {
  const [a, b] = [createSharedDemandMeter({ pool: db.pool, crm: 'd5', meter: 'demand' }), createSharedDemandMeter({ pool: db.pool, crm: 'd5', meter: 'demand' })]
  // A full fetch after a stall, then B's fetch of the rest, queued over the 1.5 s before it.
  await a.record(400, 5000)
  await b.record(150, 1500)
  const rate = await a.perSecond()
  assert.ok(rate <= 100 && rate > 90, `150 over the ~1.5 s since the earliest was queued, not over the moment between the two fetches (${rate.toFixed(0)} a second)`)
})

test('when fetches are older than the window, then they no longer count, and recording drops them', async () => {
  const meter = createSharedDemandMeter({ pool: db.pool, crm: 'd3', meter: 'demand', windowMs: 200 })
  await meter.record(50)
  assert.equal(await meter.perSecond(), 50 / 0.2, 'one fetch alone counts over the whole window')
  const deadline = Date.now() + 5000
  while (await meter.perSecond() > 0) assert.ok(Date.now() < deadline, 'the fetch left the window within 5 s')
  await meter.record(10)
  const { rows: [left] } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM crm_sync_demand WHERE crm = $1', ['d3'])
  assert.equal(left?.n, 1, 'only the new fetch is kept')
})

test('when the database cannot be reached, then the meter counts this process\'s own fetches and says so, without failing the batch', async () => {
  const gone = createPool({ connectionString: db.url, logger: createLogger({ level: 'silent' }) })
  await gone.end()
  const lines: string[] = []
  const logger = createLogger({ level: 'warn', destination: new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } }) })
  const meter = createSharedDemandMeter({ pool: gone, crm: 'd4', meter: 'demand', logger })
  await meter.record(100)
  assert.equal(await meter.perSecond(), 100 / 5, 'its own one fetch, over the whole window')
  assert.ok(lines.some((line) => line.includes('demand unavailable')), 'a warning says the count is this process\'s own')
})
