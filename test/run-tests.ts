// Runs the test suite against one embedded PostgreSQL cluster shared by every test file
// (each file creates its own database in it). Extra arguments select test files.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startEmbeddedPostgres } from '../src/db/embedded-postgres.ts'
import { freePort } from '../src/db/free-port.ts'

const files = process.argv.slice(2)
const postgres = await startEmbeddedPostgres({
  dataDir: join(tmpdir(), `agentclara-test-${randomUUID()}`),
  port: await freePort(),
  persistent: false,
  settings: { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off' }
})

const args = ['--test', '--test-concurrency=2', '--test-timeout=120000',
  ...(files.length > 0 ? files : ['test/unit/**/*.test.ts', 'test/property/**/*.test.ts', 'test/integration/**/*.test.ts', 'test/browser/**/*.test.ts'])]
const child = spawn(process.execPath, args, {
  stdio: 'inherit',
  env: { ...process.env, TEST_POSTGRES_URL: postgres.url, LOG_LEVEL: process.env.LOG_LEVEL ?? 'silent' }
})
const code = await new Promise<number>((resolve) => child.on('exit', (status) => resolve(status ?? 1)))
await postgres.stop()
process.exit(code)
