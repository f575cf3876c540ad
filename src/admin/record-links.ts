import type { AdminCrm } from './admin-deps.ts'
import type { CrmRecordRow } from './queries/crm-records.ts'

export type LinkedRecord = CrmRecordRow & { url?: string }

/** Adds the CRM's UI link to each record, when its connector knows how to build one. */
export function recordLinks (crms: readonly AdminCrm[], records: CrmRecordRow[]): LinkedRecord[] {
  const byName = new Map(crms.map((crm) => [crm.name as string, crm]))
  return records.map((record) => {
    const crm = byName.get(record.crm)
    const url = record.crm_id && crm?.recordUrl ? crm.recordUrl(record.entity_type, record.crm_id) : undefined
    // Only http(s) links: a connector bug must not become a javascript: URL in our page.
    return { ...record, url: url && /^https?:\/\//i.test(url) ? url : undefined }
  })
}
