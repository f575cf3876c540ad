import type { CrmCheck, LostField } from './crm-vs-mirror.ts'

export interface CrmRequests { total: number, byStatus: Record<string, number> }

export interface StressReport {
  seed: string
  customers: number
  events: number
  deliveries: number
  resends: number
  outOfOrder: number
  messageBeforeConversation: number
  olderUpdateAfterNewer: number
  sendMs: number
  drained: boolean
  /** From the last delivery acknowledged to the pipeline drained (or the deadline). */
  drainMs: number
  openAtEnd: Record<string, number>
  mirrorDrift: number
  /** A few drifted mirror fields, phone numbers masked. */
  mirrorDriftExamples: string[]
  crms: Array<{ check: CrmCheck, requests: CrmRequests }>
  /** Per queue: jobs that took more than one attempt, and the extra attempts. */
  retries: Record<string, { jobs: number, retries: number }>
}

/** Phone numbers never reach a log in full, not even a test's: keep the country code and the last two digits. */
export function maskPhone (value: string): string {
  return value.length <= 5 ? '•'.repeat(value.length) : `${value.slice(0, 2)}${'•'.repeat(value.length - 4)}${value.slice(-2)}`
}

export function maskLost (lost: LostField): LostField {
  if (!/phone/i.test(lost.field)) return lost
  return { ...lost, expected: maskPhone(lost.expected), actual: maskPhone(lost.actual) }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`
const share = (part: number, whole: number) => (whole === 0 ? '0 %' : `${((100 * part) / whole).toFixed(2)} %`)

/** Share of a CRM's requests answered 429. */
export function rateLimitedShare (requests: CrmRequests): number {
  return requests.total === 0 ? 0 : (requests.byStatus['429'] ?? 0) / requests.total
}

/** The run as small Markdown tables, ready for docs/reliability.md, plus the lost fields by kind. */
export function formatReport (report: StressReport): string {
  const lines = [
    `STRESS seed=${report.seed} (replay: STRESS_SEED=${report.seed})`,
    '',
    '| customers | events | deliveries | resent to the other receiver | out of order (message before conversation / older update after newer) | sending | drain after last 200 | mirror drift |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${report.customers} | ${report.events} | ${report.deliveries} | ${report.resends} | ${report.outOfOrder} (${report.messageBeforeConversation} / ${report.olderUpdateAfterNewer}) | ${seconds(report.sendMs)} | ${report.drained ? seconds(report.drainMs) : `NOT drained after ${seconds(report.drainMs)}: ${JSON.stringify(report.openAtEnd)}`} | ${report.mirrorDrift} |`,
    '',
    '| CRM | requests | 429 | 429 share | other non-2xx | entities | missing | lost fields | duplicates | not linked | differing but still in flight |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  for (const { check, requests } of report.crms) {
    const rateLimited = requests.byStatus['429'] ?? 0
    const otherErrors = Object.entries(requests.byStatus).filter(([status]) => status !== '429' && !status.startsWith('2')).map(([status, n]) => `${n}×${status}`).join(', ') || '0'
    lines.push(`| ${check.crm} | ${requests.total} | ${rateLimited} | ${share(rateLimited, requests.total)} | ${otherErrors} | ${check.expected} | ${check.missing.length} | ${check.lost.length} | ${check.duplicates.length} | ${check.unlinked.length} | ${check.inFlight.size} |`)
  }
  lines.push('', 'Jobs retried (extra attempts): ' + Object.entries(report.retries).map(([queue, r]) => `${queue} ${r.jobs} (${r.retries})`).join(', '))
  const lost = report.crms.flatMap(({ check }) => check.lost)
  if (lost.length > 0) {
    const byKind = new Map<string, number>()
    for (const l of lost) {
      const kind = `${l.crm} ${l.entity.slice(0, l.entity.indexOf(':'))}.${l.field}`
      byKind.set(kind, (byKind.get(kind) ?? 0) + 1)
    }
    lines.push('', 'Lost fields by kind: ' + [...byKind].map(([kind, n]) => `${kind} ×${n}`).join(', '))
    lines.push('', '| CRM | entity | field | expected (mirror) | actual (CRM) |', '|---|---|---|---|---|')
    for (const l of lost.slice(0, 25).map(maskLost)) lines.push(`| ${l.crm} | ${l.entity} | ${l.field} | ${l.expected} | ${l.actual} |`)
    if (lost.length > 25) lines.push(`| … | ${lost.length - 25} more | | | |`)
  }
  if (report.mirrorDriftExamples.length > 0) lines.push(`mirror drift: ${report.mirrorDriftExamples.join('; ')}`)
  for (const { check } of report.crms) {
    for (const [what, list] of [['missing', check.missing], ['duplicated', check.duplicates], ['not linked', check.unlinked]] as const) {
      if (list.length > 0) lines.push(`${check.crm} ${what}: ${list.slice(0, 10).join(', ')}${list.length > 10 ? ` … (${list.length})` : ''}`)
    }
  }
  return lines.join('\n')
}
