import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../crm/connector.ts'
import type { EntityType } from '../mirror/states.ts'

/** A CRM the dashboard shows sync state for, with its record link when it knows one. */
export interface AdminCrm {
  name: CrmName
  recordUrl?: (entity: EntityType, crmId: string) => string | undefined
}

export interface AdminDeps {
  pool: pg.Pool
  boss: PgBoss
  /** ADMIN_TOKEN: the login secret, and (derived) the key that signs sessions. */
  adminToken: string
  /** The CRMs whose sync is enabled: replays enqueue for these. */
  crms: AdminCrm[]
  logger: Logger
  /** Adds `Secure` to the cookies; on whenever the dashboard is served over HTTPS. */
  secureCookies?: boolean
  /** Link to a trace in a trace viewer (TRACE_UI_URL); trace ids show as plain text without it. */
  traceUrl?: (traceId: string) => string
}
