// `npm run erase -- --customer <id> [--json] [--wait <seconds>]`: erases one customer
// (docs/data-lifecycle.md). The work runs as a job in the service's workers; this queues
// it, waits, and prints the receipt.
import { loadConfig } from '../config.ts'
import { createBoss } from '../db/boss.ts'
import { createPool } from '../db/pool.ts'
import { requestErasure } from '../lifecycle/erasure-job.ts'
import { formatReceipt, nothingFound } from '../lifecycle/erasure-receipt.ts'
import { waitForErasure } from '../lifecycle/wait-for-erasure.ts'
import { createLogger } from '../logger.ts'
import { ERASE_HELP, EraseUsageError, parseEraseOptions } from './erase-options.ts'
import { serviceDatabaseUrl } from './service-database.ts'

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  process.stderr.write(`erase: ${(error as Error).message}\n`)
  process.exitCode = error instanceof EraseUsageError ? 2 : 1
}

async function main (argv: string[]): Promise<number> {
  const options = parseEraseOptions(argv)
  if (!options) {
    process.stdout.write(ERASE_HELP)
    return 0
  }
  const config = loadConfig(process.env)
  const logger = createLogger({ level: config.logLevel === 'info' ? 'warn' : config.logLevel })
  const url = await serviceDatabaseUrl(config)
  const pool = createPool({ connectionString: url, logger, max: 2, applicationName: 'agentclara-crm-sync:erase' })
  const boss = createBoss({ connectionString: url, logger, max: 2 })
  await boss.start()
  try {
    const { erasureId } = await requestErasure(pool, boss, options.customerId, 'cli')
    if (!options.json) process.stderr.write(`Erasure #${erasureId} queued; waiting for a worker…\n`)
    const wait = await waitForErasure(pool, erasureId, {
      timeoutMs: options.waitSeconds * 1000,
      onRetry: (error) => process.stderr.write(`erase: an attempt failed and will be retried: ${error}\n`)
    })
    const receipt = { customerId: options.customerId, ...wait.receipt, nothingLeft: wait.outcome === 'completed' && nothingFound(wait.receipt) }
    process.stdout.write(options.json ? `${JSON.stringify({ outcome: wait.outcome, ...receipt }, null, 2)}\n` : `${formatReceipt(wait.receipt, options.customerId)}\n`)
    if (wait.outcome === 'completed') return 0
    process.stderr.write(wait.outcome === 'failed'
      ? `erase: the erasure job gave up: ${wait.error}. Fix the cause and run this command again: it resumes.\n`
      : `erase: not finished within ${options.waitSeconds} s${wait.lastError ? ` (last error: ${wait.lastError})` : ''}. Is a worker running? ` +
        'The erasure continues when one runs; run this command again to resume it and see the receipt.\n')
    return wait.outcome === 'failed' ? 1 : 3
  } finally {
    await boss.stop({ graceful: false })
    await pool.end()
  }
}
