import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createCircuit } from '../../src/sync/circuit.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'

// Two circuit objects on one CRM stand for two worker processes: the state is PostgreSQL's.
let database: TestDatabase
let pool: pg.Pool
before(async () => {
  database = await createTestDatabase()
  await runMigrations(database.url)
  pool = createPool({ connectionString: database.url, logger: createLogger({ level: 'silent' }) })
})
after(async () => {
  await pool.end()
  await database.drop()
})

const settings = { threshold: 3, firstProbeMs: 60_000, maxProbeMs: 120_000 }

test('when whole-call failures reach the threshold across processes, then the circuit opens once, with the reason', async () => {
  const [a, b] = [createCircuit({ pool, crm: 'c1', settings }), createCircuit({ pool, crm: 'c1', settings })]
  assert.equal(await a?.failed('503 one'), false)
  assert.equal(await b?.failed('503 two'), false)
  assert.equal(await a?.failed('503 three'), true)
  assert.equal(await b?.failed('503 four'), false, 'already open')
  assert.deepEqual({ ...(await b?.status()), openedAt: undefined }, { open: true, reason: '503 three', openedAt: undefined })
})

test('when a call succeeds between failures, then the count starts over', async () => {
  const circuit = createCircuit({ pool, crm: 'c2', settings })
  await circuit.failed('x')
  await circuit.failed('x')
  assert.equal(await circuit.succeeded(), false, 'it was not open')
  await circuit.failed('x')
  assert.equal((await circuit.status()).open, false)
})

test('when the circuit is open, then only one caller may probe until the next probe time, and a success closes it', async () => {
  const circuit = createCircuit({ pool, crm: 'c3', settings: { threshold: 1, firstProbeMs: 100, maxProbeMs: 200 } })
  await circuit.failed('down', true)
  assert.equal(await circuit.claimProbe(), false, 'not before the first probe time')
  await pool.query("UPDATE crm_circuits SET next_probe_at = now() - interval '1 second' WHERE crm = 'c3'")
  const claims = await Promise.all([circuit.claimProbe(), circuit.claimProbe(), circuit.claimProbe()])
  assert.equal(claims.filter(Boolean).length, 1)
  assert.equal(await circuit.succeeded(), true)
  assert.equal((await circuit.status()).open, false)
})
