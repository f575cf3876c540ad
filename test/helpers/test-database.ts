import { fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { once } from 'node:events'
import { admin, databaseUrl } from './test-cluster.ts'

export interface TestDatabase {
  url: string
  drop: () => Promise<void>
}

let cluster: Promise<{ url: string, template: string }> | undefined

/**
 * The cluster the test run shares: `test/run-tests.ts` starts one, builds the template and
 * passes both in TEST_POSTGRES_URL and TEST_TEMPLATE_DATABASE. A test file run on its own
 * (`node --test file`) gets a private one from a child process that outlives it just long
 * enough to stop the cluster.
 */
function sharedCluster () {
  cluster ??= (async () => {
    if (process.env.TEST_DATABASE === 'off') {
      throw new Error('this run has no PostgreSQL (npm run test:unit): a test that needs a database belongs in test/integration/')
    }
    const url = process.env.TEST_POSTGRES_URL
    const template = process.env.TEST_TEMPLATE_DATABASE
    if (url && template) return { url, template }
    if (url) throw new Error('TEST_POSTGRES_URL is set without TEST_TEMPLATE_DATABASE; run the tests through test/run-tests.ts')
    return startPrivateCluster()
  })()
  return cluster
}

async function startPrivateCluster (): Promise<{ url: string, template: string }> {
  const { NODE_TEST_CONTEXT: _context, NODE_V8_COVERAGE: _coverage, ...env } = process.env
  const child = fork(new URL('./private-cluster.ts', import.meta.url), { execArgv: [], env, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
  const [message] = await Promise.race([
    once(child, 'message'),
    once(child, 'exit').then(([code]) => { throw new Error(`the private test cluster exited with ${String(code)}`) })
  ]) as [{ url?: string, template?: string, error?: string }]
  if (!message.url || !message.template) throw new Error(`the private test cluster failed: ${message.error ?? 'no URL'}`)
  // Neither the child nor its channel keeps this process alive; when it exits, the
  // channel closes and the child stops the cluster.
  child.unref()
  child.channel?.unref()
  return { url: message.url, template: message.template }
}

/**
 * A database of its own for one test file (or one test), cloned from the migrated
 * template: our tables, pg-boss's schema and the registry's queues are already there.
 * Dropped again by `drop()`.
 */
export async function createTestDatabase (): Promise<TestDatabase> {
  const { url, template } = await sharedCluster()
  const name = `test_${randomUUID().replaceAll('-', '')}`
  // FILE_COPY: with fsync off its checkpoint is cheap, and it copies files instead of
  // WAL-logging every page (measured ~35 ms against ~170 ms for WAL_LOG).
  await admin(url, (client) => client.query(`CREATE DATABASE ${name} TEMPLATE ${template} STRATEGY FILE_COPY`))
  return {
    url: databaseUrl(url, name),
    drop: () => admin(url, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {})
  }
}
