import assert from 'node:assert/strict'
import { chmod, mkdir, mkdtemp, readFile, readlink, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test } from 'node:test'
import pg from 'pg'
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.ts'
import { freePort } from '../../src/db/free-port.ts'

// Each test runs its own cluster in a scratch directory; nothing here touches .data/.
const asRoot = process.getuid?.() === 0
const fast = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
const scratch = await mkdtemp(join(tmpdir(), 'embedded-pg-safety-'))
await chmod(scratch, 0o755) // mkdtemp makes it 0700: as root the postgres user could not reach anything below
after(() => rm(scratch, { recursive: true, force: true }))

const start = async (dataDir: string, notices: string[] = []) =>
  startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: true, settings: fast, onNotice: (message) => notices.push(message) })

const modeOf = async (path: string) => (await stat(path)).mode & 0o7777

/** Every directory from `path` up to `/`, with its mode. */
async function ancestorModes (path: string): Promise<Map<string, number>> {
  const modes = new Map<string, number>()
  for (let dir = path; ; dir = dirname(dir)) {
    modes.set(dir, await modeOf(dir))
    if (dir === dirname(dir)) return modes
  }
}

const packagedBin = async () => dirname((await import(`@embedded-postgres/${process.platform}-${process.arch}`) as { postgres: string }).postgres)

async function connectsWith (url: string, password: string): Promise<boolean | string> {
  const withPassword = new URL(url)
  withPassword.password = password
  const client = new pg.Client({ connectionString: withPassword.toString(), connectionTimeoutMillis: 5000 })
  try {
    await client.connect()
    return true
  } catch (error) {
    return (error as { code?: string }).code ?? String(error)
  } finally {
    await client.end().catch(() => {})
  }
}

async function query<T> (url: string, sql: string): Promise<T[]> {
  const client = new pg.Client(url)
  await client.connect()
  try {
    return (await client.query(sql)).rows as T[]
  } finally {
    await client.end()
  }
}

test('when the data directory lies inside a private (0700) directory, then starting leaves that directory as it was', async () => {
  const privateDir = join(scratch, 'private')
  await mkdir(privateDir)
  await chmod(privateDir, 0o700)
  const dataDir = join(privateDir, 'checkout', '.data')
  if (asRoot) {
    // The postgres user cannot get there, and we do not open the way: refuse, saying how.
    await assert.rejects(start(dataDir), (error: Error) => {
      assert.match(error.message, new RegExp(`chmod o\\+x ${privateDir}\\n`))
      return true
    })
  } else {
    const running = await start(dataDir)
    await running.stop()
  }
  assert.equal(await modeOf(privateDir), 0o700)
})

// One cluster in a checkout-like directory for the next two tests.
let main: RunningPostgres
let mainDir: string
let modesBefore: Array<[string, number]>
let modesAfter: Array<[string, number]>

before(async () => {
  mainDir = join(scratch, 'main', '.data')
  await mkdir(dirname(mainDir))
  const outside = async () => [...await ancestorModes(dirname(mainDir)), ...await ancestorModes(await packagedBin())]
  modesBefore = await outside()
  main = await start(mainDir)
  modesAfter = await outside()
})
after(() => main?.stop())

test('when a cluster starts, then its binaries and files sit inside the data directory and no directory outside it changes', async () => {
  assert.deepEqual(modesAfter, modesBefore)

  const pgdata = join(mainDir, 'pgdata')
  assert.equal(await modeOf(pgdata), 0o700)
  assert.equal((await modeOf(mainDir)) & 0o022, 0, 'nobody else may write to the data directory')
  if (asRoot) {
    const postmasterPid = (await readFile(join(pgdata, 'postmaster.pid'), 'utf8')).split('\n')[0]
    const executable = await readlink(`/proc/${postmasterPid}/exe`)
    assert.ok(executable.startsWith(`${mainDir}/`), `PostgreSQL runs from ${executable}, not from inside ${mainDir}`)
    assert.notEqual((await stat(pgdata)).uid, 0, 'the cluster belongs to the postgres user')
  }
})

test('when a cluster starts, then its superuser password is random, kept in secrets.json (0600), and postgres/postgres is refused', async () => {
  const password = decodeURIComponent(new URL(main.url).password)
  assert.notEqual(password, 'postgres')
  assert.ok(password.length >= 32, 'a long random password')
  assert.equal(await connectsWith(main.url, 'postgres'), '28P01')
  const secretsFile = join(mainDir, 'secrets.json')
  assert.equal(await modeOf(secretsFile), 0o600)
  assert.equal(JSON.parse(await readFile(secretsFile, 'utf8')).postgresPassword, password)
  // Only TCP on loopback with SCRAM; no unix socket in a shared directory such as /tmp.
  assert.deepEqual(await query(main.url, 'SHOW unix_socket_directories'), [{ unix_socket_directories: '' }])
  const methods = await query<{ auth_method: string }>(main.url, 'SELECT DISTINCT auth_method FROM pg_hba_file_rules')
  assert.deepEqual(methods.map((row) => row.auth_method), ['scram-sha-256'])

  await main.stop()
  const again = await start(mainDir)
  try {
    assert.equal(decodeURIComponent(new URL(again.url).password), password, 'the same password after a restart')
  } finally {
    await again.stop()
  }
})

test('when secrets.json can be read by other users, then the cluster does not start and the error names the chmod that fixes it', async () => {
  const dataDir = join(scratch, 'loose', '.data')
  await mkdir(dataDir, { recursive: true })
  const secretsFile = join(dataDir, 'secrets.json')
  await writeFile(secretsFile, JSON.stringify({ postgresPassword: 'x'.repeat(32) }))
  await chmod(secretsFile, 0o644)
  await assert.rejects(start(dataDir), (error: Error) => {
    assert.match(error.message, new RegExp(`chmod 600 ${secretsFile}`))
    return true
  })
  assert.equal(await modeOf(secretsFile), 0o644, 'left for the operator to judge')
  await assert.rejects(stat(join(dataDir, 'pgdata', 'PG_VERSION')), { code: 'ENOENT' })
})

test('when a cluster still has the old fixed password postgres/postgres, then the next start replaces it with a random one', async () => {
  const dataDir = join(scratch, 'legacy', '.data')
  const first = await start(dataDir)
  await query(first.url, "ALTER ROLE postgres PASSWORD 'postgres'")
  await first.stop()
  // As a checkout from before: a secrets file without the database password.
  await writeFile(join(dataDir, 'secrets.json'), JSON.stringify({ webhookSecret: 'whsec_x', adminToken: 'y' }), { mode: 0o600 })

  const notices: string[] = []
  const upgraded = await start(dataDir, notices)
  try {
    const password = decodeURIComponent(new URL(upgraded.url).password)
    assert.notEqual(password, 'postgres')
    assert.equal(await connectsWith(upgraded.url, 'postgres'), '28P01')
    assert.equal(await connectsWith(upgraded.url, password), true)
    const stored = JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8'))
    assert.deepEqual(stored, { webhookSecret: 'whsec_x', adminToken: 'y', postgresPassword: password })
    assert.ok(notices.some((notice) => /fixed password/.test(notice)), notices.join('\n'))
  } finally {
    await upgraded.stop()
  }
})
