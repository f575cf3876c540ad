import type pg from 'pg'
import type { CrmName, Linked } from '../crm/connector.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import { loadAppointments, loadContacts, loadMessages } from '../mirror/load-state.ts'
import type { AppointmentState, ContactState, EntityType, MessageState } from '../mirror/states.ts'
import { inFlightKeys } from './in-flight.ts'

export type PageState = ContactState | Linked<MessageState> | Linked<AppointmentState>

/** One mirrored entity to compare with the CRM: its current state, as the sync would write it now. */
export interface PageEntity { ref: EntityRef, state: PageState, recordedCrmId: string | null }

async function crmIds (db: pg.Pool, crm: CrmName, type: EntityType, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await db.query<{ entity_id: string, crm_id: string }>(
    'SELECT entity_id, crm_id FROM crm_records WHERE crm = $1 AND entity_type = $2 AND entity_id = ANY($3::text[]) AND crm_id IS NOT NULL',
    [crm, type, ids])
  return new Map(rows.map((row) => [row.entity_id, row.crm_id]))
}

async function statesOf (db: pg.Pool, type: EntityType, ids: string[]): Promise<Map<string, ContactState | MessageState | AppointmentState>> {
  if (type === 'contact') return loadContacts(db, ids)
  return type === 'message' ? loadMessages(db, ids) : loadAppointments(db, ids)
}

/**
 * Loads one page of the mirror for one CRM: the current states, each message and appointment
 * linked to its contact's recorded CRM id (as the sync links them), leaving out what the
 * sync is still working on (see in-flight.ts).
 */
export async function loadPage (db: pg.Pool, crm: CrmName, type: EntityType, ids: string[]): Promise<{ entities: PageEntity[], skipped: number }> {
  const states = await statesOf(db, type, ids)
  const refs = [...states.keys()].map((id) => ({ type, id }))
  const [busy, recorded] = await Promise.all([inFlightKeys(db, crm, refs), crmIds(db, crm, type, ids)])
  const contactIds = type === 'contact'
    ? new Map<string, string>()
    : await crmIds(db, crm, 'contact', [...states.values()].map((state) => (state as MessageState | AppointmentState).customerId))
  const entities = refs.filter((ref) => !busy.has(entityKey(ref))).map((ref): PageEntity => {
    const state = states.get(ref.id)!
    const linked = type === 'contact' ? state : { ...state, contactCrmId: contactIds.get(state.customerId) ?? '' }
    return { ref, state: linked as PageState, recordedCrmId: recorded.get(ref.id) ?? null }
  })
  return { entities, skipped: refs.length - entities.length }
}
