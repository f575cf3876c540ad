import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { test } from 'node:test'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { createFetchPacer } from '../../src/sync/fetch-pacer.ts'
import { sharedPacerStore } from '../../src/sync/shared-pacer-store.ts'
import { useMigratedDatabase } from '../helpers/migrated-database.ts'

// Two pacers on one CRM stand for two worker processes: the turns are PostgreSQL's.
const db = useMigratedDatabase()

test('when one process lingers, then another process\'s fetch before that turn is early, and it takes the turn after; another CRM\'s turns are its own', async () => {
  const [a, b] = [createFetchPacer(sharedPacerStore({ pool: db.pool, crm: 'p1' })), createFetchPacer(sharedPacerStore({ pool: db.pool, crm: 'p1' }))]
  assert.equal(await a.fetched(), 0, 'no turn held: at once')
  const lingers = await a.nextTurn(1500)
  assert.ok(lingers > 1000 && lingers <= 1500, `A lingers until its turn (${lingers} ms)`)
  const early = await b.fetched()
  assert.ok(early > 500 && early <= 1500, `B, in another process, fetched before A's turn (${early} ms early)`)
  const afterA = await b.nextTurn(1500)
  assert.ok(afterA > 2000 && afterA <= 3000, `B's turn comes after A's (${afterA} ms)`)
  assert.equal(await createFetchPacer(sharedPacerStore({ pool: db.pool, crm: 'p2' })).fetched(), 0, 'another CRM: at once')
})

test('when the database cannot be reached, then the pacer goes on with this process\'s own turns and says so, without failing the batch', async () => {
  const gone = createPool({ connectionString: db.url, logger: createLogger({ level: 'silent' }) })
  await gone.end()
  const lines: string[] = []
  const logger = createLogger({ level: 'warn', destination: new Writable({ write (chunk: Buffer, _encoding, done) { lines.push(chunk.toString()); done() } }) })
  const pacer = createFetchPacer(sharedPacerStore({ pool: gone, crm: 'p3', logger }))
  assert.equal(await pacer.fetched(), 0)
  const lingers = await pacer.nextTurn(1000)
  assert.ok(lingers > 900 && lingers <= 1000, `its own turn, one spacing after its fetch (${lingers} ms)`)
  assert.ok(lines.some((line) => line.includes('fetch turns unavailable')), 'a warning says the pacing is this process\'s own')
})
