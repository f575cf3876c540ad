import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmConnector, ReadBack } from '../crm/connector.ts'
import { CrmRateLimitedError } from '../crm/errors.ts'
import type { EntityType } from '../mirror/states.ts'
import type { Metrics } from '../metrics.ts'
import { classify, healable, type DriftFinding } from './drift.ts'
import { healDrift } from './heal-drift.ts'
import { loadPage, type PageState } from './load-page.ts'
import { mirrorPages } from './mirror-pages.ts'
import { emptyReport, MAX_FINDINGS, type ReconcileReport } from './report.ts'

export interface ReconcileDeps {
  pool: pg.Pool
  boss: PgBoss
  connector: CrmConnector
  metrics?: Metrics
  logger?: Logger
}

export interface ReconcileOptions {
  /** Report only: nothing is queued and no bookkeeping changes. */
  dryRun: boolean
  /** Mirror entities per step (default 500); the connector splits each step into its batch reads. */
  pageSize?: number
  signal?: AbortSignal
}

// Contacts first: healing a lost contact also queues its messages and appointments.
const ORDER: readonly EntityType[] = ['contact', 'message', 'appointment']
const RATE_LIMIT_RETRIES = 2

type Read = (states: PageState[], signal?: AbortSignal) => Promise<ReadBack[]>

function readersOf (connector: CrmConnector): Record<EntityType, Read> {
  const { readContacts, readMessages, readAppointments } = connector
  if (!readContacts || !readMessages || !readAppointments) throw new Error(`the ${connector.name} connector cannot read records back, so it cannot be reconciled`)
  return { contact: readContacts, message: readMessages, appointment: readAppointments } as Record<EntityType, Read>
}

/** A 429 has paused the connector's limiter already: trying again costs waiting, not budget. */
async function withRateLimitRetries<T> (read: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read()
    } catch (error) {
      if (!(error instanceof CrmRateLimitedError) || attempt >= RATE_LIMIT_RETRIES) throw error
    }
  }
}

/**
 * One reconciliation pass over one CRM: pages through the mirror, reads each page back from
 * the CRM with the connector's batch reads (through its rate limiter like every other call),
 * reports drift field by field and, unless `dryRun`, queues what differs for the sync again.
 * Stops between calls when `signal` aborts. Never throws: failures end up in the report.
 */
export async function reconcileCrm (deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileReport> {
  const crm = deps.connector.name
  const report = emptyReport(crm, options.dryRun)
  const { signal } = options
  try {
    const readers = readersOf(deps.connector)
    for (const type of ORDER) {
      for await (const ids of mirrorPages(deps.pool, type, options.pageSize ?? 500)) {
        signal?.throwIfAborted()
        const { entities, skipped } = await loadPage(deps.pool, crm, type, ids)
        report.skipped += skipped
        if (entities.length === 0) continue
        const readBacks = await withRateLimitRetries(() => readers[type](entities.map((e) => e.state), signal))
        const byKey = new Map(readBacks.map((readBack) => [readBack.key, readBack]))
        const findings: DriftFinding[] = []
        for (const entity of entities) {
          const readBack = byKey.get(entity.ref.id)
          if (!readBack) continue
          report.checked += 1
          findings.push(...classify(entity.ref, readBack, entity.recordedCrmId))
        }
        note(report, findings, deps.metrics)
        if (!options.dryRun) report.requeued += await healDrift(deps.pool, deps.boss, crm, healable(findings))
      }
    }
  } catch (error) {
    report.status = signal?.aborted ? 'aborted' : 'failed'
    if (!signal?.aborted) report.error = error instanceof Error ? error.message : String(error)
  }
  report.finishedAt = new Date().toISOString()
  deps.logger?.info({ crm, status: report.status, checked: report.checked, drift: report.drift, requeued: report.requeued, dryRun: options.dryRun }, 'reconciliation finished')
  return report
}

function note (report: ReconcileReport, findings: DriftFinding[], metrics: Metrics | undefined): void {
  for (const finding of findings) {
    report.drift[finding.kind] += 1
    metrics?.crmDrift.inc({ crm: report.crm, kind: finding.kind })
    if (report.findings.length < MAX_FINDINGS) report.findings.push(finding)
  }
}
