import { join } from 'node:path'
import { loadOrCreateDevSecrets } from '../dev-secrets.ts'
import { SecretFileError, secretFromEnv } from '../secret-files.ts'
import { readSecretsFile } from '../secrets-file.ts'
import { UsageError } from './usage-error.ts'

/**
 * The secret to sign with: `--secret`, else the first of AGENTCLARA_WEBHOOK_SECRET (or of the
 * file AGENTCLARA_WEBHOOK_SECRET_FILE names, as the service reads it), else the dev secret the service wrote to `<DATA_DIR>/secrets.json`.
 * Never creates that file: a freshly generated secret would not match the running service.
 */
export async function resolveSecret (input: { flag?: string | undefined, env: NodeJS.ProcessEnv }): Promise<{ secret: string, source: string }> {
  if (input.flag !== undefined) {
    if (input.flag === '') throw new UsageError('--secret is empty.')
    return { secret: input.flag, source: '--secret' }
  }
  let configured: string | undefined
  try {
    configured = secretFromEnv(input.env, 'AGENTCLARA_WEBHOOK_SECRET')
  } catch (error) {
    if (error instanceof SecretFileError) throw new UsageError(error.message)
    throw error
  }
  const fromEnv = configured?.split(',')[0]?.trim()
  if (fromEnv) {
    return { secret: fromEnv, source: input.env.AGENTCLARA_WEBHOOK_SECRET_FILE ? 'AGENTCLARA_WEBHOOK_SECRET_FILE' : 'AGENTCLARA_WEBHOOK_SECRET' }
  }

  const dataDir = input.env.DATA_DIR ?? '.data'
  const file = join(dataDir, 'secrets.json')
  if (await hasDevSecrets(dataDir, file)) return { secret: (await loadOrCreateDevSecrets(dataDir)).webhookSecret, source: file }
  throw new UsageError([
    `No webhook secret: --secret is not given, AGENTCLARA_WEBHOOK_SECRET is not set and there is no development secret in ${file}.`,
    'Either start the service once (npm start writes the development secret there and prints it as "Secret:"),',
    'or pass the secret the receiver checks:',
    '  npm run simulate -- --seed --secret <the service\'s AGENTCLARA_WEBHOOK_SECRET>'
  ].join('\n'))
}

// Only a complete file is used: loadOrCreateDevSecrets would generate the missing part,
// which no running service knows.
async function hasDevSecrets (dataDir: string, file: string): Promise<boolean> {
  try {
    const stored = await readSecretsFile(dataDir)
    return typeof stored.webhookSecret === 'string' && stored.webhookSecret !== '' && typeof stored.adminToken === 'string' && stored.adminToken !== ''
  } catch (error) {
    throw new UsageError(`Cannot use ${file}: ${(error as Error).message}\nOr pass --secret instead.`)
  }
}
