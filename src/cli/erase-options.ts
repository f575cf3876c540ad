import { parseArgs } from 'node:util'

export interface EraseOptions {
  customerId: string
  json: boolean
  /** How long to wait for the worker to finish, in seconds. */
  waitSeconds: number
}

export const ERASE_HELP = `Usage: npm run erase -- --customer <id> [--json] [--wait <seconds>]

Erases one AgentClara customer: their webhook payloads, mirror rows and sync records here,
and their contact, messages and appointments in every CRM whose sync is on. A worker of the
running service does the work (it holds the CRM connections); this command queues it, waits
and prints the receipt. Running it again resumes an unfinished erasure, or reports that
nothing is left. Later events for the customer are held until the erasure is lifted on the
dashboard (/admin/data). See docs/data-lifecycle.md.

  --customer <id>   the AgentClara customer_id to erase (required)
  --json            print the receipt as JSON
  --wait <seconds>  how long to wait for the worker (default 300)
`

export class EraseUsageError extends Error {
  override name = 'EraseUsageError'
}

/** Returns undefined for --help. */
export function parseEraseOptions (argv: string[]): EraseOptions | undefined {
  let parsed
  try {
    parsed = parseArgs({
      args: argv,
      options: { customer: { type: 'string' }, json: { type: 'boolean' }, wait: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      strict: true
    }).values
  } catch (error) {
    throw new EraseUsageError((error as Error).message)
  }
  if (parsed.help) return undefined
  const customerId = parsed.customer?.trim() ?? ''
  if (customerId === '' || customerId.length > 255) throw new EraseUsageError('--customer <id> is required (at most 255 characters)')
  const waitSeconds = parsed.wait === undefined ? 300 : Number(parsed.wait)
  if (!Number.isFinite(waitSeconds) || waitSeconds < 0) throw new EraseUsageError('--wait takes a number of seconds')
  return { customerId, json: parsed.json ?? false, waitSeconds }
}
