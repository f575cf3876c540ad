import type pg from 'pg'

/**
 * The last hour, per minute, from what the service already keeps: the inbox, the CRM
 * records and pg-boss's job table. Each row is one (series, minute) value.
 */
export interface MinuteValue { name: string, minute: Date, value: number }

const WINDOW_START = "date_trunc('minute', now()) - interval '59 minutes'"

/** Deliveries received per minute, by their status now. */
export async function deliveriesPerMinute (db: pg.Pool): Promise<MinuteValue[]> {
  const { rows } = await db.query<MinuteValue>(`
    SELECT status AS name, date_trunc('minute', received_at) AS minute, count(*)::int AS value
    FROM webhook_events WHERE received_at >= ${WINDOW_START}
    GROUP BY 1, 2`)
  return rows
}

/**
 * Sync lag per CRM and minute: from the mirror change a record's sync wrote to the CRM
 * write (median and worst). A contact changes with its customer, conversations and
 * messages; records whose entity changed again since are left out (their change time is
 * not the one that was written).
 */
export async function syncLagPerMinute (db: pg.Pool): Promise<Array<MinuteValue & { worst: number }>> {
  const { rows } = await db.query<MinuteValue & { worst: number }>(`
    WITH synced AS (
      SELECT r.crm, r.synced_at, CASE r.entity_type
        WHEN 'contact' THEN (SELECT greatest(c.updated_at,
            (SELECT max(v.updated_at) FROM conversations v WHERE v.customer_id = c.id),
            (SELECT max(m.updated_at) FROM messages m JOIN conversations v ON v.id = m.conversation_id WHERE v.customer_id = c.id))
          FROM customers c WHERE c.id = r.entity_id)
        WHEN 'message' THEN (SELECT updated_at FROM messages WHERE id = r.entity_id)
        ELSE (SELECT updated_at FROM appointments WHERE id = r.entity_id) END AS changed_at
      FROM crm_records r
      WHERE r.synced_at >= ${WINDOW_START})
    SELECT crm AS name, date_trunc('minute', synced_at) AS minute,
      percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM synced_at - changed_at))::float8 AS value,
      max(extract(epoch FROM synced_at - changed_at))::float8 AS worst
    FROM synced WHERE changed_at <= synced_at
    GROUP BY 1, 2`)
  return rows
}

/**
 * Jobs waiting to start at the end of each minute, per queue: +1 when created, −1 when
 * started (a retry waiting out its backoff counts as started). Only jobs that can matter are
 * read: created in the window, finished in it, or not finished yet (pg-boss's indexes).
 */
export async function queueDepthPerMinute (db: pg.Pool, queues: readonly string[]): Promise<MinuteValue[]> {
  const { rows } = await db.query<MinuteValue>(`
    WITH w AS (SELECT ${WINDOW_START} AS t0),
    jobs AS (
      SELECT id, name, created_on, started_on FROM pgboss.job, w WHERE name = ANY($1::text[]) AND created_on >= w.t0
      UNION SELECT id, name, created_on, started_on FROM pgboss.job, w WHERE name = ANY($1::text[]) AND completed_on >= w.t0
      UNION SELECT id, name, created_on, started_on FROM pgboss.job WHERE name = ANY($1::text[]) AND state IN ('created', 'retry', 'active')),
    deltas AS (
      SELECT name, greatest(date_trunc('minute', created_on), w.t0) AS minute, 1 AS delta FROM jobs, w WHERE started_on IS NULL OR started_on >= w.t0
      UNION ALL SELECT name, date_trunc('minute', started_on), -1 FROM jobs, w WHERE started_on >= w.t0)
    SELECT name, minute, (sum(sum(delta)) OVER (PARTITION BY name ORDER BY minute))::int AS value
    FROM deltas GROUP BY name, minute`, [queues])
  return rows
}
