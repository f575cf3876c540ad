import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { chmod, mkdir, mkdtemp, readFile, readlink, realpath, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, before, test, type TestContext } from 'node:test'
import pg from 'pg'
import { ownHomePath } from '../../src/db/cluster-home.ts'
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/db/embedded-postgres.ts'
import { freePort } from '../../src/db/free-port.ts'

// Each test runs its own cluster in a scratch directory; nothing here touches .data/.
const asRoot = process.getuid?.() === 0
const fast = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
const scratch = await mkdtemp(join(tmpdir(), 'embedded-pg-safety-'))
await chmod(scratch, 0o755) // mkdtemp makes it 0700: as root the postgres user could not reach anything below
after(() => rm(scratch, { recursive: true, force: true }))

// A port found free can be taken (by another test file's sockets) before PostgreSQL binds
// it; that start fails with "Address already in use" and changes nothing, so pick another.
const start = async (dataDir: string, notices: string[] = [], ownDataRoot?: string) => {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startEmbeddedPostgres({ dataDir, port: await freePort(), persistent: true, settings: fast, onNotice: (message) => notices.push(message), ...(ownDataRoot ? { ownDataRoot } : {}) })
    } catch (err) {
      if (attempt >= 3 || !String((err as Error).message).includes('Address already in use')) throw err
    }
  }
}

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

test('when the data directory lies inside a private (0700) directory and we are not root, then it starts there and leaves that directory as it was', { skip: asRoot && 'as root the cluster moves to a directory of its own: see the tests below' }, async () => {
  const privateDir = join(scratch, 'private')
  await mkdir(privateDir)
  await chmod(privateDir, 0o700)
  const running = await start(join(privateDir, 'checkout', '.data'))
  await running.stop()
  assert.equal(await modeOf(privateDir), 0o700)
})

const needsRoot = !asRoot && 'needs root: only as root does PostgreSQL run as the postgres user, who cannot pass through a 0700 directory'

/** A private (0700) directory with a checkout's `.data/` inside, and a test-only stand-in for /var/lib/agentclara-crm-sync. */
async function privateCheckout (t: TestContext, name: string) {
  const privateDir = join(scratch, name)
  await mkdir(join(privateDir, 'checkout'), { recursive: true })
  await chmod(privateDir, 0o700)
  const varLib = join(scratch, `${name}-var-lib`)
  await mkdir(varLib, { mode: 0o755 })
  await chmod(varLib, 0o755)
  t.after(() => rm(varLib, { recursive: true, force: true }))
  return { privateDir, dataDir: join(privateDir, 'checkout', '.data'), varLib, ownDataRoot: join(varLib, 'agentclara-crm-sync') }
}

const isRunning = (pid: number) => { try { process.kill(pid, 0); return true } catch { return false } }

