import { z } from 'zod'

/**
 * Every environment variable the service reads, parsed once at start-up. Names are part
 * of the interface (see .env.example). `main.ts` is the only caller.
 */
const csv = z.string().transform((value) => value.split(',').map((item) => item.trim()).filter(Boolean))
const optional = z.string().trim().optional().transform((value) => value === '' ? undefined : value)

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: optional,
  DATABASE_URL: optional,
  DATA_DIR: z.string().default('.data'),
  AGENTCLARA_WEBHOOK_SECRET: optional.pipe(csv.optional()),
  ADMIN_TOKEN: optional,
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  CRM_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  HUBSPOT_ACCESS_TOKEN: optional,
  HUBSPOT_BASE_URL: z.url().default('https://api.hubapi.com'),
  HUBSPOT_APPOINTMENT_OBJECT: z.enum(['meetings', 'appointments']).default('meetings'),
  HUBSPOT_PORTAL_ID: optional,
  // HubSpot's private-app limit is 100 (Free/Starter) or 190 (Pro/Enterprise) per 10 s.
  HUBSPOT_REQUESTS_PER_10S: z.coerce.number().int().min(1).default(100),
  SALESFORCE_LOGIN_URL: optional,
  SALESFORCE_CLIENT_ID: optional,
  SALESFORCE_CLIENT_SECRET: optional,
  SALESFORCE_INSTANCE_URL: optional,
  SALESFORCE_ACCESS_TOKEN: optional,
  SALESFORCE_API_VERSION: z.string().regex(/^\d+\.\d$/, 'like 62.0').default('62.0'),
  SALESFORCE_REQUESTS_PER_10S: z.coerce.number().int().min(1).default(250),
  // Field mapping (README "Field mapping"): files default to config/mapping/<crm>.yml.
  HUBSPOT_MAPPING_FILE: optional,
  SALESFORCE_MAPPING_FILE: optional,
  SALESFORCE_PERSON_OBJECT: z.enum(['Contact', 'Lead']).default('Contact')
})

export type Env = z.infer<typeof envSchema>

export interface HubspotConfig {
  mode: 'real' | 'sandbox'
  accessToken?: string
  baseUrl: string
  appointmentObject: 'meetings' | 'appointments'
  portalId?: string
  requestsPer10s: number
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
  logLevel: Env['LOG_LEVEL']
  crmTimeoutMs: number
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
  const parsed = envSchema.safeParse(environment)
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
  }

  return {
    env: env.NODE_ENV,
    port: env.PORT,
    host: env.HOST ?? (production ? '0.0.0.0' : '127.0.0.1'),
    databaseUrl: env.DATABASE_URL,
    dataDir: env.DATA_DIR,
    webhookSecrets: env.AGENTCLARA_WEBHOOK_SECRET,
    adminToken: env.ADMIN_TOKEN,
    logLevel: env.LOG_LEVEL,
    crmTimeoutMs: env.CRM_TIMEOUT_MS,
    hubspot: hubspotConfig(env, production),
    salesforce: salesforceConfig(env, production)
  }
}

function hubspotConfig (env: Env, production: boolean): HubspotConfig | undefined {
  const shared = {
    baseUrl: env.HUBSPOT_BASE_URL,
    appointmentObject: env.HUBSPOT_APPOINTMENT_OBJECT,
    portalId: env.HUBSPOT_PORTAL_ID,
    requestsPer10s: env.HUBSPOT_REQUESTS_PER_10S,
    mappingFile: env.HUBSPOT_MAPPING_FILE
  }
  if (env.HUBSPOT_ACCESS_TOKEN) return { mode: 'real', accessToken: env.HUBSPOT_ACCESS_TOKEN, ...shared }
  return production ? undefined : { mode: 'sandbox', ...shared }
}

function salesforceConfig (env: Env, production: boolean): SalesforceConfig | undefined {
  const shared = {
    apiVersion: env.SALESFORCE_API_VERSION,
    requestsPer10s: env.SALESFORCE_REQUESTS_PER_10S,
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
