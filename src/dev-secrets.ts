import { randomBytes } from 'node:crypto'
import { readSecretsFile, updateSecretsFile } from './secrets-file.ts'

export interface DevSecrets {
  webhookSecret: string
  adminToken: string
}

/**
 * Development only: a webhook secret and admin token generated on first start and kept
 * in `<dataDir>/secrets.json` (mode 0600, checked on every start), so they survive
 * restarts and the AgentClara dashboard does not need re-pasting. Other keys in the file
 * (the embedded PostgreSQL's password) are left alone.
 */
export async function loadOrCreateDevSecrets (dataDir: string): Promise<DevSecrets> {
  const stored = await readSecretsFile(dataDir)
  const secrets = {
    webhookSecret: nonEmpty(stored.webhookSecret) ?? `whsec_${randomBytes(24).toString('hex')}`,
    adminToken: nonEmpty(stored.adminToken) ?? randomBytes(18).toString('base64url')
  }
  if (secrets.webhookSecret !== stored.webhookSecret || secrets.adminToken !== stored.adminToken) {
    await updateSecretsFile(dataDir, secrets)
  }
  return secrets
}

const nonEmpty = (value: unknown) => typeof value === 'string' && value !== '' ? value : undefined

export interface ServiceSecrets {
  webhookSecrets: string[]
  adminToken?: string
  /**
   * What the start-up banner may print: only values generated here, in development. A
   * secret or token from the environment is never printed (logs and terminals leak).
   */
  printable: { webhookSecret?: string, adminToken?: string }
}

/** The configured secrets, with generated development ones for what is not configured. */
export async function resolveServiceSecrets (config: {
  env: 'development' | 'production' | 'test'
  dataDir: string
  webhookSecrets?: string[] | undefined
  adminToken?: string | undefined
}): Promise<ServiceSecrets> {
  const missing = config.webhookSecrets === undefined || config.adminToken === undefined
  const generated = config.env !== 'production' && missing ? await loadOrCreateDevSecrets(config.dataDir) : undefined
  return {
    webhookSecrets: config.webhookSecrets ?? (generated ? [generated.webhookSecret] : []),
    adminToken: config.adminToken ?? generated?.adminToken,
    printable: {
      webhookSecret: config.webhookSecrets === undefined ? generated?.webhookSecret : undefined,
      adminToken: config.adminToken === undefined ? generated?.adminToken : undefined
    }
  }
}
