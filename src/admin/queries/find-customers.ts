import type pg from 'pg'

export interface CustomerMatch { id: string, name: string | null, matched: string }

/**
 * Which customers a search term names: an id of a customer, conversation, message or
 * appointment (exact), else part of a name (case-insensitive, at most 20).
 */
export async function findCustomers (db: pg.Pool, term: string): Promise<CustomerMatch[]> {
  const byId = await db.query<CustomerMatch>(`
    SELECT c.id, c.name, m.matched FROM (
      SELECT id AS customer_id, 'customer id' AS matched FROM customers WHERE id = $1
      UNION ALL SELECT customer_id, 'conversation ' || id FROM conversations WHERE id = $1
      UNION ALL SELECT v.customer_id, 'message ' || m.id FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE m.id = $1
      UNION ALL SELECT customer_id, 'appointment ' || id FROM appointments WHERE id = $1
    ) AS m JOIN customers c ON c.id = m.customer_id`, [term])
  if (byId.rows.length > 0 || [...term].length < 2) return byId.rows
  const pattern = `%${term.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
  const byName = await db.query<CustomerMatch>(`
    SELECT id, name, 'name' AS matched FROM customers WHERE name ILIKE $1 ORDER BY name, id LIMIT 20`, [pattern])
  return byName.rows
}
