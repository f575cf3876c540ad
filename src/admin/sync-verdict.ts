import type { EntityRef } from '../mirror/entity-ref.ts'
import { fmt } from './format.ts'
import type { StoryDelivery, StoryJob, StoryRecord } from './queries/sync-story.ts'

export type Verdict = 'synced' | 'pending' | 'retrying' | 'dead' | 'missing'
export interface SyncCell { crm: string, verdict: Verdict, text: string, record?: StoryRecord }

/**
 * Why one entity is (or is not) in one CRM, in a sentence, from its `crm_records` row and
 * its live sync job. A running or queued job explains a record that is not there yet; with
 * no job, the record's own status does.
 */
export function syncCell (crm: string, record: StoryRecord | undefined, job: StoryJob | undefined, now: Date): SyncCell {
  const cell = (verdict: Verdict, text: string): SyncCell => ({ crm, verdict, text, record })
  const error = fmt.excerpt(record?.last_error, 200)
  const synced = record?.status === 'synced' && record.crm_id ? `in ${crm} as ${record.crm_id}` : undefined
  if (job?.state === 'active') return cell('pending', `${synced ? `${synced}; a newer change is` : 'being'} written to ${crm} now`)
  if (job?.state === 'retry' || (job && record?.status === 'retrying')) {
    return cell('retrying', `attempt ${record?.attempts ?? job.retry_count} failed${error ? `: ${error}` : ''}; next try ${when(job.start_after, now)}`)
  }
  if (job) return cell('pending', `${synced ? `${synced}; a newer change is queued` : 'queued'} since ${fmt.time(job.created_on)}${job.start_after > now ? `, starts ${when(job.start_after, now)}` : ''}`)
  if (synced) return cell('synced', `${synced}, synced ${fmt.time(record?.synced_at)}`)
  if (record?.status === 'dead') return cell('dead', `gave up after ${record.attempts} attempts${error ? `: ${error}` : ''}; replay it once the cause is fixed`)
  if (record?.status === 'retrying') return cell('retrying', `last attempt failed${error ? `: ${error}` : ''}; no retry is queued, replay it`)
  // Parked while its CRM is down, or waiting for its contact: it is queued again when that ends.
  if (record?.status === 'waiting') return cell('pending', error ?? 'waiting')
  return cell('missing', `never queued for ${crm} (was its sync off when this changed?); replaying one of its deliveries queues it`)
}

const when = (at: Date, now: Date) => at <= now ? 'now' : `in ${fmt.age((at.getTime() - now.getTime()) / 1000)}`

/** The page model: a headline per CRM for the contact, and every entity's cell per CRM. */
export function syncStory (input: { crms: string[], refs: EntityRef[], records: StoryRecord[], jobs: StoryJob[], deliveries: StoryDelivery[], now: Date }) {
  const record = (crm: string, ref: EntityRef) => input.records.find((row) => row.crm === crm && row.entity_type === ref.type && row.entity_id === ref.id)
  const job = (crm: string, ref: EntityRef) => input.jobs.find((row) => row.queue === `sync-${crm}` && row.key === `${ref.type}:${ref.id}`)
  const rows = input.refs.map((ref) => ({ ref, cells: input.crms.map((crm) => syncCell(crm, record(crm, ref), job(crm, ref), input.now)) }))
  const unapplied = input.deliveries.filter((delivery) => ['received', 'waiting', 'failed'].includes(delivery.status))
  return { rows, headlines: rows[0]?.cells ?? [], unapplied }
}
