import { describeSecretProblem, isPlaceholder, secretProblem } from './secret-strength.ts'

// ADMIN_TOKEN is ours to choose, so it gets the full 32 random bytes. The webhook secret
// is whatever AgentClara's dashboard issues or accepts, in a format we do not control:
// it must carry 128 bits (32 hex or 22 base64url characters). That is still far beyond
// guessing — online every guess costs a request, offline it needs a leaked signed body
// and 2^128 HMACs — without refusing a vendor-issued secret of 16–31 bytes.
const ADMIN_TOKEN_MIN_BITS = 256
const WEBHOOK_SECRET_MIN_BITS = 128

export interface ProductionSettings {
  AGENTCLARA_WEBHOOK_SECRET?: string[] | undefined
  ADMIN_TOKEN?: string | undefined
  DATABASE_URL?: string | undefined
  HUBSPOT_ACCESS_TOKEN?: string | undefined
  SALESFORCE_CLIENT_SECRET?: string | undefined
  SALESFORCE_ACCESS_TOKEN?: string | undefined
  HUBSPOT_BASE_URL?: string | undefined
  SALESFORCE_LOGIN_URL?: string | undefined
  SALESFORCE_INSTANCE_URL?: string | undefined
}

/**
 * What NODE_ENV=production refuses beyond missing values: placeholder or weak secrets, a
 * placeholder database password, and CRM URLs that would send tokens over plain HTTP.
 * One line per problem; no line repeats a secret.
 */
export function productionProblems (settings: ProductionSettings): string[] {
  const problems: string[] = []
  const secrets = settings.AGENTCLARA_WEBHOOK_SECRET ?? []
  secrets.forEach((secret, index) => {
    const problem = secretProblem(secret, WEBHOOK_SECRET_MIN_BITS)
    const name = secrets.length > 1 ? `AGENTCLARA_WEBHOOK_SECRET (entry ${index + 1} of ${secrets.length})` : 'AGENTCLARA_WEBHOOK_SECRET'
    if (problem) problems.push(describeSecretProblem(name, problem))
  })
  if (settings.ADMIN_TOKEN !== undefined) {
    const problem = secretProblem(settings.ADMIN_TOKEN, ADMIN_TOKEN_MIN_BITS)
    if (problem) problems.push(describeSecretProblem('ADMIN_TOKEN', problem))
  }

  const password = databasePassword(settings.DATABASE_URL)
  if (password !== undefined && isPlaceholder(password)) {
    problems.push('DATABASE_URL has a placeholder password: set a real one (e.g. openssl rand -hex 32) on the database and in the URL.')
  }
  // CRM credentials are the CRM's to judge; a template value would only fail later, less clearly.
  for (const name of ['HUBSPOT_ACCESS_TOKEN', 'SALESFORCE_CLIENT_SECRET', 'SALESFORCE_ACCESS_TOKEN'] as const) {
    const value = settings[name]
    if (value !== undefined && isPlaceholder(value)) problems.push(`${name} is a placeholder value: use the credential from your CRM.`)
  }

  for (const name of ['HUBSPOT_BASE_URL', 'SALESFORCE_LOGIN_URL', 'SALESFORCE_INSTANCE_URL'] as const) {
    const value = settings[name]
    if (value === undefined) continue
    const url = URL.parse(value)
    if (!url) problems.push(`${name} is not a URL.`)
    // Only scheme and host in the message: a URL can carry credentials.
    else if (url.protocol !== 'https:') problems.push(`${name} must be an https: URL in production (it is ${url.protocol}//${url.host}): CRM tokens must not travel in clear text.`)
  }
  return problems
}

function databasePassword (databaseUrl: string | undefined): string | undefined {
  const url = databaseUrl === undefined ? null : URL.parse(databaseUrl)
  if (!url || url.password === '') return undefined
  try {
    return decodeURIComponent(url.password)
  } catch {
    return url.password
  }
}
