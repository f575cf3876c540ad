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
