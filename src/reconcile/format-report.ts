import { DRIFT_KINDS, type DriftFinding } from './drift.ts'
import { driftTotal, type ReconcileReport } from './report.ts'

function describe (finding: DriftFinding): string {
  const what = `${finding.ref.type} ${finding.ref.id}`.padEnd(36)
  switch (finding.kind) {
    case 'missing': return `${what} missing: no CRM record carries this id`
    case 'duplicate': return `${what} duplicate: ${finding.crmIds.length} CRM records carry this id (${finding.crmIds.join(', ')}); merge them in the CRM`
    case 'unassociated': return `${what} not associated with its contact (CRM record ${finding.crmIds.join(', ')})`
    case 'differing': return `${what} differs (CRM record ${finding.crmIds.join(', ')}): ` +
      (finding.fields ?? []).map((f) => `${f.field} is ${f.crm}, mirror says ${f.mirror}`).join('; ')
  }
}

/** The human-readable report of one pass: a summary line, then one line per finding (values masked). */
export function formatReport (report: ReconcileReport): string {
  const seconds = ((Date.parse(report.finishedAt) - Date.parse(report.startedAt)) / 1000).toFixed(1)
  const counts = DRIFT_KINDS.map((kind) => `${kind} ${report.drift[kind]}`).join(', ')
  const lines = [
    `${report.crm}: ${report.status}${report.dryRun ? ' (dry run: nothing queued)' : ''} in ${seconds} s — ` +
      `checked ${report.checked}, left to the sync ${report.skipped}; drift: ${counts}; queued again ${report.requeued}`
  ]
  if (report.error) lines.push(`  error: ${report.error}`)
  for (const finding of report.findings) lines.push(`  ${describe(finding)}`)
  const total = driftTotal(report)
  if (total > report.findings.length) lines.push(`  … and ${total - report.findings.length} more (counts above cover all)`)
  return lines.join('\n')
}
