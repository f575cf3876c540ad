import { eventTypes } from '../events/schemas.ts'
import type { SimulationSummary } from './tally.ts'

const rank = (type: string) => {
  const index = eventTypes.indexOf(type as (typeof eventTypes)[number])
  return index === -1 ? eventTypes.length : index
}

/** The human-readable summary printed on stdout at the end of a run. */
export function formatSummary (s: SimulationSummary): string {
  const lines: string[] = []
  const seed = [s.runId ? `run ${s.runId}` : '', s.randomSeed ? `random seed ${s.randomSeed}` : ''].filter(Boolean).join(', ')
  lines.push(`AgentClara simulator → ${s.url}${seed ? `  (${seed})` : ''}`, '')

  const statuses = [...new Set(Object.values(s.statusByEventType).flatMap((byStatus) => Object.keys(byStatus)))]
    .sort((a, b) => (a === 'error' ? 1 : b === 'error' ? -1 : Number(a) - Number(b)))
  // The vendor page's order, then anything else.
  const types = Object.keys(s.statusByEventType).sort((a, b) => rank(a) - rank(b))
  const width = Math.max(10, ...types.map((type) => type.length))
  lines.push(['event type'.padEnd(width), 'requests'.padStart(8), ...statuses.map((status) => status.padStart(6))].join('  '))
  for (const type of types) {
    const byStatus = s.statusByEventType[type] ?? {}
    const total = Object.values(byStatus).reduce((sum, n) => sum + n, 0)
    lines.push([type.padEnd(width), String(total).padStart(8), ...statuses.map((status) => String(byStatus[status] ?? '').padStart(6))].join('  '))
  }
  lines.push('')

  const d = s.duplicates
  const extras = [
    d.sent > 0 ? `duplicates ${d.sent}: ${d.immediate} immediate, ${d.later} later, ${d.concurrent} concurrent` : '',
    s.badSignatures.sent > 0 ? `forged ${s.badSignatures.sent}` : ''
  ].filter(Boolean).join('; ')
  lines.push(`events ${s.events}, deliveries ${s.deliveries}${extras ? ` (${extras})` : ''}, requests ${s.requests}`)
  lines.push(s.retries.enabled
    ? `retries ${s.retries.requests} on the vendor schedule ×${s.retries.scale} (${s.retries.recoveredDeliveries} deliveries recovered, ${s.retries.gaveUp} gave up)`
    : 'retries off (--retry-schedule to resend failures like the vendor)')
  if (s.badSignatures.sent > 0) lines.push(`bad signatures answered 401 as expected: ${s.badSignatures.answered401}/${s.badSignatures.sent}`)
  const errors = Object.entries(s.errors)
  if (errors.length > 0) lines.push(`errors: ${errors.map(([error, n]) => `${error} ×${n}`).join(', ')}`)
  lines.push(`latency p50 ${s.latencyMs.p50} ms, p99 ${s.latencyMs.p99} ms, max ${s.latencyMs.max} ms; ` +
    `${s.requests} requests in ${(s.durationMs / 1000).toFixed(1)} s (${s.requestsPerSecond}/s)`)
  lines.push('')

  if (s.unexpected.count > 0) {
    lines.push(`UNEXPECTED: ${s.unexpected.count} deliveries did not end as expected (200 when signed, 401 when forged):`)
    for (const u of s.unexpected.samples) {
      const what = [u.badSignature ? 'forged' : 'signed', u.duplicate ? `duplicate (${u.duplicate})` : ''].filter(Boolean).join(', ')
      lines.push(`  #${u.seq} ${u.type} [${what}] after ${u.attempts} attempt(s): ${u.last}${u.responseBody ? `  ${JSON.stringify(u.responseBody)}` : ''}`)
    }
    if (s.unexpected.count > s.unexpected.samples.length) lines.push(`  … and ${s.unexpected.count - s.unexpected.samples.length} more`)
  }
  if (s.interrupted) lines.push('INTERRUPTED: not every delivery was sent.')
  if (s.ok) lines.push(`OK: ${s.delivered} signed deliveries answered 200${s.badSignatures.sent > 0 ? `, ${s.badSignatures.answered401} forged ones 401` : ''}.`)
  return lines.join('\n')
}
