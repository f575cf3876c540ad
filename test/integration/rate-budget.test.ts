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
  const granted: number[] = []
  await Promise.all(budgets.map(async (budget) => {
    for (let i = 0; i < 12; i++) {
      await budget.acquire()
      granted.push(Date.now())
    }
  }))
  granted.sort((a, b) => a - b)
  // 100 ms slots: any span shorter than the window minus one slot holds at most the limit (11 × 0.95 → 10).
  for (let i = 0; i < granted.length; i++) {
    const inSpan = granted.filter((t) => t >= (granted[i] ?? 0) && t < (granted[i] ?? 0) + 400).length
    assert.ok(inSpan <= 10, `${inSpan} requests within 400 ms`)
  }
  assert.equal(granted.length, 36)
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
