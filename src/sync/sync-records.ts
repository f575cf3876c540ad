import { createHash } from 'node:crypto'
import type pg from 'pg'
import { canonicalJson } from '../events/dedupe-key.ts'
import { entityKey, type EntityRef } from '../mirror/entity-ref.ts'
import type { CrmConnector, CrmName, Linked } from '../crm/connector.ts'
import type { AppointmentState, ContactState, EntityType, MessageState } from '../mirror/states.ts'

/** What we know of one entity in one CRM (the `crm_records` row). */
export interface SyncRecord {
  crmId: string | null
  syncedHash: string | null
  attempts: number
  /** When the CRM copy was last written (null: never). */
  syncedAt: Date | null
}

/**
 * Hash of what the connector would write for this state (its `writtenForm`), or of the state
 * when it cannot say, recorded with each write: an entity whose hash has not moved since costs
 * no CRM call, and a change the CRM's mapping does not write is no change there.
 */
export function writtenHash (connector: Pick<CrmConnector, 'writtenForm'>, type: EntityType, state: ContactState | Linked<MessageState> | Linked<AppointmentState>): string {
  const form = connector.writtenForm?.(type, state)
  return createHash('sha256').update(canonicalJson(form === undefined ? state : { form })).digest('hex')
}

export async function loadRecords (db: pg.Pool | pg.ClientBase, crm: CrmName, refs: EntityRef[]): Promise<Map<string, SyncRecord>> {
  if (refs.length === 0) return new Map()
  const { rows } = await db.query(`
    SELECT entity_type, entity_id, crm_id, synced_hash, attempts, synced_at FROM crm_records
    WHERE crm = $1 AND (entity_type, entity_id) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
  [crm, refs.map((ref) => ref.type), refs.map((ref) => ref.id)])
  return new Map(rows.map((row): [string, SyncRecord] => [
    entityKey({ type: row.entity_type, id: row.entity_id }),
    { crmId: row.crm_id, syncedHash: row.synced_hash, attempts: row.attempts, syncedAt: row.synced_at }
  ]))
}

/** Records what was written: the CRM id, the hash of the state and the entity version it was read at. */
export async function markSynced (db: pg.Pool | pg.ClientBase, crm: CrmName, items: Array<{ ref: EntityRef, crmId: string, hash: string, version: number }>): Promise<void> {
  if (items.length === 0) return
  await db.query(`
    INSERT INTO crm_records (crm, entity_type, entity_id, status, crm_id, synced_hash, synced_version, synced_at, attempts, last_error, last_attempt_at)
    SELECT $1, t.type, t.id, 'synced', t.crm_id, t.hash, t.version, now(), 0, NULL, now()
    FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[]) AS t(type, id, crm_id, hash, version)
    ON CONFLICT (crm, entity_type, entity_id) DO UPDATE SET
      status = 'synced', crm_id = EXCLUDED.crm_id, synced_hash = EXCLUDED.synced_hash, synced_version = EXCLUDED.synced_version,
      synced_at = now(), attempts = 0, last_error = NULL, last_attempt_at = now()`,
  [crm, items.map((item) => item.ref.type), items.map((item) => item.ref.id), items.map((item) => item.crmId), items.map((item) => item.hash), items.map((item) => item.version)])
}

export async function markFailed (db: pg.Pool | pg.ClientBase, crm: CrmName, items: Array<{ ref: EntityRef, error: string, dead: boolean }>): Promise<void> {
  if (items.length === 0) return
  await db.query(`
    INSERT INTO crm_records (crm, entity_type, entity_id, status, attempts, last_error, last_attempt_at)
    SELECT $1, t.type, t.id, CASE WHEN t.dead THEN 'dead' ELSE 'retrying' END, 1, t.error, now()
    FROM unnest($2::text[], $3::text[], $4::text[], $5::boolean[]) AS t(type, id, error, dead)
    ON CONFLICT (crm, entity_type, entity_id) DO UPDATE SET
      status = EXCLUDED.status, attempts = crm_records.attempts + 1, last_error = EXCLUDED.last_error, last_attempt_at = now()`,
  [crm, items.map((item) => item.ref.type), items.map((item) => item.ref.id), items.map((item) => item.error), items.map((item) => item.dead)])
}

/**
 * Parks records while their CRM is unavailable as a whole: `waiting`, with why, and no
 * attempt counted. They are queued again when the CRM answers (`waitingRecords`).
 */
export async function markWaiting (db: pg.Pool | pg.ClientBase, crm: CrmName, refs: EntityRef[], reason: string): Promise<void> {
  if (refs.length === 0) return
  await db.query(`
    INSERT INTO crm_records (crm, entity_type, entity_id, status, last_error, last_attempt_at)
    SELECT $1, t.type, t.id, 'waiting', $4, now() FROM unnest($2::text[], $3::text[]) AS t(type, id)
    ON CONFLICT (crm, entity_type, entity_id) DO UPDATE SET status = 'waiting', last_error = EXCLUDED.last_error, last_attempt_at = now()`,
  [crm, refs.map((ref) => ref.type), refs.map((ref) => ref.id), reason])
}

/**
 * How `last_error` starts for a message or appointment waiting for its contact to reach the
 * CRM (a wait, not a failure): what the queries below look for.
 */
export const WAITING_FOR_CONTACT_ERROR = 'waiting for contact'

/** Every record parked for this CRM, but those waiting for their contact. */
export async function waitingRecords (db: pg.Pool | pg.ClientBase, crm: CrmName): Promise<EntityRef[]> {
  // Not those waiting for their contact: its landing wakes them (`dependentsWaitingFor`, and the
  // sweep behind it); read again now they would only wait again.
  const { rows } = await db.query<{ entity_type: EntityRef['type'], entity_id: string }>(
    `SELECT entity_type, entity_id FROM crm_records WHERE crm = $1 AND status = 'waiting' AND coalesce(last_error, '') NOT LIKE '${WAITING_FOR_CONTACT_ERROR}%'`, [crm])
  return rows.map((row) => ({ type: row.entity_type, id: row.entity_id }))
}

// A CRM's messages and appointments waiting for their contact, with that contact's customer id
// (`customer_id`); `$1` is the CRM.
const WAITING_FOR_CONTACT = `
  FROM crm_records r
  LEFT JOIN messages m ON r.entity_type = 'message' AND m.id = r.entity_id
  LEFT JOIN conversations v ON v.id = m.conversation_id
  LEFT JOIN appointments a ON r.entity_type = 'appointment' AND a.id = r.entity_id
  CROSS JOIN LATERAL (SELECT coalesce(v.customer_id, a.customer_id) AS customer_id) c
  WHERE r.crm = $1 AND r.status IN ('retrying', 'waiting') AND r.last_error LIKE '${WAITING_FOR_CONTACT_ERROR}%'`

/**
 * Messages and appointments of these customers that wait for their contact to reach the
 * CRM: once it has, they can go at once.
 */
export async function dependentsWaitingFor (db: pg.Pool | pg.ClientBase, crm: CrmName, customerIds: string[]): Promise<EntityRef[]> {
  if (customerIds.length === 0) return []
  const { rows } = await db.query<{ entity_type: EntityRef['type'], entity_id: string }>(
    `SELECT r.entity_type, r.entity_id ${WAITING_FOR_CONTACT} AND c.customer_id = ANY($2::text[])`, [crm, customerIds])
  return rows.map((row) => ({ type: row.entity_type, id: row.entity_id }))
}

/**
 * Records still marked waiting for a contact that is in the CRM: a wake that was lost (the
 * contact's batch read before they were marked, by a path no fix has foreseen). A wait spends
 * no attempt and leaves no job behind, so nothing else would ever bring these back.
 */
export async function waitingForLandedContacts (db: pg.Pool | pg.ClientBase, crm: CrmName): Promise<EntityRef[]> {
  const { rows } = await db.query<{ entity_type: EntityRef['type'], entity_id: string }>(`
    SELECT r.entity_type, r.entity_id ${WAITING_FOR_CONTACT} AND r.status = 'waiting'
      AND EXISTS (SELECT 1 FROM crm_records k WHERE k.crm = r.crm AND k.entity_type = 'contact' AND k.entity_id = c.customer_id AND k.crm_id IS NOT NULL)`, [crm])
  return rows.map((row) => ({ type: row.entity_type, id: row.entity_id }))
}

/**
 * Of these records, those whose contact (`customerId`) is in the CRM now. A record marked
 * waiting for its contact is woken when the contact lands (`dependentsWaitingFor`), but that
 * read may have come just before the record was marked: read after marking, these go at once.
 */
export async function contactsLandedFor (db: pg.Pool | pg.ClientBase, crm: CrmName, waiting: Array<{ ref: EntityRef, customerId: string }>): Promise<EntityRef[]> {
  const contact = (customerId: string): EntityRef => ({ type: 'contact', id: customerId })
  const contacts = await loadRecords(db, crm, waiting.map(({ customerId }) => contact(customerId)))
  return waiting.filter(({ customerId }) => contacts.get(entityKey(contact(customerId)))?.crmId).map(({ ref }) => ref)
}
