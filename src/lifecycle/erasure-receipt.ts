import type { CrmName, ErasureResult } from '../crm/connector.ts'
import type { LocalCounts } from './erase-local.ts'

/** What an erasure removed where: counts for our tables, CRM ids for the CRMs. */
export interface ErasureReceipt {
  erasureId: string
  status: 'in_progress' | 'completed'
  stepsDone: string[]
  local: LocalCounts
  /** Per CRM erased in (a key only for those). */
  crm: Record<CrmName, ErasureResult>
  /** CRMs that hold records of the customer but whose sync is off where the erasure ran. */
  skipped: string[]
  requestedAt: string
  completedAt: string | null
}

export const noLocalCounts = (): LocalCounts =>
  ({ inbox: 0, customers: 0, conversations: 0, messages: 0, appointments: 0, crmRecords: 0 })

export function addCounts (a: LocalCounts, b: Partial<LocalCounts>): LocalCounts {
  const sum = { ...a }
  for (const key of Object.keys(sum) as Array<keyof LocalCounts>) sum[key] += b[key] ?? 0
  return sum
}

/** True when the run found nothing of the customer anywhere: a repeated erasure. */
export function nothingFound (receipt: ErasureReceipt): boolean {
  const crmIds = Object.values(receipt.crm).flatMap((result) => Object.values(result).flat())
  return Object.values(receipt.local).every((n) => n === 0) && crmIds.length === 0
}

/** The receipt as an operator reads it (the CLI prints this; `--json` prints the object). */
export function formatReceipt (receipt: ErasureReceipt, customerId: string): string {
  const { local } = receipt
  const lines = [`Erasure #${receipt.erasureId} of customer ${customerId}: ${receipt.status === 'completed' ? 'completed' : 'IN PROGRESS'}` +
    (receipt.completedAt ? ` at ${receipt.completedAt}` : '')]
  if (receipt.status === 'completed' && nothingFound(receipt)) {
    lines.push('  Nothing left to erase: no data of this customer was found in the inbox, the mirror, crm_records or the CRMs.')
  } else {
    lines.push(`  Inbox:       ${local.inbox} webhook payload(s) and raw bodies emptied (dedupe keys kept)`,
      `  Mirror:      ${local.customers} customer, ${local.conversations} conversation(s), ${local.messages} message(s), ${local.appointments} appointment(s) deleted`,
      `  Sync state:  ${local.crmRecords} crm_records row(s) deleted`)
    for (const [crm, result] of Object.entries(receipt.crm)) {
      const part = (label: string, ids: string[]) => `${ids.length} ${label}${ids.length > 0 ? ` [${ids.join(', ')}]` : ''}`
      lines.push(`  ${crm.padEnd(11)}  deleted ${part('contact(s)', result.contact)}, ${part('message(s)', result.message)}, ${part('appointment(s)', result.appointment)}`)
    }
  }
  for (const note of receipt.skipped) lines.push(`  NOT DONE:    ${note}`)
  if (receipt.status === 'completed') lines.push('  Later events for this customer are held (status suppressed) until an operator lifts the erasure.')
  else lines.push(`  Steps done:  ${receipt.stepsDone.join(', ') || 'none'}; it resumes where it stopped.`)
  return lines.join('\n')
}
