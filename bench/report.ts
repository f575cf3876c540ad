import type { IngestPoint } from './ingest-bench.ts'
import type { SyncResult } from './sync-bench.ts'

const ms = (value: number | null) => value === null ? '–' : value.toFixed(1)
const ratio = (a: number | undefined, b: number | undefined) => a && b ? `${(a / b).toFixed(2)}×` : '–'

/** The Markdown tables printed at the end and written to bench/results/latest.md. */
export function renderMarkdown (input: { environment: Record<string, unknown>, ingest: IngestPoint[], sync?: SyncResult }): string {
  const env = input.environment
  const lines = [
    `## Ingestion (${env.cpus} × ${env.cpuModel}, Node ${env.node}, ${Number(env.durationMs) / 1000} s per point after ${Number(env.warmupMs) / 1000} s warm-up)`,
    '',
    '| variant | concurrency | req/s | p50 ms | p99 ms | p99.9 ms | non-200 | server CPU µs/req | PostgreSQL CPU µs/req | peak RSS MiB | events applied / s |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  const us = (value: number | null | undefined) => value === null || value === undefined ? '–' : value.toFixed(0)
  const first = input.ingest.filter((p) => p.round === 1)
  const again = input.ingest.filter((p) => p.round === 2)
  for (const p of first) {
    lines.push(`| ${p.variant} | ${p.concurrency} | ${p.rps.toFixed(0)} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.p999)} | ${p.errors} | ${us(p.cpuMicrosPerRequest)} | ${us(p.postgresCpuMicrosPerRequest)} | ${p.peakRssMiB ?? '–'} | ${us(p.appliedPerSecond)} |`)
  }
  lines.push('', '| concurrency | ours ÷ naive | ours + apply worker ÷ naive | ours + all workers syncing ÷ naive | ours + apply worker ÷ naive+prepared | ours ÷ ceiling |', '|---:|---:|---:|---:|---:|---:|')
  const pointOf = (points: IngestPoint[], variant: string, concurrency: number) => points.find((p) => p.variant === variant && p.concurrency === concurrency)
  /** A variant's req/s at a concurrency: the first round's, or with `bothRounds` the mean of the two. */
  const at = (variant: string, concurrency: number, bothRounds = false) => {
    const rates = (bothRounds ? [first, again] : [first]).map((points) => pointOf(points, variant, concurrency)?.rps)
    if (rates.some((rps) => rps === undefined)) return undefined
    return (rates as number[]).reduce((sum, rps) => sum + rps, 0) / rates.length
  }
  const ratioRow = (label: string, concurrency: number, bothRounds: boolean) => {
    const naive = at('naive', concurrency, bothRounds)
    return `| ${label} | ${ratio(at('ours', concurrency, bothRounds), naive)} | ${ratio(at('ours+apply', concurrency, bothRounds), naive)} | ${ratio(at('ours+sync', concurrency, bothRounds), naive)} | ${ratio(at('ours+apply', concurrency, bothRounds), at('naive+prepared', concurrency, bothRounds))} | ${ratio(at('ours', concurrency, bothRounds), at('ceiling', concurrency, bothRounds))} |`
  }
  for (const concurrency of [...new Set(first.map((p) => p.concurrency))]) lines.push(ratioRow(String(concurrency), concurrency, false))
  const againAt = [...new Set(again.map((p) => p.concurrency))]
  for (const concurrency of againAt) lines.push(ratioRow(`${concurrency}, mean of both rounds`, concurrency, true))
  if (again.length > 0) {
    lines.push('', `Round 2: each variant once more at c=${againAt.join(', ')}, in reverse order, after the pass above.`, '',
      '| variant | concurrency | req/s, round 1 / round 2 | p99 ms, round 1 / round 2 | server CPU µs/req, round 2 | PostgreSQL CPU µs/req, round 2 |', '|---|---:|---:|---:|---:|---:|')
    for (const p of again) {
      const one = pointOf(first, p.variant, p.concurrency)
      lines.push(`| ${p.variant} | ${p.concurrency} | ${one ? one.rps.toFixed(0) : '–'} / ${p.rps.toFixed(0)} | ${ms(one?.p99 ?? null)} / ${ms(p.p99)} | ${us(p.cpuMicrosPerRequest)} | ${us(p.postgresCpuMicrosPerRequest)} |`)
    }
  }
  const s = input.sync
  if (s) {
    const perSecond = s.hubspotLimit.max / (s.hubspotLimit.intervalMs / 1000)
    const floorSeconds = s.minimum.hubspot / perSecond
    const pct = (share: number | null) => share === null ? '–' : `${(share * 100).toFixed(0)} %`
    const row = (crm: string, minimum: number, phase: string, calls: number, events = s.events) =>
      `| ${crm} | ${phase} | ${minimum} | ${calls} | ${(minimum / events * 1000).toFixed(1)} | ${(calls / events * 1000).toFixed(1)} | ${(calls / minimum).toFixed(2)}× |`
    const firstDay = `first day (${s.firstDay.events} events${s.firstDay.complete ? '' : ', CAP HIT'})`
    const routes = (byRoute: Record<string, number>) => Object.entries(byRoute).filter(([route]) => !route.includes('/properties'))
      .map(([route, n]) => `${route.replace('POST /crm/', '')} ${n}`).join(', ')
    lines.push('', `## Sync (${s.events} events over ${s.customers} customers, HubSpot limit ${s.hubspotLimit.max} req / ${s.hubspotLimit.intervalMs / 1000} s, CRM latency ${s.latencyMs} ms)`, '',
      '### CRM calls against the minimum the APIs allow', '',
      '| CRM | phase | minimum calls | our calls | minimum / 1 000 events | ours / 1 000 events | ours ÷ minimum |', '|---|---|---:|---:|---:|---:|---:|',
      row('HubSpot', s.firstDay.minimum.hubspot, firstDay, s.firstDay.hubspotCalls, s.firstDay.events),
      row('HubSpot', s.minimum.hubspot, 'backlog drain', s.backlog.hubspotCalls),
      row('HubSpot', s.minimum.hubspot, 'live burst', s.live.hubspotCalls),
      row('Salesforce', s.firstDay.minimum.salesforce, firstDay, s.firstDay.salesforceCalls, s.firstDay.events),
      row('Salesforce', s.minimum.salesforce, 'backlog drain', s.backlog.salesforceCalls),
      row('Salesforce', s.minimum.salesforce, 'live burst', s.live.salesforceCalls),
      '', `Minimum, first day: ${s.firstDay.minimum.how.join('; ')}`, '', `Minimum, backlog drain and live burst: ${s.minimum.how.join('; ')}`, '',
      `- HubSpot calls by route, first day: ${routes(s.firstDay.hubspotByRoute)}; backlog: ${routes(s.backlog.hubspotByRoute)}; live: ${routes(s.live.hubspotByRoute)}`,
      '', '### Drain, lag, quota', '',
      '| metric | value |', '|---|---:|',
      `| backlog drain: sync start → every record in HubSpot, no HubSpot job left${s.backlog.complete ? '' : ' (CAP HIT)'} | ${s.backlog.drainSeconds.toFixed(1)} s |`,
      `| backlog drain ÷ (minimum calls ÷ limit = ${floorSeconds.toFixed(1)} s) | ${(s.backlog.drainSeconds / floorSeconds).toFixed(2)}× |`,
      `| HubSpot limit used over the whole backlog drain | ${pct(s.backlog.hubspot.used)} |`,
      `| least-used ${s.hubspotLimit.intervalMs / 1000} s window of the backlog drain | ${pct(s.backlog.hubspot.lowestWindowUsed)} |`,
      `| live burst: first send → every record in HubSpot${s.live.complete ? '' : ' (CAP HIT)'} (sending took ${s.live.sendSeconds.toFixed(1)} s) | ${s.live.drainSeconds.toFixed(1)} s |`,
      `| live events accepted (200) | ${s.live.accepted} / ${s.events} |`,
      `| first day: first send → every record in HubSpot (sending took ${s.firstDay.sendSeconds.toFixed(1)} s; accepted ${s.firstDay.accepted} / ${s.firstDay.events}) | ${s.firstDay.drainSeconds.toFixed(1)} s |`,
      `| e2e lag receive → HubSpot contact synced, p50 / p99 (${s.lag.rate} events/s for ${s.lag.seconds} s after ${s.lag.warmupSeconds} s of warm-up, ${s.lag.samples} samples) | ${ms(s.lag.p50)} / ${ms(s.lag.p99)} ms |`,
      `| e2e lag receive → Salesforce Contact synced, p50 / p99 (the same events, ${s.salesforceLag.samples} samples) | ${ms(s.salesforceLag.p50)} / ${ms(s.salesforceLag.p99)} ms |`,
      `| the same lags over the whole phase from its first event, warm-up included, as runs up to BB measured it (over 30 s then): HubSpot · Salesforce, p50 / p99 (${s.lag.fromStart.samples} samples) | ${ms(s.lag.fromStart.p50)} / ${ms(s.lag.fromStart.p99)} · ${ms(s.salesforceLag.fromStart.p50)} / ${ms(s.salesforceLag.fromStart.p99)} ms |`,
      ...(['HubSpot', 'Salesforce'] as const).map((crm) => {
        const { queued, waited, written } = (crm === 'HubSpot' ? s.lag : s.salesforceLag).stages
        return `| ${crm}'s lag by stage, p50 / p99 each: receive → sync job queued · queued → fetched by the worker that wrote it · fetched → synced | ${ms(queued.p50)} / ${ms(queued.p99)} · ${ms(waited.p50)} / ${ms(waited.p99)} · ${ms(written.p50)} / ${ms(written.p99)} ms |`
      }),
      `| HubSpot calls / s at ${s.lag.rate} events/s → a day of it | ${s.steady.hubspotCallsPerSecond.toFixed(2)} → ${Math.round(s.steady.hubspotCallsPerDay).toLocaleString('en')} |`,
      `| share of a Free/Starter daily quota (${s.steady.dailyQuota.toLocaleString('en')}, shared with the account's other integrations) | ${pct(s.steady.dailyQuotaShare)} |`,
      `| Salesforce calls / s at ${s.lag.rate} events/s → a day of it | ${s.steady.salesforceCallsPerSecond.toFixed(2)} → ${Math.round(s.steady.salesforceCallsPerDay).toLocaleString('en')} |`,
      `| share of the org's daily API request limit our default budget assumes (${s.steady.salesforceDailyQuota.toLocaleString('en')}, shared with its other integrations) | ${pct(s.steady.salesforceDailyQuotaShare)} |`,
      `| HubSpot 429s / failed or dead sync records | ${s.hubspot429} / ${s.failedSyncJobs} |`)
  } else {
    lines.push('', 'Sync benchmark: not run.')
  }
  return lines.join('\n') + '\n'
}
