import type { ReadBack } from '../crm/connector.ts'
import type { EntityRef } from '../mirror/entity-ref.ts'
import { maskValue } from './mask-value.ts'

/**
 * missing: no CRM record carries our id. differing: a field we write holds another value.
 * duplicate: several CRM records carry our id. unassociated: a message or appointment is
 * not associated with its contact.
 */
export const DRIFT_KINDS = ['missing', 'differing', 'duplicate', 'unassociated'] as const
export type DriftKind = typeof DRIFT_KINDS[number]

export interface DriftFinding {
  ref: EntityRef
  kind: DriftKind
  /** The CRM records involved (all of them for a duplicate). */
  crmIds: string[]
  /** differing: each field with the CRM's and the mirror's value, masked. */
  fields?: Array<{ field: string, crm: string, mirror: string }>
}

/**
 * What one read-back says about one entity. With duplicates, the copy the sync wrote (its
 * recorded CRM id) is the one compared; failing that, the first.
 */
export function classify (ref: EntityRef, readBack: ReadBack, recordedCrmId: string | null): DriftFinding[] {
  const { copies } = readBack
  if (copies.length === 0) return [{ ref, kind: 'missing', crmIds: [] }]
  const findings: DriftFinding[] = []
  if (copies.length > 1) findings.push({ ref, kind: 'duplicate', crmIds: copies.map((copy) => copy.crmId) })
  const ours = copies.find((copy) => copy.crmId === recordedCrmId) ?? copies[0]!
  if (ours.differences.length > 0) {
    const fields = ours.differences.map((d) => ({ field: d.field, crm: maskValue(d.actual), mirror: maskValue(d.expected) }))
    findings.push({ ref, kind: 'differing', crmIds: [ours.crmId], fields })
  }
  if (ours.linkedToContact === false) findings.push({ ref, kind: 'unassociated', crmIds: [ours.crmId] })
  return findings
}

/**
 * A duplicate is reported, not healed: which record to keep is a person's decision (merge in
 * the CRM), and until then the sync's upsert by that id fails anyway (Salesforce:
 * DUPLICATE_EXTERNAL_ID). Everything else heals by syncing the entity again.
 */
export function healable (findings: DriftFinding[]): DriftFinding[] {
  const duplicated = new Set(findings.filter((f) => f.kind === 'duplicate').map((f) => `${f.ref.type}:${f.ref.id}`))
  return findings.filter((f) => f.kind !== 'duplicate' && !duplicated.has(`${f.ref.type}:${f.ref.id}`))
}
