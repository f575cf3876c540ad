import assert from 'node:assert/strict'
import { chmod, chown, mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, test } from 'node:test'
import { loadOrCreateDevSecrets } from '../../src/dev-secrets.ts'
import { readSecretsFile, SecretsFileError, updateSecretsFile } from '../../src/secrets-file.ts'

const scratch = await mkdtemp(join(tmpdir(), 'secrets-file-'))
after(() => rm(scratch, { recursive: true, force: true }))
let dirs = 0
const freshDir = async () => {
  const dir = join(scratch, String(++dirs))
  await updateSecretsFile(dir, {})
  return dir
}

test('when secrets.json is readable by group or others, then reading it is refused with the chmod that fixes it', async () => {
  const dir = await freshDir()
  const file = join(dir, 'secrets.json')
  for (const mode of [0o644, 0o640, 0o604]) {
    await chmod(file, mode)
    await assert.rejects(readSecretsFile(dir), (error: Error) => error instanceof SecretsFileError && error.message.includes(`chmod 600 ${file}`))
    await assert.rejects(loadOrCreateDevSecrets(dir), SecretsFileError)
  }
  assert.equal((await stat(file)).mode & 0o777, 0o604, 'refused, not silently changed')
})

test('when secrets.json is a symlink, then it is refused', async () => {
  const dir = await freshDir()
  await rm(join(dir, 'secrets.json'))
  await writeFile(join(scratch, 'elsewhere.json'), '{}', { mode: 0o600 })
  await symlink(join(scratch, 'elsewhere.json'), join(dir, 'secrets.json'))
  await assert.rejects(readSecretsFile(dir), /not a regular file/)
})

test('when secrets.json belongs to another user, then it is refused', { skip: process.getuid?.() === 0 ? false : 'needs root to chown' }, async () => {
  const dir = await freshDir()
  await chown(join(dir, 'secrets.json'), 65534, 65534)
  await assert.rejects(readSecretsFile(dir), /belongs to uid 65534/)
})

test('when the dev secrets are generated next to the database password, then both are kept and the file stays 0600', async () => {
  const dir = join(scratch, 'shared')
  await updateSecretsFile(dir, { postgresPassword: 'pw' })
  const dev = await loadOrCreateDevSecrets(dir)
  const file = join(dir, 'secrets.json')
  assert.deepEqual(JSON.parse(await readFile(file, 'utf8')), { postgresPassword: 'pw', ...dev })
  assert.equal((await stat(file)).mode & 0o777, 0o600)
  assert.deepEqual(await loadOrCreateDevSecrets(dir), dev, 'the same secrets on the next start')
})
