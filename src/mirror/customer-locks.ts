import type pg from 'pg'
import type { AgentClaraEvent } from '../events/schemas.ts'
import { prepared } from '../db/prepared.ts'

const LOCK_CUSTOMERS = prepared(`
    SELECT pg_advisory_xact_lock(s.key) FROM (
      SELECT DISTINCT hashtextextended('apply-customer:' || c.id, 0) AS key FROM (
        SELECT unnest($1::text[]) AS id
        UNION SELECT customer_id FROM conversations WHERE id = ANY($2::text[])
      ) c ORDER BY key
    ) s`)

/**
 * Serialises apply batches per customer, so several workers never deadlock on the mirror.
 * A batch touches its customers' rows (customer, conversations, messages, appointments,
 * versions) in event order; two batches that share customers could lock them in opposite
 * orders. Taking one advisory lock per customer up front, in one global order (by key),
 * makes a later batch wait for an earlier one instead. Conversations named by events of
 * this batch resolve to their customers here; one created by a batch that commits in the
 * meantime is the rare case left, and PostgreSQL's deadlock detector still covers it.
 */
export async function lockCustomersOf (client: pg.ClientBase, events: AgentClaraEvent[]): Promise<void> {
  const customers = new Set<string>()
  const conversations = new Set<string>()
  for (const event of events) {
    const data = event.data as { customer_id?: string, conversation_id?: string | null }
    if (data.customer_id) customers.add(data.customer_id)
    else if (data.conversation_id) conversations.add(data.conversation_id)
  }
  if (customers.size === 0 && conversations.size === 0) return
  await client.query(LOCK_CUSTOMERS([[...customers], [...conversations]]))
}
