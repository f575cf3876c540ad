import type pg from 'pg'
import type { PgBoss } from 'pg-boss'
import type { Logger } from 'pino'
import type { CrmName } from '../crm/connector.ts'
import type { MappingDescription } from '../crm/mapping/describe-mapping.ts'
import type { EntityType } from '../mirror/states.ts'
import type { CrmHealth } from '../sync/crm-health.ts'
import type { LoginLimits } from './login-throttle.ts'

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
  /** ADMIN_TOKEN: the login secret; sessions remember a fingerprint of it. */
  adminToken: string
  /** The CRMs whose sync is enabled: replays enqueue for these. */
  crms: AdminCrm[]
  /** Each CRM's rate budget, circuit and waiting records, for the queues page. */
  crmHealth?: () => Promise<CrmHealth[]>
  logger: Logger
  /** Adds `Secure` to the cookies; on whenever the dashboard is served over HTTPS. */
  secureCookies?: boolean
  /** A session unused for this long ends (ADMIN_SESSION_IDLE_MINUTES, default 30). */
  sessionIdleMinutes?: number
  /** Login rate limits, when the defaults do not fit (see DEFAULT_LOGIN_LIMITS). */
  loginLimits?: Partial<LoginLimits>
  /** The clock for sessions and login limits (tests move it). */
  now?: () => number
  /** Link to a trace in a trace viewer (TRACE_UI_URL); trace ids show as plain text without it. */
  traceUrl?: (traceId: string) => string
}
