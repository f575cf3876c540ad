import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../crm/connector.ts'
import type { MappingDescription } from '../crm/mapping/describe-mapping.ts'
import type { EntityType } from '../mirror/states.ts'

/** A CRM the dashboard shows sync state for, with its record link when it knows one. */
export interface AdminCrm {
  name: CrmName
  recordUrl?: (entity: EntityType, crmId: string) => string | undefined
  /** The field mapping in effect (read-only page /admin/mapping). */
  mapping?: MappingDescription
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
}
