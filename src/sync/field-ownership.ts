import type pg from 'pg'
import type { CrmName } from '../crm/connector.ts'
import type { EntityRef } from '../mirror/entity-ref.ts'

/**
 * Records, after a successful write, which fields of each entity the CRM kept because the
 * mapping says `if_empty` and someone else set them. The entity's earlier rows that are not
 * kept any more are removed, in the same statement. One round trip per batch.
 */
export async function recordFieldOwnership (db: pg.Pool | pg.ClientBase, crm: CrmName, items: Array<{ ref: EntityRef, skipped: readonly string[] }>): Promise<void> {
  if (items.length === 0) return
  const kept = items.flatMap((item) => item.skipped.map((field) => ({ ...item.ref, field })))
  await db.query(`
    WITH written AS (SELECT * FROM unnest($2::text[], $3::text[]) AS w(type, id)),
    kept AS (SELECT * FROM unnest($4::text[], $5::text[], $6::text[]) AS k(type, id, field)),
    released AS (
      DELETE FROM crm_field_ownership o USING written w
      WHERE o.crm = $1 AND o.entity_type = w.type AND o.entity_id = w.id
        AND NOT EXISTS (SELECT 1 FROM kept k WHERE k.type = o.entity_type AND k.id = o.entity_id AND k.field = o.field))
    INSERT INTO crm_field_ownership (crm, entity_type, entity_id, field)
    SELECT $1, type, id, field FROM kept
    ON CONFLICT (crm, entity_type, entity_id, field) DO UPDATE SET last_skipped_at = now()`,
  [crm, items.map((item) => item.ref.type), items.map((item) => item.ref.id),
    kept.map((row) => row.type), kept.map((row) => row.id), kept.map((row) => row.field)])
}
