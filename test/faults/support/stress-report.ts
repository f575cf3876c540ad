import type { CrmCheck, LostField } from './crm-vs-mirror.ts'
import type { PipelineState } from './queue-drain.ts'
import type { DeliveryPlan } from './stress-plan.ts'

export interface CrmRequests { total: number, byStatus: Record<string, number> }

/** The plan's counts (what was sent) and what came of it. */
export interface StressReport extends Omit<DeliveryPlan, 'groups'> {
  seed: string
  customers: number
  /** Delivery attempts (a refused or failed attempt is retried) and their outcomes. */
  attempts: number
  outcomes: Record<string, number>
  sendMs: number
  drained: boolean
  /** From the last delivery acknowledged to the pipeline drained (or the deadline). */
  drainMs: number
  /** From the last delivery acknowledged to every event applied to the mirror (null: never). */
  appliedMs: number | null
  pipelineAtEnd: PipelineState
  mirrorDrift: number
  /** A few drifted mirror fields, phone numbers masked. */
  mirrorDriftExamples: string[]
  /** Requests per 10 s the CRM sandbox allows, where it has a short window (HubSpot). */
  /** `lostRecordStatus`: crm_records status of the entities with lost fields ("synced" = silently lost). */
  crms: Array<{ check: CrmCheck, requests: CrmRequests, limitPer10s?: number, lostRecordStatus?: Record<string, number> }>
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
    '| customers | events | deliveries | resent to the other receiver | out of order (message before conversation / older update after newer) | sending | all applied after last 200 | drained after last 200 | mirror drift |',
    '|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
    `| ${report.customers} | ${report.events} | ${report.deliveries} | ${report.resends} | ${report.outOfOrder} (${report.messageBeforeConversation} / ${report.olderUpdateAfterNewer}) | ${seconds(report.sendMs)} | ${report.appliedMs === null ? 'not yet' : seconds(report.appliedMs)} | ${report.drained ? seconds(report.drainMs) : `NOT drained after ${seconds(report.drainMs)}: ${JSON.stringify({ ...report.pipelineAtEnd.open, unapplied: report.pipelineAtEnd.unapplied })}`} | ${report.mirrorDrift} |`,
    '',
    '| CRM | requests | of its short-window budget | 429 | 429 share | other non-2xx | entities | missing | lost fields | duplicates | not linked | differing but still in flight |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'
  ]
  const runSeconds = (report.sendMs + report.drainMs) / 1000
  for (const { check, requests, limitPer10s } of report.crms) {
    // How much of the short-window budget the run used on average: is the limit the bottleneck?
    const budget = limitPer10s ? `${(requests.total / runSeconds).toFixed(1)}/s of ${limitPer10s / 10}/s (${share(requests.total, (runSeconds * limitPer10s) / 10)})` : '—'
    const rateLimited = requests.byStatus['429'] ?? 0
    const otherErrors = Object.entries(requests.byStatus).filter(([status]) => status !== '429' && !status.startsWith('2')).map(([status, n]) => `${n}×${status}`).join(', ') || '0'
    const lostEntities = new Set(check.lost.map((l) => l.entity)).size
    lines.push(`| ${check.crm} | ${requests.total} | ${budget} | ${rateLimited} | ${share(rateLimited, requests.total)} | ${otherErrors} | ${check.expected} | ${check.missing.length} | ${check.lost.length} (${lostEntities} entities) | ${check.duplicates.length} | ${check.unlinked.length} | ${check.inFlight.size} |`)
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
    lines.push('', 'crm_records of the entities with lost fields: ' + report.crms.map(({ check, lostRecordStatus }) => `${check.crm} ${JSON.stringify(lostRecordStatus ?? {})}`).join(', '))
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
  if (!report.drained) lines.push(`open at the deadline: ${JSON.stringify(report.pipelineAtEnd.openDetail)}`, `unapplied: ${JSON.stringify(report.pipelineAtEnd.unappliedDetail)}`)
  return lines.join('\n')
}

/** One JSON line with the numbers (lists reduced to counts; no phone numbers). */
export function reportLine (report: StressReport): string {
  const { crms, mirrorDriftExamples: _examples, ...rest } = report
  return 'STRESS-REPORT ' + JSON.stringify({
    ...rest,
    crms: crms.map(({ check, requests, lostRecordStatus }) => ({
      crm: check.crm,
      requests: requests.total,
      byStatus: requests.byStatus,
      missing: check.missing.length,
      lostFields: check.lost.length,
      lostEntities: new Set(check.lost.map((l) => l.entity)).size,
      lostRecordStatus,
      duplicates: check.duplicates.length,
      unlinked: check.unlinked.length,
      inFlight: check.inFlight.size
    }))
  })
}