test('when, as root, the data directory lies inside a private (0700) directory, then the cluster lives in a directory of its own, is reused on restart, and the private directory is left as it was', { skip: needsRoot }, async (t) => {
  const { privateDir, dataDir, ownDataRoot } = await privateCheckout(t, 'private-root')
  const notices: string[] = []
  const first = await start(dataDir, notices, ownDataRoot)
  const home = ownHomePath(ownDataRoot, await realpath(dataDir))
  assert.equal(first.databaseDir, join(home, 'pgdata'))
  assert.match(home, /\/[0-9a-f]{16}$/)
  let pid = 0
  try {
    assert.equal(await modeOf(privateDir), 0o700, 'the private directory is left as it was')
    assert.equal(await modeOf(dataDir), 0o700, 'the data directory too: the postgres user does not go there')
    assert.equal(existsSync(join(dataDir, 'pgdata')), false)
    // New directories only: 0711, root's; the cluster the postgres user's, 0700.
    for (const dir of [ownDataRoot, home]) {
      assert.equal(await modeOf(dir), 0o711, dir)
      assert.equal((await stat(dir)).uid, 0, dir)
    }
    assert.equal(await modeOf(first.databaseDir), 0o700)
    assert.notEqual((await stat(first.databaseDir)).uid, 0, 'the cluster belongs to the postgres user')
    pid = Number((await readFile(join(first.databaseDir, 'postmaster.pid'), 'utf8')).split('\n')[0])
    const executable = await readlink(`/proc/${pid}/exe`)
    assert.ok(executable.startsWith(`${home}/postgres-binaries/`), `PostgreSQL runs from ${executable}, not from inside ${home}`)
    // Remembered in .data, privately; the password stays in .data/secrets.json.
    const homeFile = join(dataDir, 'embedded-postgres-home.json')
    assert.equal(await modeOf(homeFile), 0o600)
    assert.deepEqual(JSON.parse(await readFile(homeFile, 'utf8')), { dataDir: await realpath(dataDir), home })
    assert.equal(JSON.parse(await readFile(join(dataDir, 'secrets.json'), 'utf8')).postgresPassword, decodeURIComponent(new URL(first.url).password))
    const said = notices.filter((notice) => notice.includes(first.databaseDir))
    assert.equal(said.length, 1, notices.join('\n'))
    assert.match(said[0] ?? '', new RegExp(`may not pass through ${privateDir} \\(mode 0700\\)`))
    await query(first.url, 'CREATE TABLE kept AS SELECT 42 AS answer')
  } finally {
    await first.stop()
  }
  assert.equal(isRunning(pid), false, 'stop() stops PostgreSQL')
  assert.equal(existsSync(join(first.databaseDir, 'postmaster.pid')), false)

  // The remembered directory wins, even where a different default would point.
  const elsewhere = join(scratch, 'private-root-elsewhere')
  const againNotices: string[] = []
  const again = await start(dataDir, againNotices, elsewhere)
  try {
    assert.equal(again.databaseDir, first.databaseDir)
    assert.deepEqual(await query(again.url, 'SELECT answer FROM kept'), [{ answer: 42 }])
    assert.deepEqual(againNotices, [], 'said once, on the first start')
    assert.equal(existsSync(elsewhere), false)
  } finally {
    await again.stop()
  }
  assert.equal(await modeOf(privateDir), 0o700)
})

test('when, as root, .data/ was deleted to start afresh, then the old cluster in its own directory is set aside and a new one starts', { skip: needsRoot }, async (t) => {
  const { dataDir, ownDataRoot } = await privateCheckout(t, 'afresh-root')
  const first = await start(dataDir, [], ownDataRoot)
  await first.stop()
  await rm(dataDir, { recursive: true })

  const notices: string[] = []
  const fresh = await start(dataDir, notices, ownDataRoot)
  try {
    assert.equal(fresh.databaseDir, first.databaseDir)
    assert.equal(await connectsWith(fresh.url, decodeURIComponent(new URL(fresh.url).password)), true)
    assert.ok(notices.some((notice) => /set aside .*pgdata-orphaned-.*rm -rf/.test(notice)), notices.join('\n'))
  } finally {
    await fresh.stop()
  }
})

test('when, as root, no directory of its own can be made for the cluster, then it refuses with the chmod that would fix it and changes nothing', { skip: needsRoot }, async (t) => {
  const { privateDir, dataDir, varLib } = await privateCheckout(t, 'refused-root')
  const aFile = join(varLib, 'a-file')
  await writeFile(aFile, '')
  const openDir = join(varLib, 'open')
  await mkdir(openDir)
  await chmod(openDir, 0o777) // others could swap what we put there
  for (const [ownDataRoot, why] of [[join(aFile, 'agentclara-crm-sync'), /ENOTDIR/], [join(openDir, 'agentclara-crm-sync'), /can be written by others/]] as const) {
    await assert.rejects(start(dataDir, [], ownDataRoot), (error: Error) => {
      assert.match(error.message, new RegExp(`chmod o\\+x ${privateDir}\\n`))
      assert.match(error.message, /could not be made/)
      assert.match(error.message, why)
      return true
    })
  }
  assert.equal(await modeOf(privateDir), 0o700)
  assert.equal(await modeOf(openDir), 0o777)
  assert.equal(existsSync(join(dataDir, 'embedded-postgres-home.json')), false)
})

test('when, as root, the unreachable data directory already holds a cluster, then it is not moved: the start is refused', { skip: needsRoot }, async (t) => {
  const { privateDir, dataDir, ownDataRoot } = await privateCheckout(t, 'existing-root')
  await mkdir(join(dataDir, 'pgdata'), { recursive: true })
  await writeFile(join(dataDir, 'pgdata', 'PG_VERSION'), '18\n')
  await assert.rejects(start(dataDir, [], ownDataRoot), (error: Error) => {
    assert.match(error.message, new RegExp(`chmod o\\+x ${privateDir}\\n`))
    assert.match(error.message, /already holds its cluster/)
    return true
  })
  assert.equal(existsSync(ownDataRoot), false)
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
