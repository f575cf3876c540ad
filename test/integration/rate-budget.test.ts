import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type pg from 'pg'
import { CrmQuotaSpentError } from '../../src/crm/errors.ts'
import { runMigrations } from '../../src/db/migrate.ts'
import { createPool } from '../../src/db/pool.ts'
import { createLogger } from '../../src/logger.ts'
import { budgetUsage, createRateBudget, type BudgetSettings } from '../../src/sync/rate-budget.ts'
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.ts'

// Each budget instance stands for one worker process: they share nothing but PostgreSQL.
let database: TestDatabase
let pool: pg.Pool

before(async () => {
  database = await createTestDatabase()
  await runMigrations(database.url)
  pool = createPool({ connectionString: database.url, logger: createLogger({ level: 'silent' }), max: 10 })
})

after(async () => {
  await pool.end()
  await database.drop()
})

const settings = (overrides: Partial<BudgetSettings> = {}): BudgetSettings => ({ limit: 11, windowMs: 500, dailyLimit: 1_000_000, dailyShare: 1, ...overrides })

test('when three processes draw on one budget, then together they stay within the window\'s limit', async () => {
  const budgets = [0, 1, 2].map(() => createRateBudget({ pool, crm: 'shared-window', settings: settings() }))
  await Promise.all(budgets.map(async (budget) => { for (let i = 0; i < 12; i++) await budget.acquire() }))
  // Judged by what the database granted, per 100 ms slot, not by when each process noticed:
  // no run of window-plus-one slots (a real 500 ms window of any phase) holds more than the
  // limit (11 × 0.95 → 10).
  const { rows } = await pool.query<{ slot: string, used: number }>("SELECT slot, used FROM crm_rate_slots WHERE crm = 'shared-window' ORDER BY slot")
  const slots = rows.map((row) => ({ slot: Number(row.slot), used: row.used }))
  assert.equal(slots.reduce((sum, s) => sum + s.used, 0), 36)
  for (const { slot } of slots) {
    const inWindow = slots.filter((s) => s.slot >= slot && s.slot <= slot + 5).reduce((sum, s) => sum + s.used, 0)
    assert.ok(inWindow <= 10, `${inWindow} requests granted within the window starting at slot ${slot}`)
  }
  assert.ok(slots.at(-1)!.slot - slots[0]!.slot >= 15, 'granting 36 at 10 per window took at least three windows')
})

test('when one process is told to pause (a 429), then every process waits', async () => {
  const [first, second] = [0, 1].map(() => createRateBudget({ pool, crm: 'shared-pause', settings: settings() }))
  await first?.pause(300)
  const started = Date.now()
  await second?.acquire()
  assert.ok(Date.now() - started >= 250, 'the second process waited for the pause the first one learned')
})

test('when HubSpot\'s headers report a higher limit, then the budget uses it', async () => {
  const budget = createRateBudget({ pool, crm: 'adapts', settings: settings({ limit: 100, windowMs: 10_000 }) })
  await budget.observe?.({ 'x-hubspot-ratelimit-max': '190', 'x-hubspot-ratelimit-interval-milliseconds': '10000', 'x-hubspot-ratelimit-remaining': '150' })
  const [usage] = await budgetUsage(pool, [{ crm: 'adapts', settings: settings({ limit: 100, windowMs: 10_000 }) }])
  assert.equal(usage?.windowLimit, 180)
})

test('when a budget is made, then it says how long its window is (the sync\'s spending gate waits that long from the start)', () => {
  assert.equal(createRateBudget({ pool, crm: 'says', settings: settings({ windowMs: 20_000 }) }).windowMs, 20_000)
})

test('when Salesforce reports the org\'s daily allocation, then the daily budget is this app\'s share of it', async () => {
  const own = settings({ dailyLimit: 100_000, dailyShare: 0.5 })
  const budget = createRateBudget({ pool, crm: 'sf-daily', settings: own })
  await budget.observe?.({ 'sforce-limit-info': 'api-usage=120/15000' })
  const [usage] = await budgetUsage(pool, [{ crm: 'sf-daily', settings: own }])
  assert.equal(usage?.dayLimit, 7500)
})

test('when the daily budget is spent, then acquiring fails with CrmQuotaSpentError instead of waiting', async () => {
  const budget = createRateBudget({ pool, crm: 'daily', settings: settings({ limit: 1000, dailyLimit: 4, dailyShare: 0.5 }) })
  await budget.acquire()
  await budget.acquire()
  await assert.rejects(budget.acquire(), CrmQuotaSpentError)
})

test('when the daily share spread over the day is slower than the window, then that is the rate the budget sustains', () => {
  assert.equal(createRateBudget({ pool, crm: 'pace', settings: settings({ limit: 100, windowMs: 10_000, dailyLimit: 1_000_000, dailyShare: 1 }) }).callsPerSecond, 9.5)
  // HubSpot Free/Starter, half of it for us: 125 000 a day is 1.45 a second, not the window's 9.5.
  const hubspot = createRateBudget({ pool, crm: 'pace', settings: settings({ limit: 100, windowMs: 10_000, dailyLimit: 250_000, dailyShare: 0.5 }) })
  assert.equal(hubspot.callsPerSecond?.toFixed(2), '1.45')
})
