import type pg from 'pg'
import { prepared } from '../db/prepared.ts'

// On webhook_events_received_at; LIMIT stops the count where the caller stops caring. An
// unknown event type (ignored) or a payload we cannot read (quarantined) writes no record.
const STORED_LATELY = prepared(`
  SELECT count(*)::int AS n FROM (
    SELECT 1 FROM webhook_events
    WHERE received_at > now() - make_interval(secs => $1::float8 / 1000) AND status NOT IN ('ignored', 'quarantined')
    LIMIT $2) AS recent`)

/**
 * Deliveries stored per second over the last `windowMs` (the database's clock), by every
 * receiver of the deployment, counting at most `atMost` of them: how fast changes come in at
 * the door, seconds before the apply worker turns them into mirror rows and sync jobs when
 * it is behind. Each event stored to be applied is at least one record to write.
 */
export async function deliveriesPerSecond (db: pg.Pool | pg.ClientBase, options: { windowMs: number, atMost: number }): Promise<number> {
  const { rows } = await db.query<{ n: number }>(STORED_LATELY([options.windowMs, Math.max(1, Math.ceil(options.atMost))]))
  return (rows[0]?.n ?? 0) / (options.windowMs / 1000)
}
