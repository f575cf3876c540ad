import { z } from 'zod'
import { productionProblems } from './production-checks.ts'
import { SecretFileError, withSecretFiles } from './secret-files.ts'

/**
 * Every environment variable the service reads, parsed once at start-up. Names are part
 * of the interface (see .env.example). `main.ts` is the only caller.
 */
const csv = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
const optional = z.string().trim().optional().transform((value) => value === '' ? undefined : value)
const optionalInt = (min: number, max: number) => optional
  .transform((value) => value === undefined ? undefined : Number(value))
  .pipe(z.number().int().min(min).max(max).optional())

// A positive whole number, or unset (an empty value, as .env.example ships it, is unset too).
const optionalCount = z.preprocess((value) => value === '' ? undefined : value, z.coerce.number().int().min(1).optional())

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optional,
  DATABASE_URL: optional,
  DATA_DIR: z.string().default('.data'),
  AGENTCLARA_WEBHOOK_SECRET: optional.pipe(csv.optional()),
  ADMIN_TOKEN: optional,
  // A listener of its own for /admin and /metrics; unset, they share PORT with the webhook.
  ADMIN_PORT: optionalInt(0, 65535),
  ADMIN_HOST: optional,
  ADMIN_SESSION_IDLE_MINUTES: optionalInt(1, 720),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  // Days inbox payloads and raw bodies are kept before the retention job empties them.
  RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(30),
  RECONCILE_INTERVAL_MINUTES: z.coerce.number().int().min(0).max(7 * 24 * 60).default(60),
  HUBSPOT_ACCESS_TOKEN: optional,
  HUBSPOT_BASE_URL: z.url().default('https://api.hubapi.com'),
  HUBSPOT_APPOINTMENT_OBJECT: z.enum(['meetings', 'appointments']).default('meetings'),
  HUBSPOT_PORTAL_ID: optional,
  // The account's tier sets the published limits: 100 requests per 10 s on Free/Starter, 190
  // on Professional/Enterprise; 250,000 / 625,000 / 1,000,000 a day (shared by every app).
  HUBSPOT_TIER: z.enum(['free', 'starter', 'professional', 'enterprise']).default('starter'),
  HUBSPOT_REQUESTS_PER_10S: optionalCount,
  HUBSPOT_DAILY_LIMIT: optionalCount,
  HUBSPOT_DAILY_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  SALESFORCE_LOGIN_URL: optional,
  SALESFORCE_CLIENT_ID: optional,
  SALESFORCE_CLIENT_SECRET: optional,
  SALESFORCE_INSTANCE_URL: optional,
  SALESFORCE_ACCESS_TOKEN: optional,
  SALESFORCE_API_VERSION: z.string().regex(/^\d+\.\d$/, 'like 62.0').default('62.0'),
  SALESFORCE_REQUESTS_PER_10S: z.coerce.number().int().min(1).default(250),
  // The org's rolling 24 h API allocation (Enterprise Edition: 100,000 plus 1,000 per
  // licence); Sforce-Limit-Info's figure replaces it once Salesforce has answered.
  SALESFORCE_DAILY_LIMIT: z.coerce.number().int().min(1).default(100_000),
  SALESFORCE_DAILY_SHARE: z.coerce.number().gt(0).max(1).default(0.5),
  // Field mapping (README "Field mapping"): files default to config/mapping/<crm>.yml.
  HUBSPOT_MAPPING_FILE: optional,
  SALESFORCE_MAPPING_FILE: optional,
  SALESFORCE_PERSON_OBJECT: z.enum(['Contact', 'Lead']).default('Contact')
})

const HUBSPOT_TIERS = {
  free: { requestsPer10s: 100, dailyLimit: 250_000 },
  starter: { requestsPer10s: 100, dailyLimit: 250_000 },
  professional: { requestsPer10s: 190, dailyLimit: 625_000 },
  enterprise: { requestsPer10s: 190, dailyLimit: 1_000_000 }
} as const

export type Env = z.infer<typeof envSchema>

export interface HubspotConfig {
  mode: 'real' | 'sandbox'
  accessToken?: string
  baseUrl: string
  appointmentObject: 'meetings' | 'appointments'
  portalId?: string
  requestsPer10s: number
  dailyLimit: number
  /** The share of the account's daily quota this app may use (the rest is for other integrations). */
  dailyShare: number
  /** HUBSPOT_MAPPING_FILE; unset: the shipped config/mapping/hubspot.yml. */
  mappingFile?: string
}

export type SalesforceCredentials =
  | { kind: 'client-credentials', loginUrl: string, clientId: string, clientSecret: string }
  | { kind: 'access-token', instanceUrl: string, accessToken: string }

export interface SalesforceConfig {
  mode: 'real' | 'sandbox'
  credentials?: SalesforceCredentials
  apiVersion: string
  requestsPer10s: number
  dailyLimit: number
  dailyShare: number
  /** SALESFORCE_MAPPING_FILE; unset: the shipped config/mapping/salesforce.yml. */
  mappingFile?: string
  /** Customers become Contacts or Leads. */
  personObject: 'Contact' | 'Lead'
}

