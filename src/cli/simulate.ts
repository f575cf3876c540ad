// `npm run simulate -- …`: sends signed AgentClara-style webhooks to the receiver and
// summarises the answers. `--help` lists the options; the work is in src/simulator/.
import { randomBytes } from 'node:crypto'
import { seedEventTypes } from '../events/seed-events.ts'
import { helpText, parseCliOptions, type CliOptions } from '../simulator/cli-options.ts'
import { formatSummary } from '../simulator/format-summary.ts'
import { generateEvents } from '../simulator/generate-events.ts'
import { createProgressBar } from '../simulator/progress-bar.ts'
import { resolveSecret } from '../simulator/resolve-secret.ts'
import { runSimulation } from '../simulator/run-simulation.ts'
import { seedSimEvents, type SimEvent } from '../simulator/sim-event.ts'
import type { SimulationSummary } from '../simulator/tally.ts'
import { UsageError } from '../simulator/usage-error.ts'

try {
  process.exitCode = await main(process.argv.slice(2))
} catch (error) {
  if (!(error instanceof UsageError)) throw error
  process.stderr.write(`simulate: ${error.message}\n`)
  process.exitCode = 2
}

async function main (argv: string[]): Promise<number> {
  const options = parseCliOptions(argv, process.env)
  if (options.help) {
    process.stdout.write(helpText(process.env))
    return 0
  }
  const { secret, source } = await resolveSecret({ flag: options.secret, env: process.env })
  const randomSeed = options.randomSeed ?? String(randomBytes(4).readUInt32BE())
  const runId = options.runId ?? randomBytes(3).toString('hex')
  const events = buildEvents(options, randomSeed, runId)

  const controller = new AbortController()
  process.once('SIGINT', () => {
    process.stderr.write('\nsimulate: interrupted; finishing requests in flight (Ctrl-C again to quit now)\n')
    controller.abort()
    process.once('SIGINT', () => process.exit(130))
  })
  const bar = options.quiet ? undefined : createProgressBar(process.stderr)
  if (!options.quiet) process.stderr.write(`simulate: ${events.length} events → ${options.url} (secret from ${source})\n`)

  const summary = await runSimulation({
    url: options.url,
    secret,
    events,
    ...(options.source.kind === 'generate' ? { runId } : {}),
    randomSeed,
    duplicates: options.duplicates,
    outOfOrder: options.outOfOrder,
    outOfOrderWindow: options.outOfOrderWindow,
    badSignature: options.badSignature,
    rate: options.rate,
    concurrency: options.concurrency,
    retrySchedule: options.retrySchedule,
    retryScale: options.retryScale,
    timeoutMs: options.timeoutMs,
    signal: controller.signal,
    ...(bar ? { onProgress: bar.update } : {})
  })
  bar?.finish()
  process.stdout.write((options.json ? JSON.stringify(summary, null, 2) : formatSummary(summary)) + '\n')
  for (const hint of hints(summary)) process.stderr.write(`simulate: ${hint}\n`)
  return summary.ok ? 0 : summary.interrupted ? 130 : 1
}

function buildEvents (options: CliOptions, randomSeed: string, runId: string): SimEvent[] {
  const { source } = options
  if (source.kind === 'seed') return seedSimEvents(seedEventTypes)
  if (source.kind === 'event') return seedSimEvents([source.type])
  return generateEvents({
    ...(source.customers !== undefined ? { customers: source.customers } : {}),
    ...(source.count !== undefined ? { count: source.count } : {}),
    runId,
    randomSeed,
    startTime: options.startTime ?? Date.now()
  })
}

/** The two mistakes everyone makes first. */
function hints (summary: SimulationSummary): string[] {
  const result: string[] = []
  if (summary.errors.ECONNREFUSED) result.push(`nothing is listening at ${summary.url}. Is the service running (npm start)? Or pass --url.`)
  const signed401 = summary.unexpected.samples.some((sample) => !sample.badSignature && sample.last === '401')
  if (signed401) result.push('correctly signed deliveries got 401: the secret does not match the service\'s. Pass --secret or set AGENTCLARA_WEBHOOK_SECRET.')
  return result
}
