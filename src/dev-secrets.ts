import { randomBytes } from 'node:crypto'
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

export interface DevSecrets {
  webhookSecret: string
  adminToken: string
}

/**
 * Development only: a webhook secret and admin token generated on first start and kept
 * in `<dataDir>/secrets.json` (mode 0600), so they survive restarts and the AgentClara
 * dashboard does not need re-pasting.
 */
export async function loadOrCreateDevSecrets (dataDir: string): Promise<DevSecrets> {
  const file = join(dataDir, 'secrets.json')
  try {
    const stored = JSON.parse(await readFile(file, 'utf8')) as Partial<DevSecrets>
    if (stored.webhookSecret && stored.adminToken) return { webhookSecret: stored.webhookSecret, adminToken: stored.adminToken }
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const secrets = {
    webhookSecret: `whsec_${randomBytes(24).toString('hex')}`,
    adminToken: randomBytes(18).toString('base64url')
  }
  await mkdir(dataDir, { recursive: true })
  await writeFile(file, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 })
  return secrets
}

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