export interface Config {
  env: 'development' | 'production' | 'test'
  port: number
  host: string
  /** Unset in development: main.ts then starts an embedded PostgreSQL under dataDir. */
  databaseUrl?: string
  dataDir: string
  /** Unset in development: main.ts then generates one and keeps it under dataDir. */
  webhookSecrets?: string[]
  adminToken?: string
  /** Set: /admin and /metrics are served only on adminHost:adminPort, not on port. */
  adminPort?: number
  adminHost: string
  adminSessionIdleMinutes: number
  logLevel: Env['LOG_LEVEL']
  crmTimeoutMs: number
  /** Inbox payloads, raw bodies and errors are emptied after this many days (docs/data-lifecycle.md). */
  retentionDays: number
  /** Minutes between reconciliation passes per CRM; 0 turns the periodic sweep off. */
  reconcileIntervalMinutes: number
  /** A CRM without credentials uses its sandbox outside production, and is off in production. */
  hubspot: HubspotConfig | undefined
  salesforce: SalesforceConfig | undefined
}

export class ConfigError extends Error {
  constructor (message: string) {
    super(message)
    this.name = 'ConfigError'
  }
}

export function loadConfig (environment: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(resolveSecretFiles(environment))
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`)
  }
  const env = parsed.data
  const production = env.NODE_ENV === 'production'

  if (production) {
    const missing = (['DATABASE_URL', 'AGENTCLARA_WEBHOOK_SECRET', 'ADMIN_TOKEN'] as const)
      .filter((name) => env[name] === undefined || (Array.isArray(env[name]) && env[name].length === 0))
    if (missing.length > 0) {
      throw new ConfigError(`Missing required configuration for NODE_ENV=production: ${missing.join(', ')}. See .env.example.`)
    }
    const problems = productionProblems(env)
    if (problems.length > 0) throw new ConfigError(`Refusing to start with NODE_ENV=production:\n  ${problems.join('\n  ')}`)
  }

  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    webhookSecrets: env.AGENTCLARA_WEBHOOK_SECRET,
    adminToken: env.ADMIN_TOKEN,
    adminPort: env.ADMIN_PORT,
    // Loopback unless said otherwise, in production too: the dashboard is for operators.
    adminHost: env.ADMIN_HOST ?? '127.0.0.1',
    adminSessionIdleMinutes: env.ADMIN_SESSION_IDLE_MINUTES ?? 30,
    logLevel: env.LOG_LEVEL,
    crmTimeoutMs: env.CRM_TIMEOUT_MS,
    retentionDays: env.RETENTION_DAYS,
    reconcileIntervalMinutes: env.RECONCILE_INTERVAL_MINUTES,
    hubspot: hubspotConfig(env, production),
    salesforce: salesforceConfig(env, production)
  }
}

function resolveSecretFiles (environment: Record<string, string | undefined>): Record<string, string | undefined> {
  try {
    return withSecretFiles(environment)
  } catch (error) {
    if (error instanceof SecretFileError) throw new ConfigError(error.message)
    throw error
  }
}

function hubspotConfig (env: Env, production: boolean): HubspotConfig | undefined {
  const shared = {
    baseUrl: env.HUBSPOT_BASE_URL,
    appointmentObject: env.HUBSPOT_APPOINTMENT_OBJECT,
    portalId: env.HUBSPOT_PORTAL_ID,
    requestsPer10s: env.HUBSPOT_REQUESTS_PER_10S ?? HUBSPOT_TIERS[env.HUBSPOT_TIER].requestsPer10s,
    dailyLimit: env.HUBSPOT_DAILY_LIMIT ?? HUBSPOT_TIERS[env.HUBSPOT_TIER].dailyLimit,
    dailyShare: env.HUBSPOT_DAILY_SHARE,
    mappingFile: env.HUBSPOT_MAPPING_FILE
  }
  if (env.HUBSPOT_ACCESS_TOKEN) return { mode: 'real', accessToken: env.HUBSPOT_ACCESS_TOKEN, ...shared }
  return production ? undefined : { mode: 'sandbox', ...shared }
}

function salesforceConfig (env: Env, production: boolean): SalesforceConfig | undefined {
  const shared = {
    apiVersion: env.SALESFORCE_API_VERSION,
    requestsPer10s: env.SALESFORCE_REQUESTS_PER_10S,
    dailyLimit: env.SALESFORCE_DAILY_LIMIT,
    dailyShare: env.SALESFORCE_DAILY_SHARE,
    mappingFile: env.SALESFORCE_MAPPING_FILE,
    personObject: env.SALESFORCE_PERSON_OBJECT
  }
  const { SALESFORCE_LOGIN_URL: loginUrl, SALESFORCE_CLIENT_ID: clientId, SALESFORCE_CLIENT_SECRET: clientSecret } = env
  if (loginUrl && clientId && clientSecret) {
    return { mode: 'real', credentials: { kind: 'client-credentials', loginUrl, clientId, clientSecret }, ...shared }
  }
  const { SALESFORCE_INSTANCE_URL: instanceUrl, SALESFORCE_ACCESS_TOKEN: accessToken } = env
  if (instanceUrl && accessToken) {
    return { mode: 'real', credentials: { kind: 'access-token', instanceUrl, accessToken }, ...shared }
  }
  if (loginUrl || clientId || clientSecret || instanceUrl || accessToken) {
    throw new ConfigError('Incomplete Salesforce configuration: set SALESFORCE_LOGIN_URL + SALESFORCE_CLIENT_ID + SALESFORCE_CLIENT_SECRET, or SALESFORCE_INSTANCE_URL + SALESFORCE_ACCESS_TOKEN.')
  }
  return production ? undefined : { mode: 'sandbox', ...shared }
}
