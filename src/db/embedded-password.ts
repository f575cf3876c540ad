import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { readSecretsFile, updateSecretsFile } from '../secrets-file.ts'

export const SUPERUSER = 'postgres'
/** What every embedded cluster got before passwords were random; switched over on first start. */
export const LEGACY_PASSWORD = 'postgres'
const SECRETS_KEY = 'postgresPassword'
const INVALID_PASSWORD = '28P01'

export const randomPassword = () => randomBytes(24).toString('base64url')

/** The superuser password kept in `<dataDir>/secrets.json`, made on first use. */
export async function loadOrCreatePassword (dataDir: string): Promise<string> {
  const stored = await storedPassword(dataDir)
  if (stored) return stored
  const password = randomPassword()
  await updateSecretsFile(dataDir, { [SECRETS_KEY]: password })
  return password
}

export async function storedPassword (dataDir: string): Promise<string | undefined> {
  const value = (await readSecretsFile(dataDir))[SECRETS_KEY]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * Makes the running server accept `password`. A cluster initialised before passwords were
 * random still has postgres/postgres, which any local user could use over TCP: switch it.
 * The new password is stored before the switch, so a crash in between is retried here.
 */
export async function ensurePassword (port: number, password: string, notice: (message: string) => void): Promise<void> {
  try {
    await (await connect(port, password)).end()
    return
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error
  }
  let legacy: pg.Client
  try {
    legacy = await connect(port, LEGACY_PASSWORD)
  } catch (error) {
    if ((error as { code?: string }).code !== INVALID_PASSWORD) throw error
    throw new Error('the password in secrets.json does not open this embedded PostgreSQL cluster. Restore the secrets.json that belongs to it, or delete its pgdata directory to start afresh (its data is lost).')
  }
  try {
    await legacy.query(`ALTER ROLE ${SUPERUSER} PASSWORD ${legacy.escapeLiteral(password)}`)
  } finally {
    await legacy.end()
  }
  notice('replaced the embedded PostgreSQL\'s fixed password (postgres/postgres) with the random one in secrets.json')
}

async function connect (port: number, password: string): Promise<pg.Client> {
  const client = new pg.Client({ host: '127.0.0.1', port, user: SUPERUSER, password, database: 'postgres', connectionTimeoutMillis: 10_000 })
  try {
    await client.connect()
  } catch (error) {
    await client.end().catch(() => {})
    throw error
  }
  return client
}
