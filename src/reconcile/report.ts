import type { CrmName } from '../crm/connector.ts'
import { DRIFT_KINDS, type DriftFinding, type DriftKind } from './drift.ts'

/** How many findings a report keeps in full; the counts cover all of them. */
export const MAX_FINDINGS = 200

export type RunTrigger = 'schedule' | 'cli'

/** What one reconciliation pass over one CRM did. */
export interface ReconcileReport {
  crm: CrmName
  dryRun: boolean
  status: 'done' | 'aborted' | 'failed'
  startedAt: string
  finishedAt: string
  /** Entities compared with their CRM copy. */
  checked: number
  /** Entities left to the sync: a job queued or running, or recorded as retrying/dead. */
  skipped: number
  drift: Record<DriftKind, number>
  /** Entities queued for the sync again (with the messages/appointments of lost contacts). */
  requeued: number
  /** The first MAX_FINDINGS findings; values masked. */
  findings: DriftFinding[]
  error?: string
}

export function emptyReport (crm: CrmName, dryRun: boolean): ReconcileReport {
  const now = new Date().toISOString()
  return {
    crm,
    dryRun,
    status: 'done',
    startedAt: now,
    finishedAt: now,
    checked: 0,
    skipped: 0,
    drift: Object.fromEntries(DRIFT_KINDS.map((kind) => [kind, 0])) as Record<DriftKind, number>,
    requeued: 0,
    findings: []
  }
}

export const driftTotal = (report: ReconcileReport) => DRIFT_KINDS.reduce((sum, kind) => sum + report.drift[kind], 0)
