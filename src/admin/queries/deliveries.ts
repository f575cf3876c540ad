import type pg from 'pg'

export const PAGE_SIZE = 50

export interface DeliveryFilter {
  status?: string
  eventType?: string
  /** Keyset cursor: the id of the last row of the previous page. */
  before?: string
}

export interface DeliveryRow {
  id: string
  received_at: Date
  status: string
  event_type: string | null
  error: string | null
}

/** Newest first, keyset-paginated on (received_at, id) so deep pages stay cheap. */
export async function listDeliveries (db: pg.Pool, filter: DeliveryFilter): Promise<{ rows: DeliveryRow[], next?: string }> {
  const { rows } = await db.query<DeliveryRow>(`
    SELECT id, received_at, status, event_type, left(error, 300) AS error
    FROM webhook_events
    WHERE ($1::text IS NULL OR status = $1)
      AND ($2::text IS NULL OR event_type = $2)
      AND ($3::bigint IS NULL OR (received_at, id) < (SELECT received_at, id FROM webhook_events WHERE id = $3))
    ORDER BY received_at DESC, id DESC
    LIMIT $4`,
  [filter.status ?? null, filter.eventType ?? null, filter.before ?? null, PAGE_SIZE + 1])
  const page = rows.slice(0, PAGE_SIZE)
  return { rows: page, next: rows.length > PAGE_SIZE ? page.at(-1)?.id : undefined }
}

export async function countByStatus (db: pg.Pool): Promise<Record<string, number>> {
  const { rows } = await db.query<{ status: string, count: number }>(
    'SELECT status, count(*)::int AS count FROM webhook_events GROUP BY status ORDER BY status')
  return Object.fromEntries(rows.map((row) => [row.status, row.count]))
}
