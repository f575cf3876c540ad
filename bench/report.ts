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
    '| variant | concurrency | req/s | p50 ms | p99 ms | p99.9 ms | non-200 | peak RSS MiB |',
    '|---|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const p of input.ingest) {
    lines.push(`| ${p.variant} | ${p.concurrency} | ${p.rps.toFixed(0)} | ${ms(p.p50)} | ${ms(p.p99)} | ${ms(p.p999)} | ${p.errors} | ${p.peakRssMiB ?? '–'} |`)
  }
  lines.push('', '| concurrency | ours / naive (req/s) | ours / ceiling (req/s) |', '|---:|---:|---:|')
  const at = (variant: string, concurrency: number) => input.ingest.find((p) => p.variant === variant && p.concurrency === concurrency)?.rps
  for (const concurrency of [...new Set(input.ingest.map((p) => p.concurrency))]) {
    lines.push(`| ${concurrency} | ${ratio(at('ours', concurrency), at('naive', concurrency))} | ${ratio(at('ours', concurrency), at('ceiling', concurrency))} |`)
  }
  const s = input.sync
  if (s) {
    lines.push('', `## Sync (${s.events} events over ${s.customers} customers, HubSpot limit ${s.hubspotLimit.max} req / ${s.hubspotLimit.intervalMs / 1000} s, CRM latency ${s.latencyMs} ms)`, '',
      '| metric | value |', '|---|---:|',
      `| events accepted (200) | ${s.accepted} |`,
      `| time from first send until every contact + message is in HubSpot and no HubSpot job is left (or the cap) | ${s.drainSeconds.toFixed(1)} s |`,
      `| HubSpot contacts + messages synced / s | ${s.hubspotRecordsPerSecond.toFixed(1)} |`,
      `| HubSpot rate-limit ceiling, records / s (100 inputs per call) | ${s.hubspotCeilingRecordsPerSecond.toFixed(0)} |`,
      `| HubSpot requests made / s (limit ${(s.hubspotLimit.max / (s.hubspotLimit.intervalMs / 1000)).toFixed(0)}) | ${s.hubspotRequestsPerSecond.toFixed(1)} |`,
      `| HubSpot calls / 1 000 events (contact + message upserts and associations) | ${s.hubspotCallsPer1000Events.toFixed(1)} |`,
      `| HubSpot contact upsert calls / 1 000 contact updates | ${s.hubspotContactUpsertCallsPer1000ContactUpdates.toFixed(1)} |`,
      `| Salesforce calls / 1 000 events | ${s.salesforceCallsPer1000Events.toFixed(1)} |`,
      `| HubSpot 429s | ${s.hubspot429} |`,
      `| failed / dead-lettered sync jobs | ${s.failedSyncJobs} |`,
      `| HubSpot contacts / communications | ${s.hubspotContacts} / ${s.hubspotCommunications} |`,
      `| e2e lag receive → HubSpot contact synced, p50 / p99 (${s.lag.rate} events/s for ${s.lag.seconds} s, ${s.lag.samples} samples) | ${ms(s.lag.p50)} / ${ms(s.lag.p99)} ms |`,
      '', '### CRM calls against the minimum the APIs allow (phase 1 workload)', '',
      '| CRM | minimum calls | our calls | minimum / 1 000 events | ours / 1 000 events | ours ÷ minimum |', '|---|---:|---:|---:|---:|---:|',
      `| HubSpot | ${s.minimum.hubspot} | ${s.hubspotCalls} | ${(s.minimum.hubspot / s.events * 1000).toFixed(1)} | ${(s.hubspotCalls / s.events * 1000).toFixed(1)} | ${(s.hubspotCalls / s.minimum.hubspot).toFixed(2)}× |`,
      `| HubSpot, minimum without inline associations | ${s.minimum.hubspotWithoutInlineAssociations} | ${s.hubspotCalls} | ${(s.minimum.hubspotWithoutInlineAssociations / s.events * 1000).toFixed(1)} | ${(s.hubspotCalls / s.events * 1000).toFixed(1)} | ${(s.hubspotCalls / s.minimum.hubspotWithoutInlineAssociations).toFixed(2)}× |`,
      `| Salesforce | ${s.minimum.salesforce} | ${s.salesforceCalls} | ${(s.minimum.salesforce / s.events * 1000).toFixed(1)} | ${(s.salesforceCalls / s.events * 1000).toFixed(1)} | ${(s.salesforceCalls / s.minimum.salesforce).toFixed(2)}× |`,
      '', ...s.minimum.how.map((line) => `- ${line}`), '',
      `- HubSpot calls by route: ${Object.entries(s.hubspotRequestsByRoute).filter(([route]) => !route.includes('/properties')).map(([route, n]) => `${route.replace('POST /crm/', '')} ${n}`).join(', ')}`,
      `- Drain used ${(s.hubspotLimitUsed * 100).toFixed(0)} % of HubSpot's limit for its duration; minimum calls ÷ limit = ${(s.minimum.hubspot / (s.hubspotLimit.max / (s.hubspotLimit.intervalMs / 1000))).toFixed(1)} s, drain ${s.drainSeconds.toFixed(1)} s (includes the send phase)`,
      `- Daily quota: at ${s.lag.rate} events/s we made ${s.steady.hubspotCallsPerSecond.toFixed(2)} HubSpot calls/s → ${Math.round(s.steady.hubspotCallsPerDay).toLocaleString('en')} a day = ${(s.steady.dailyQuotaShare * 100).toFixed(0)} % of a Free/Starter account's ${s.steady.dailyQuota.toLocaleString('en')} (shared with its other integrations)`)
  } else {
    lines.push('', 'Sync benchmark: not run.')
  }
  return lines.join('\n') + '\n'
}
