import { parseArgs } from 'node:util'
import { isEventType, type EventType } from '../events/schemas.ts'
import { seedEventTypes } from '../events/seed-events.ts'
import { UsageError } from './usage-error.ts'

export type Source =
  | { kind: 'seed' }
  | { kind: 'event', type: EventType }
  | { kind: 'generate', customers?: number, count?: number }

export interface CliOptions {
  help: boolean
  url: string
  secret?: string
  source: Source
  runId?: string
  randomSeed?: string
  startTime?: string
  rate: number
  concurrency: number
  duplicates: number
  outOfOrder: boolean
  outOfOrderWindow: number
  badSignature: number
  retrySchedule: boolean
  retryScale: number
  timeoutMs: number
  json: boolean
  quiet: boolean
}

export function helpText (env: NodeJS.ProcessEnv = {}): string {
  return `Usage: npm run simulate -- <what to send> [options]

Sends signed webhooks to the receiver the way AgentClara does, and summarises the answers.
Exit code 0 when every delivery ended as expected (200, or 401 for forged ones), 1 otherwise, 2 on bad usage.

What to send (one of):
  --seed                 the five sample events from AgentClara's webhook page, exact bytes, in page order
  --event <type>         one sample event: ${seedEventTypes.join(', ')}
  --generate             generated customers and conversations (created, messages, maybe updated,
                         appointment booked, closed); implied by --customers or --count
    --customers <n>      number of customers (default: count / 7, or 10)
    --count <n>          total events (default: whatever the customers produce)
    --run-id <id>        id prefix, so runs do not collide (default: random)
    --start-time <iso>   timestamp of the first event (default: now)

Where and how:
  --url <url>            default http://127.0.0.1:${env.PORT ?? '3000'}/webhooks/agentclara (PORT)
  --secret <secret>      default: first of AGENTCLARA_WEBHOOK_SECRET, else the development secret
                         in $DATA_DIR/secrets.json (.data/secrets.json) that npm start wrote
  --rate <r>             events per second, token-bucket paced; 0 = as fast as concurrency allows (default 0)
  --concurrency <n>      requests in flight at once (default 10; 1 for --seed and --event, to keep their order)
  --timeout <ms>         per-request timeout (default 10000)

Trouble, like the real thing:
  --duplicates <p>       fraction 0..1 of deliveries sent twice (immediately, later or concurrently)
  --out-of-order         shuffle within windows: a message may arrive before its conversation.created
    --window <n>         window size for --out-of-order (default 10)
  --bad-signature <p>    fraction 0..1 of events also sent signed with a wrong secret (expects 401)
  --retry-schedule       resend failed deliveries (non-200 or network error) after 0 s, 5 s, 5 min, 30 min
    --retry-scale <f>    compress that schedule, e.g. 0.01 makes 30 min 18 s (default 1)
  --random-seed <s>      makes generation, duplicates, forgeries and shuffling reproducible (default: random;
                         with --run-id and --start-time too, the bytes are identical)

Output:
  --json                 print the summary as JSON on stdout
  --quiet                no progress on stderr
  -h, --help             this text

Examples:
  npm run simulate -- --seed
  npm run simulate -- --event message.received --secret whsec_…
  npm run simulate -- --generate --customers 50 --duplicates 0.2 --out-of-order --bad-signature 0.05
  npm run -s simulate -- --count 20000 --rate 500 --concurrency 50 --json > result.json   (-s: no npm banner in the JSON)
  npm run simulate -- --generate --retry-schedule --retry-scale 0.01 --random-seed 42
`
}

/** Parses and validates the command line; throws UsageError with a message fit for the user. */
export function parseCliOptions (argv: readonly string[], env: NodeJS.ProcessEnv): CliOptions {
  let values
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        help: { type: 'boolean', short: 'h' },
        url: { type: 'string' },
        secret: { type: 'string' },
        seed: { type: 'boolean' },
        event: { type: 'string' },
        generate: { type: 'boolean' },
        customers: { type: 'string' },
        count: { type: 'string' },
        'run-id': { type: 'string' },
        'random-seed': { type: 'string' },
        'start-time': { type: 'string' },
        rate: { type: 'string' },
        concurrency: { type: 'string' },
        timeout: { type: 'string' },
        duplicates: { type: 'string' },
        'out-of-order': { type: 'boolean' },
        window: { type: 'string' },
        'bad-signature': { type: 'string' },
        'retry-schedule': { type: 'boolean' },
        'retry-scale': { type: 'string' },
        json: { type: 'boolean' },
        quiet: { type: 'boolean' }
      }
    }))
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\nRun with --help for the options.`)
  }

  const generateFlags = values.generate || values.customers !== undefined || values.count !== undefined
  const chosen = [values.seed && '--seed', values.event !== undefined && '--event', generateFlags && '--generate'].filter(Boolean)
  if (chosen.length > 1) throw new UsageError(`Choose one of ${chosen.join(', ')} (--customers and --count mean --generate).`)
  let source: Source
  if (values.seed) source = { kind: 'seed' }
  else if (values.event !== undefined) {
    if (!isEventType(values.event)) throw new UsageError(`Unknown event type "${values.event}". One of: ${seedEventTypes.join(', ')}.`)
    source = { kind: 'event', type: values.event }
  } else if (generateFlags) {
    source = { kind: 'generate' }
    if (values.customers !== undefined) source.customers = integer('--customers', values.customers, 1)
    if (values.count !== undefined) source.count = integer('--count', values.count, 1)
  } else if (values.help) source = { kind: 'seed' }
  else throw new UsageError('Nothing to send: pass --seed, --event <type> or --generate. Run with --help for examples.')

  const url = values.url ?? `http://127.0.0.1:${env.PORT ?? '3000'}/webhooks/agentclara`
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol)) throw new UsageError(`--url must be an http(s) URL, got "${url}".`)
  if (values['run-id'] !== undefined && !/^[A-Za-z0-9-]{1,40}$/.test(values['run-id'])) {
    throw new UsageError('--run-id must be 1–40 letters, digits or "-" (it becomes part of ids and URLs).')
  }
  if (values['start-time'] !== undefined && Number.isNaN(Date.parse(values['start-time']))) {
    throw new UsageError(`--start-time must be an ISO date-time, got "${values['start-time']}".`)
  }
  if (values['retry-scale'] !== undefined && !values['retry-schedule']) throw new UsageError('--retry-scale needs --retry-schedule.')
  if (values.window !== undefined && !values['out-of-order']) throw new UsageError('--window needs --out-of-order.')

  return {
    help: values.help ?? false,
    url,
    ...(values.secret !== undefined ? { secret: values.secret } : {}),
    source,
    ...(values['run-id'] !== undefined ? { runId: values['run-id'] } : {}),
    ...(values['random-seed'] !== undefined ? { randomSeed: values['random-seed'] } : {}),
    ...(values['start-time'] !== undefined ? { startTime: values['start-time'] } : {}),
    rate: number('--rate', values.rate ?? '0', 0),
    // The samples go one at a time so they arrive in the page's order; generated runs fan out.
    concurrency: integer('--concurrency', values.concurrency ?? (source.kind === 'generate' ? '10' : '1'), 1),
    duplicates: fraction('--duplicates', values.duplicates),
    outOfOrder: values['out-of-order'] ?? false,
    outOfOrderWindow: integer('--window', values.window ?? '10', 2),
    badSignature: fraction('--bad-signature', values['bad-signature']),
    retrySchedule: values['retry-schedule'] ?? false,
    retryScale: number('--retry-scale', values['retry-scale'] ?? '1', 0),
    timeoutMs: integer('--timeout', values.timeout ?? '10000', 1),
    json: values.json ?? false,
    quiet: values.quiet ?? false
  }
}

function number (flag: string, text: string, min: number): number {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value) || value < min) throw new UsageError(`${flag} must be a number >= ${min}, got "${text}".`)
  return value
}

function integer (flag: string, text: string, min: number): number {
  const value = number(flag, text, min)
  if (!Number.isInteger(value)) throw new UsageError(`${flag} must be a whole number, got "${text}".`)
  return value
}

function fraction (flag: string, text: string | undefined): number {
  if (text === undefined) return 0
  const value = number(flag, text, 0)
  if (value > 1) throw new UsageError(`${flag} is a fraction between 0 and 1, got "${text}".`)
  return value
}
